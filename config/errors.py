"""Domain errors shared by the apps; the API maps them to HTTP answers."""


class ConflictError(Exception):
    """The time or the units asked for are taken (HTTP 409)."""

    def __init__(self, detail: str, conflicts: list[dict]):
        super().__init__(detail)
        self.detail = detail
        self.conflicts = conflicts

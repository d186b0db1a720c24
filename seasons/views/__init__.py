"""Web pages of season allocation: the seasons, an organisation's application, the
officer's board and the organisation's decision."""

from seasons.views.apply import application_page
from seasons.views.board import board, wish_decide
from seasons.views.pages import (
    members_check,
    proposal_run,
    publish,
    season_detail,
    season_list,
    season_new,
    season_status,
)

__all__ = [
    "application_page",
    "board",
    "members_check",
    "proposal_run",
    "publish",
    "season_detail",
    "season_list",
    "season_new",
    "season_status",
    "wish_decide",
]

import ast
from pathlib import Path

import notifications

DOMAIN_APPS = {"booking", "lending"}


def test_notifications_imports_no_domain_app():
    """notifications/ decides how and when; it knows nothing of bookings or loans."""
    offenders = []
    for path in Path(notifications.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in DOMAIN_APPS]
    assert offenders == []
    assert len(list(Path(notifications.__file__).parent.rglob("*.py"))) > 10  # it did look

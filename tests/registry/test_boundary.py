"""registry/ is a copy of a public register: it imports no domain app (they import it)."""

import ast
from pathlib import Path

import registry


def test_registry_imports_no_domain_app():
    found = []
    for path in Path(registry.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [
                f"{path.name}: {name}"
                for name in names
                if name.split(".")[0] in ("booking", "lending", "notifications")
            ]
    assert found == []

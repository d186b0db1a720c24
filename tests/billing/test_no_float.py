"""No float in any money path: pricing, who pays, invoicing and payments.

Read with Python's own parser, so a comment or a string mentioning float does not count
and a call written across lines still does."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MONEY_MODULES = [
    ROOT / "booking" / "pricing.py",
    ROOT / "booking" / "payers.py",
    ROOT / "booking" / "paid.py",
    ROOT / "booking" / "price_list.py",
    ROOT / "config" / "settings_money.py",
    *sorted(p for p in (ROOT / "billing").rglob("*.py") if "migrations" not in p.parts),
]


def floats_in(source: str) -> list[str]:
    """Where the code makes a float: float(...), a float literal, or math.* on money."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "float":
                found.append(f"line {node.lineno}: float(...)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, float):
            found.append(f"line {node.lineno}: float literal {node.value!r}")
        elif isinstance(node, ast.Attribute) and node.attr in ("env_float", "fsum"):
            found.append(f"line {node.lineno}: {node.attr}")
        elif isinstance(node, ast.Name) and node.id == "env_float":
            found.append(f"line {node.lineno}: env_float")
    return found


def test_the_checker_finds_what_it_looks_for():
    sample = "x = float(price)\ny = 0.1 + 2\nz = env_float('A', 1)"
    assert len(floats_in(sample)) == 3
    assert floats_in("x = Decimal('0.10')  # not float(x)\ny = 'float(1)'") == []


def test_no_float_in_any_money_module():
    assert len(MONEY_MODULES) > 8, MONEY_MODULES  # the billing app is there
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in MONEY_MODULES
        if (found := floats_in(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}

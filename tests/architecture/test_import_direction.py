"""The picture in the README's Architecture section, as a test: which app may import which.

Imports are read from the source (every import, lazy ones inside functions included), so a shortcut that
would make two apps depend on each other fails here before it becomes a habit.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each app and the apps it may import. Anything not listed is refused; belong imports no app.
ALLOWED = {
    "belong": set(),
    "accounts": {"belong"},
    "provisioning": {"belong", "accounts"},
    "groups": {"belong", "accounts"},
    "meetings": {"belong", "accounts", "groups"},
    "equity_plan": {"belong", "accounts", "groups", "meetings"},
    "comments": {"belong", "accounts", "equity_plan"},
    "funding": {"belong", "accounts", "groups", "meetings"},
    "spaces": {"belong", "accounts", "groups", "meetings"},
    "impact": {"belong", "accounts", "groups", "meetings", "equity_plan", "comments"},
    "home": {"belong", "accounts", "groups", "meetings", "equity_plan", "comments", "funding", "spaces", "impact"},
}


def imports_of(app: str) -> dict[str, list[str]]:
    """{imported app: ["file:line", ...]} for every import of another project app in `app` (migrations aside)."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in ALLOWED and top != app:
                    found.setdefault(top, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_it_knows_every_app_of_the_project():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(ALLOWED)


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_it_keeps_each_apps_imports_pointing_down(app):
    refused = {other: places for other, places in imports_of(app).items() if other not in ALLOWED[app]}
    assert refused == {}, f"{app} may not import {sorted(refused)}: {refused}"


def test_it_lets_nothing_import_the_home_page():
    importers = [app for app in ALLOWED if app != "home" and "home" in imports_of(app)]
    assert importers == []

"""The rules engine stays pure: no Django, no other app."""

from __future__ import annotations

import ast
from pathlib import Path

RULES = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_rules_import_neither_django_nor_other_apps() -> None:
    offenders = []
    for path in RULES.rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "django" or (
                top == "oversight" and not name.startswith("oversight.rules")
            ):
                offenders.append(f"{path.relative_to(RULES)}: {name}")
    assert offenders == []


def test_purity_check_sees_an_offending_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from django.db import models\nimport oversight.meetings\n")
    assert _imports(bad) == ["django.db", "oversight.meetings"]

"""lantoa.access gives the rules of lantoa.access.rules lazily (Django imports the app before
the models); the names it declares for the type checker must be exactly the public rules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "lantoa" / "access"


def _public_rules() -> set[str]:
    names: set[str] = set()
    for node in ast.parse((PACKAGE / "rules.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            value = node.value
            if isinstance(value, ast.Call) and getattr(value.func, "id", "") == "TypeVar":
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.ImportFrom):
            names |= {a.asname for a in node.names if a.asname and a.asname == a.name}
    return {n for n in names if not n.startswith("_")}


def _declared() -> set[str]:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "lantoa.access.rules"
        for alias in node.names
    }


def test_the_package_declares_every_public_rule() -> None:
    assert _declared() == _public_rules()


def test_the_package_gives_the_rules() -> None:
    from lantoa import access
    from lantoa.access import policy, rules

    assert policy is rules.policy
    for name in _public_rules():
        assert getattr(access, name) is getattr(rules, name)
    with pytest.raises(AttributeError):
        access.no_such_rule  # type: ignore[attr-defined]  # noqa: B018

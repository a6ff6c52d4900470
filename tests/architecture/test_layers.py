"""The layer order of the apps, enforced.

Every module of ``lantoa`` is read (not run) and every import in it — at the top of the file
and inside functions alike — is checked: an app may import only apps of a LOWER layer. Apps of
one layer are independent of each other, so the order alone rules out cycles between apps.
What a lower app shows of a higher one (a work-link tile, a target metric, a report section,
a beat entry, demo data …) reaches it through the registries in ``lantoa.core.extensions``,
which the higher app fills from its ``contributions.py``.

README ("Kiến trúc") shows the same table.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "lantoa"

# Bottom to top. One line a layer; the apps of one layer import none of each other.
LAYERS: list[tuple[str, ...]] = [
    ("settings", "celery"),
    ("core",),
    ("audit",),
    ("units",),
    ("accounts",),
    ("access",),
    ("notifications", "roster"),
    ("channels",),
    ("kb", "activities", "connectors"),
    ("campaigns",),
    ("content",),
    ("inquiries", "cascades"),
    ("publishing", "contests"),
    ("surveys", "livegame"),
    ("periods",),
    ("targets",),
    ("reports", "publicsite", "api"),
    ("portal",),
    ("urls", "asgi", "wsgi", "cli"),
]

LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}


@dataclass(frozen=True)
class Import:
    module: str  # lantoa.x.y, the importing module
    line: int
    target: str  # the imported module (or module.name)

    @property
    def source_app(self) -> str:
        return app_of(self.module)

    @property
    def target_app(self) -> str:
        return app_of(self.target)


def app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(module: str, source: str, *, is_package: bool = False) -> list[Import]:
    """Every ``lantoa`` import of one module, top-level or nested, relative ones resolved."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module or ""
            # "from lantoa import access" imports the module lantoa.access.
            targets = [f"{prefix}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [Import(module, node.lineno, t) for t in targets if t.startswith("lantoa.")]
    return found


def all_imports() -> list[Import]:
    found: list[Import] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        found += imports_of(module_name(path), source, is_package=path.name == "__init__.py")
    return found


def violations(imports: list[Import]) -> list[str]:
    """ "module:line -> target (app L → app L')" for each import that is not strictly downward."""
    bad = []
    for imp in imports:
        source, target = imp.source_app, imp.target_app
        if not source or source == target:
            continue
        if source not in LEVEL or target not in LEVEL:
            bad.append(f"{imp.module}:{imp.line} -> {imp.target} (an app missing from LAYERS)")
        elif LEVEL[target] >= LEVEL[source]:
            bad.append(f"{imp.module}:{imp.line} -> {imp.target}")
    return bad


def test_every_import_runs_down_the_layers() -> None:
    found = violations(all_imports())
    assert not found, "Imports from a lower layer up, or between apps of one layer:\n" + "\n".join(
        found
    )


def test_every_app_has_a_layer() -> None:
    apps = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    apps |= {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert apps <= set(LEVEL), sorted(apps - set(LEVEL))


def test_the_check_catches_upward_and_sideways_imports() -> None:
    """The checker fails on an upward import at the top of a file and inside a function, and
    on an import between two apps of one layer; it lets a downward one through."""
    source = (
        "from lantoa.units.models import Unit\n"
        "from lantoa.reports import narrative\n"
        "def f():\n"
        "    from lantoa.targets.metrics import per_unit\n"
        "    from ..roster import models\n"
    )
    imports = imports_of("lantoa.activities.services", source)
    assert violations(imports) == [
        "lantoa.activities.services:2 -> lantoa.reports.narrative",
        "lantoa.activities.services:4 -> lantoa.targets.metrics.per_unit",
    ]
    sideways = imports_of("lantoa.kb.views", "from lantoa.connectors import models\n")
    assert violations(sideways) == ["lantoa.kb.views:1 -> lantoa.connectors.models"]
    relative = imports_of("lantoa.channels.selectors", "from ..roster import models\n")
    assert violations(relative) == []


# The apps that put the others together — reporting periods, targets, reports, the home and
# unit pages and the demo (portal) — name no feature app: what they show of one comes through
# the registries of lantoa.core.extensions. A new app (contests, surveys …) then needs no edit
# of them.
FEATURES = {
    "roster",
    "channels",
    "kb",
    "activities",
    "connectors",
    "campaigns",
    "content",
    "inquiries",
    "cascades",
    "publishing",
    "contests",
    "surveys",
    "livegame",
}
COMPOSERS = {"periods", "targets", "reports", "portal"}


def named_features(imports: list[Import]) -> list[str]:
    """ "module:line -> target" for each import of a feature app by a composer."""
    return [
        f"{i.module}:{i.line} -> {i.target}"
        for i in imports
        if i.source_app in COMPOSERS and i.target_app in FEATURES
    ]


def test_composers_name_no_feature_app() -> None:
    found = named_features(all_imports())
    assert not found, "A composer imports a feature app (use lantoa.core.extensions):\n" + (
        "\n".join(found)
    )


def test_the_check_catches_a_composer_naming_a_feature_app() -> None:
    """The checker fails on a composer importing a feature app at the top of a file and inside
    a function; it lets through a composer's imports of lower apps that are not features, and
    a feature app's own imports."""
    source = (
        "from lantoa.units.models import Unit\n"
        "from lantoa.core.extensions import period_figures\n"
        "from lantoa.activities.selectors import activity_rollup\n"
        "def f():\n"
        "    from lantoa.publishing import metrics\n"
    )
    imports = imports_of("lantoa.periods.figures", source)
    assert violations(imports) == []  # downward: only the composer rule catches them
    assert named_features(imports) == [
        "lantoa.periods.figures:3 -> lantoa.activities.selectors.activity_rollup",
        "lantoa.periods.figures:5 -> lantoa.publishing.metrics",
    ]
    feature = imports_of("lantoa.publishing.services", "from lantoa.activities import models\n")
    assert named_features(feature) == []

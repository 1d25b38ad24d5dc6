# SPDX-License-Identifier: GPL-3.0-or-later
"""Imports point one way (STYLE.md): ui → services → domain/storage, and nothing upward.

Only pmdesk/ui and the GUI entry points import Qt; the domain knows no database and no Qt;
storage knows only the domain; formats know only files; services know no reports and no UI;
reports know no UI. The command line and the app are the composition roots on top."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "pmdesk"
# Composition roots: they open the database and build the window, so they see both sides.
GUI_ENTRY_POINTS = {"pmdesk/app.py", "pmdesk/screenshots.py"}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, wherever the import statement is (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def sources() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10, "the package was not found"
    return files


def relative(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def offenders(files: list[Path], *prefixes: str) -> list[str]:
    bad = []
    for path in files:
        for module in sorted(imported_modules(path)):
            if any(module == p or module.startswith(p + ".") for p in prefixes):
                bad.append(f"{relative(path)} imports {module}")
    return bad


def test_only_the_ui_and_app_import_qt() -> None:
    outside_ui = [
        p
        for p in sources()
        if not relative(p).startswith("pmdesk/ui/") and relative(p) not in GUI_ENTRY_POINTS
    ]
    assert offenders(outside_ui, "PySide6", "shiboken6") == []


# What each layer must never import: everything above it.
ROOTS = ("pmdesk.app", "pmdesk.cli", "pmdesk.__main__", "pmdesk.screenshots")
ABOVE = {
    "pmdesk/domain/": (
        "sqlalchemy",
        "alembic",
        "PySide6",
        "pmdesk.storage",
        "pmdesk.formats",
        "pmdesk.services",
        "pmdesk.reports",
        "pmdesk.ui",
        *ROOTS,
    ),
    "pmdesk/storage/": (
        "PySide6",
        "pmdesk.formats",
        "pmdesk.services",
        "pmdesk.reports",
        "pmdesk.ui",
        *ROOTS,
    ),
    "pmdesk/services/": ("PySide6", "pmdesk.reports", "pmdesk.ui", *ROOTS),
    "pmdesk/reports/": ("PySide6", "pmdesk.ui", *ROOTS),
    "pmdesk/ui/": (*ROOTS,),
}


def test_no_layer_imports_one_above_it() -> None:
    bad = []
    for folder, above in ABOVE.items():
        files = [p for p in sources() if relative(p).startswith(folder)]
        assert files, folder
        bad += offenders(files, *above)
    assert bad == []


def test_the_domain_imports_neither_the_database_nor_qt() -> None:
    domain = [p for p in sources() if relative(p).startswith("pmdesk/domain/")]
    assert domain
    assert offenders(domain, "sqlalchemy", "alembic", "PySide6", "pmdesk.storage", "pmdesk.services") == []


def test_services_do_not_import_the_ui() -> None:
    services = [p for p in sources() if relative(p).startswith("pmdesk/services/")]
    assert services
    assert offenders(services, "pmdesk.ui", "pmdesk.app", "PySide6") == []


def test_formats_know_files_only() -> None:
    """pmdesk/formats reads and writes files into plain values: no database, no services, no Qt."""
    formats = [p for p in sources() if relative(p).startswith("pmdesk/formats/")]
    assert formats
    assert (
        offenders(
            formats,
            "sqlalchemy",
            "alembic",
            "PySide6",
            "pmdesk.storage",
            "pmdesk.services",
            "pmdesk.ui",
            "pmdesk.app",
            "pmdesk.reports",
        )
        == []
    )


def test_the_ui_uses_no_orm_rows_or_sessions() -> None:
    """The UI goes through services, which return frozen dataclasses."""
    ui = [p for p in sources() if relative(p).startswith("pmdesk/ui/")]
    assert ui
    assert offenders(ui, "pmdesk.storage", "sqlalchemy") == []


def test_the_checker_finds_an_upward_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from pmdesk.services.iptt import IpttService\n", encoding="utf-8")
    found = imported_modules(sample)
    assert any(m.startswith(above) for m in found for above in ABOVE["pmdesk/storage/"])


def test_the_checker_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n    from PySide6.QtCore import Qt\n    import sqlalchemy.orm\n", encoding="utf-8"
    )
    assert imported_modules(sample) >= {"PySide6.QtCore", "sqlalchemy.orm"}

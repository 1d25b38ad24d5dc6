# SPDX-License-Identifier: GPL-3.0-or-later
"""ImportLogTableModel: one row per import, short SHA-256 shown and the full one in the tooltip."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt

from pmdesk.domain.enums import ImportKind
from pmdesk.services.import_log import ImportLogEntry
from pmdesk.ui.files.import_log_table_model import (
    COL_CREATED,
    COL_FILE,
    COL_KIND,
    COL_PROGRAMME,
    COL_REPLACED,
    COL_SHA,
    COL_UNCHANGED,
    COL_WARNINGS,
    COL_WHEN,
    COL_WHO,
    HEADERS,
    ImportLogTableModel,
    counts_sentence,
)
from pmdesk.ui.formatting import local_datetime

SHA = "ab12cd34ef56" + "0" * 52
DISPLAY = Qt.ItemDataRole.DisplayRole


def entry(**changes: object) -> ImportLogEntry:
    fields: dict[str, object] = {
        "uuid": "u-1",
        "at": datetime(2026, 12, 6, 9, 30),
        "actor": "amina",
        "device_uuid": "d0c0ffee-0000-4000-8000-000000000000",
        "device_name": "",
        "kind": ImportKind.VALUES,
        "file_name": "values.csv",
        "sha256": SHA,
        "programme_code": "WASH-01",
        "created": 1200,
        "replaced": 3,
        "unchanged": 0,
        "warnings": 1,
        "detail": "",
    }
    return ImportLogEntry(**{**fields, **changes})  # type: ignore[arg-type]


def test_rows_and_columns(qapp: object) -> None:
    model = ImportLogTableModel()
    assert (model.rowCount(), model.columnCount()) == (0, len(HEADERS))
    model.set_rows([entry(), entry(uuid="u-2", kind=ImportKind.PACKAGE, file_name="wash.json")])
    assert model.rowCount() == 2

    def text(row: int, column: int) -> str:
        return model.data(model.index(row, column), DISPLAY)  # type: ignore[no-any-return]

    assert text(0, COL_WHEN) == local_datetime(datetime(2026, 12, 6, 9, 30))
    assert text(0, COL_WHO) == "amina"
    assert (text(0, COL_KIND), text(1, COL_KIND)) == ("Values", "Package")
    assert (text(0, COL_PROGRAMME), text(0, COL_FILE)) == ("WASH-01", "values.csv")
    assert text(0, COL_SHA) == "ab12cd34ef56…"
    assert [text(0, c) for c in (COL_CREATED, COL_REPLACED, COL_UNCHANGED, COL_WARNINGS)] == [
        "1,200",
        "3",
        "0",
        "1",
    ]
    assert model.entry_at(1) is not None and model.entry_at(1).file_name == "wash.json"  # type: ignore[union-attr]
    assert model.entry_at(2) is None


def test_tooltips_and_alignment(qapp: object) -> None:
    model = ImportLogTableModel()
    model.set_rows([entry(kind=ImportKind.PACKAGE, detail="3 tiers, 1 person")])
    tip = Qt.ItemDataRole.ToolTipRole
    assert SHA in model.data(model.index(0, COL_SHA), tip)
    assert "d0c0ffee" in model.data(model.index(0, COL_WHO), tip)  # no device name: its id
    assert model.data(model.index(0, COL_FILE), tip) == (
        "Programme package values.csv: 1,200 new, 3 replaced, 0 unchanged; 1 carries a warning\n"
        "Also created 3 tiers, 1 person"
    )
    right = model.data(model.index(0, COL_CREATED), Qt.ItemDataRole.TextAlignmentRole)
    assert right & Qt.AlignmentFlag.AlignRight
    assert model.headerData(COL_SHA, Qt.Orientation.Horizontal) == "SHA-256"


def test_counts_sentence() -> None:
    assert counts_sentence(entry(warnings=0)) == "1,200 new, 3 replaced, 0 unchanged"
    assert counts_sentence(entry(warnings=2)).endswith("; 2 carry a warning")

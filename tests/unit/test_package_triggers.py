# SPDX-License-Identifier: GPL-3.0-or-later
"""A programme package's triggers are checked by the rules of domain/triggers.py, the same the
Triggers & alerts screen applies, and refused with their JSON path."""

from __future__ import annotations

from typing import Any

import pytest

from pmdesk.domain.errors import ValidationError
from pmdesk.services.actor import Actor
from pmdesk.services.alerts import AlertService
from pmdesk.services.packages import PackageService
from pmdesk.storage.database import Database
from tests.unit.package_fixtures import rich_package


def import_with(db: Database, **changes: Any) -> PackageService:
    package = rich_package()
    package["triggers"][1].update(changes)  # T2: status == off_track on result O1, each site
    service = PackageService(db.sessions, Actor(db.actor, db.device_uuid))
    service.import_package(package)
    return service


@pytest.mark.parametrize(
    ("changes", "location", "words"),
    [
        ({"comparison": "<"}, "$.triggers[1].comparison", "== or != only"),
        ({"threshold": "no_data"}, "$.triggers[1].threshold", "never holds"),
        ({"threshold": "bad"}, "$.triggers[1].threshold", "the threshold is one of: exceeding"),
        ({"metric": "actual", "threshold": "seventy"}, "$.triggers[1].threshold", "must be a number"),
        ({"result": None, "indicator": "3.1"}, "$.triggers[1].indicator", "qualitative"),
        ({"indicator": "1.1"}, "$.triggers[1]", "name an indicator or a result, not both"),
    ],
)
def test_package_triggers_follow_the_screen_rules(
    db: Database, changes: dict[str, Any], location: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        import_with(db, **changes)
    found = [str(p) for p in caught.value.problems]
    assert any(p.startswith(location) and words in p for p in found), found


def test_a_package_threshold_written_as_text_reads_as_the_screen_reads_it(db: Database) -> None:
    import_with(db, metric="pct_met", comparison="<=", threshold="85 %")
    alerts = AlertService(db.sessions, Actor(db.actor, db.device_uuid))
    t2 = next(t for t in alerts.list_triggers("WASH-01") if t.code == "T2")
    assert t2.is_valid and t2.description == "% met ≤ 85 % in a period"
    assert alerts.evaluate("WASH-01").skipped == ()

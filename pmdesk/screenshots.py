# SPDX-License-Identifier: GPL-3.0-or-later
"""`pmdesk screenshots`: one PNG per main screen on the demo programme, for the README and reviews."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

# Grabbing needs no visible window; a desktop session would otherwise flash one up.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from pmdesk.ui.context import Services
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.signals import AppSignals, Navigation
from pmdesk.ui.workers import Workers
from pmdesk.ui.zoom import ZOOM_STEPS

SETTLE_SECONDS = 0.3
TIMEOUT_SECONDS = 30.0


def wait_until_idle(workers: Workers, timeout: float = TIMEOUT_SECONDS) -> None:
    """Process events until no job has run for a moment (screens load through workers)."""
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if workers.active_count:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= SETTLE_SECONDS:
            return
        time.sleep(0.01)


def save(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def zoom_step(percent: int) -> int:
    """The View ▸ Zoom step of `percent` (150 → the 1.5 step); ValueError if there is none."""
    factors = [round(factor * 100) for factor in ZOOM_STEPS]
    if percent not in factors:
        raise ValueError(f"the zoom is one of {', '.join(f'{f}' for f in factors)} (per cent), not {percent}")
    return factors.index(percent)


def take_screenshots(
    out: Path, size: tuple[int, int], data_dir: Path | None = None, zoom: int = 100
) -> list[Path]:
    """Build a throwaway demo database, open each main screen at `size` and View ▸ Zoom `zoom` per
    cent and save PNGs in `out`."""
    from pmdesk.app import application, build_services
    from pmdesk.services.actor import Actor
    from pmdesk.services.demo import DEMO_CODE, DemoService
    from pmdesk.services.demo_content import PEOPLE
    from pmdesk.storage.database import open_database

    # The demo's M&E officer at work, as a user sees the status bar: not the login of the
    # machine that took the pictures ("Working as root").
    person = str(PEOPLE[0]["name"])
    del data_dir  # screenshots never touch the user's data
    out.mkdir(parents=True, exist_ok=True)
    application()
    base_font = QFont(QApplication.font())
    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="pmdesk-shots-") as tmp:
        folder = Path(tmp)
        settings = QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)
        settings.setValue("view/zoom", zoom_step(zoom))  # read by the window as a saved zoom
        workers = Workers()
        signals = AppSignals()

        empty = open_database(folder / "empty.sqlite", actor=person)
        window = MainWindow(empty.path, workers, signals, settings)
        window.resize(*size)
        window.show()
        window.attach(_as_person(build_services(empty), person))
        wait_until_idle(workers)
        saved.append(save(window, out / "00-welcome.png"))
        window.close()
        wait_until_idle(workers)
        empty.close()
        QApplication.setFont(base_font)  # each window applies the saved zoom to the font it finds

        database = open_database(folder / "demo.sqlite", actor=person)
        try:
            DemoService(
                database.sessions, Actor(database.actor, database.device_uuid), database.path
            ).create_demo()
            services = _as_person(build_services(database), person)
            window = MainWindow(database.path, workers, signals, settings)
            window.resize(*size)
            window.show()
            window.attach(services)
            wait_until_idle(workers)
            window.select_programme(DEMO_CODE)
            wait_until_idle(workers)
            entry_site = _first_reporting_site(services, DEMO_CODE)
            latest = services.iptt.table(DEMO_CODE).as_of
            # The Dashboard comes after the IPTT's pictures (07a, 07b) and Reports is 13-reports (after the twelve numbered screens), with
            # a report made: the others keep their numbers.
            numbered = [s for s in window.screens if s.name not in ("dashboard", "reports")]
            for number, screen in enumerate(numbered, start=1):
                window.show_screen(screen.name)
                if screen.name == "entry" and entry_site is not None:
                    signals.navigate(Navigation("entry", DEMO_CODE, site_code=entry_site, period=latest))
                wait_until_idle(workers)
                saved.append(save(window, out / f"{number:02d}-{screen.name}.png"))
            saved += _iptt_extras(window, services, workers, signals, out, entry_site)
            saved.append(_dashboard(window, workers, out))
            saved += _reports_extra(window, workers, out, folder)
            window.close()
            wait_until_idle(workers)
        finally:
            workers.cancel_all()
            workers.wait()
            database.close()
    return saved


def _as_person(services: Services, person: str) -> Services:
    """`services` with `person` chosen as who is working, as the first start asks a user to."""
    services.person.choose(person)
    return services


def _dashboard(window: MainWindow, workers: Workers, out: Path) -> Path:
    """The Dashboard with its charts drawn (on workers, like every load)."""
    window.show_screen("dashboard")
    wait_until_idle(workers)
    return save(window, out / "07c-dashboard.png")


def _iptt_extras(
    window: MainWindow,
    services: Services,
    workers: Workers,
    signals: AppSignals,
    out: Path,
    school: str | None,
) -> list[Path]:
    """The IPTT's by-site view, then the IPTT as of a period only one school has reported (its
    partial marks): the demo gets that school's next quarter first. Named 07a and 07b, beside
    the IPTT's own 07, so that they never take the number of a screen."""
    from pmdesk.services.demo import DEMO_CODE

    screen = window.iptt_screen
    if screen is None or school is None:
        return []
    window.show_screen("iptt")
    wait_until_idle(workers)
    saved: list[Path] = []
    dialog = screen.open_site_figures("G.2")
    if dialog is not None:
        wait_until_idle(workers)
        saved.append(save(dialog, out / "07a-iptt-by-site.png"))
        dialog.close()
    table = services.iptt.table(DEMO_CODE)
    periods = services.programmes.periods(DEMO_CODE)
    later = [p.code for p in periods if table.as_of and p.code > table.as_of]
    if later:
        for options, value in (({"SEX": "F"}, 350), ({"SEX": "M"}, 330)):
            services.entry.set_value(DEMO_CODE, "G.2", later[0], school, options, value=value)
        signals.announce("values", DEMO_CODE)
        wait_until_idle(workers)
        screen.as_of_combo.setCurrentIndex(screen.as_of_combo.findData(later[0]))
        wait_until_idle(workers)
        saved.append(save(window, out / "07b-iptt-partial.png"))
    return saved


def _reports_extra(window: MainWindow, workers: Workers, out: Path, folder: Path) -> list[Path]:
    """The Reports screen once a donor report is made (into the throwaway folder, not opened)."""
    from pmdesk.ui.reports.reports_screen import ReportsScreen

    screen = window.screen_named("reports")
    if not isinstance(screen, ReportsScreen) or not screen.select_kind("donor_report"):
        return []
    window.show_screen("reports")
    wait_until_idle(workers)
    screen.ask_save_path = lambda _parent, _title, suggested, _filter: str(folder / Path(suggested).name)
    screen.open_file = lambda _path: True
    screen.create_report()
    wait_until_idle(workers)
    return [save(window, out / "13-reports.png")]


def _first_reporting_site(services: Services, programme_code: str) -> str | None:
    sites = services.sites.list_sites(programme_code)
    parents = {s.parent_code for s in sites}
    leaves = [s.code for s in sites if s.code not in parents]
    return leaves[0] if leaves else None

# SPDX-License-Identifier: GPL-3.0-or-later
"""Grid reads of the data-entry screen run one at a time: a read records the option combinations it
shows for the first time (a write), and a replaced read still runs to its end."""

from __future__ import annotations

import threading
import time

from pmdesk.ui.entry.entry_grid_reads import read_grid


def test_a_replaced_read_and_the_read_replacing_it_never_run_at_once() -> None:
    guard = threading.Lock()
    running = 0
    most = 0

    class Service:
        def grid(self, code: str, site: str, period: str) -> str:
            nonlocal running, most
            with guard:
                running += 1
                most = max(most, running)
            time.sleep(0.05)
            with guard:
                running -= 1
            return f"{site} {period}"

    answers: list[object] = []
    threads = [
        threading.Thread(target=lambda p=period: answers.append(read_grid(Service(), "P", "N01", p)))
        for period in ("2025Q1", "2025Q2", "2025Q3")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert sorted(answers) == ["N01 2025Q1", "N01 2025Q2", "N01 2025Q3"]
    assert most == 1

# SPDX-License-Identifier: GPL-3.0-or-later
"""What a database without programmes shows: the ways to get started, each one a working button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomePage(QWidget):
    create_clicked = Signal()
    demo_clicked = Signal()
    package_clicked = Signal()
    logframe_clicked = Signal()
    template_clicked = Signal()
    open_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        title = QLabel("<h1>Welcome to PMDesk</h1>", self)
        intro = QLabel(
            "This database holds no programme yet. Set one up from scratch, bring one in from a file "
            "your country office sent you, or explore the demo programme first.",
            self,
        )
        intro.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(10)
        rows = (
            (
                "create",
                "&Create a programme…",
                "Dates, frequency and tiers; then results, indicators and targets.",
                self.create_clicked,
            ),
            (
                "demo",
                "Open the &demo",
                "A realistic programme with eight quarters of targets and six of actuals.",
                self.demo_clicked,
            ),
            (
                "package",
                "Import a programme &package…",
                "A .json file exported by PMDesk or written by hand.",
                self.package_clicked,
            ),
            (
                "logframe",
                "Import an Excel &logframe…",
                "A workbook filled in from the PMDesk template.",
                self.logframe_clicked,
            ),
            (
                "template",
                "Save the Excel logframe &template…",
                "To fill in your logframe in Excel first.",
                self.template_clicked,
            ),
            ("open", "&Open another database…", "A .sqlite file made by PMDesk.", self.open_clicked),
        )
        for row, (key, text, hint, signal) in enumerate(rows):
            button = QPushButton(text, self)
            button.setMinimumHeight(button.sizeHint().height() + 8)
            button.clicked.connect(signal)
            self.buttons[key] = button
            label = QLabel(hint, self)
            label.setWordWrap(True)
            grid.addWidget(button, row, 0)
            grid.addWidget(label, row, 1)
        grid.setColumnStretch(1, 1)
        box = QWidget(self)
        box.setMaximumWidth(760)
        inner = QVBoxLayout(box)
        inner.addWidget(title)
        inner.addWidget(intro)
        inner.addSpacing(12)
        inner.addLayout(grid)
        # Centred by stretches, not by an alignment flag: an aligned widget is given its size hint,
        # and the wrapped descriptions then lose their second line at a large zoom.
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(box, 10)
        centred.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(centred)
        layout.addStretch(2)

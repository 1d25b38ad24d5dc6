# SPDX-License-Identifier: GPL-3.0-or-later
"""Start-up: `python -m pmdesk` and the `pmdesk` script both land here."""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from pmdesk import cli

    return cli.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())

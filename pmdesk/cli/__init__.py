# SPDX-License-Identifier: GPL-3.0-or-later
"""The `pmdesk` command line: the GUI by default, headless commands over the same services.

common.py (context, exit codes, output), programme_commands.py, loop_commands.py,
file_commands.py, parser.py (every command and option), main.py (the entry point)."""

from pmdesk.cli.common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from pmdesk.cli.main import main
from pmdesk.cli.parser import build_parser

__all__ = ["EXIT_FAILURE", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

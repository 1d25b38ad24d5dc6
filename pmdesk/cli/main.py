# SPDX-License-Identifier: GPL-3.0-or-later
"""The entry point: parse, run the command, turn every failure into one line and an exit code."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pmdesk import __version__, config
from pmdesk.cli.common import (
    EXIT_FAILURE,
    EXIT_USAGE,
    PROG,
    Context,
    UsageError,
)
from pmdesk.cli.parser import build_parser
from pmdesk.domain.errors import PmdeskError

# Services and storage are imported inside the commands: the GUI path should load only what the
# window needs (DESIGN.md §9, start-up close to an empty Qt window).
if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


def _describe_os_error(exc: OSError) -> str:
    if exc.filename is not None and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return str(exc) or type(exc).__name__


def _fail(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failure, 2 usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed usage, help or the version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE

    debug = bool(args.debug)
    try:
        data = config.data_dir(args.data_dir)
        log_file = config.setup_logging(data, debug=debug)
        if args.demo and not args.db:
            db_path = config.demo_db_path(data)
        else:
            db_path = config.resolve_db_path(args.db, data)
        ctx = Context(db_path.expanduser().resolve(), data, debug)
    except OSError as exc:
        _fail(f"cannot use the data folder: {_describe_os_error(exc)}")
        return EXIT_FAILURE

    handler: Callable[[argparse.Namespace, Context], int] = args.handler
    log.info("pmdesk %s: %s on %s", __version__, args.command or "gui", ctx.db_path)
    try:
        return handler(args, ctx)
    except UsageError as exc:
        _fail(str(exc))
        return EXIT_USAGE
    except PmdeskError as exc:
        log.info("refused: %s", exc)
        if debug:
            traceback.print_exc()
        _fail(str(exc))
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away ('pmdesk iptt X | head'): not an error worth a message. Point
        # stdout at devnull so the interpreter's final flush does not complain either.
        _silence_stdout()
        return EXIT_FAILURE
    except OSError as exc:
        log.info("file error: %s", exc)
        if debug:
            traceback.print_exc()
        _fail(_describe_os_error(exc))
        return EXIT_FAILURE
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except Exception:  # a bug: the details go to the log, the user gets one line
        log.exception("unexpected error")
        if debug:
            traceback.print_exc()
        _fail(
            "PMDesk ran into an unexpected problem and stopped; nothing more was changed. "
            f"The details are in {log_file}"
        )
        return EXIT_FAILURE


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (captured in tests)
        pass

"""What every `bakkt-sim` command shares: its exit statuses and how it prints."""
from __future__ import annotations

from typing import NoReturn

import click

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_INTERRUPTED = 130
"""Ctrl-C, as a shell reports a command stopped by SIGINT."""


def echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print as Python always prints to stderr: a lone surrogate (a file name that is
    not UTF-8, a JSON escape a client sent) as its backslash escape, where stdout
    would stop the command with a UnicodeEncodeError."""
    click.echo(text.encode("utf-8", "backslashreplace").decode("utf-8"), err=err, nl=nl)


def stop(ctx: click.Context, message: str) -> NoReturn:
    """Usage problems end with exit 2 and one line on stderr, never a traceback."""
    echo(message, err=True)
    ctx.exit(EXIT_INVALID)

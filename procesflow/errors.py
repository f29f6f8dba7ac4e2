"""Errors a user can fix.

A `ProcesflowError` is always the user's input or environment (a bad file, a missing column, a
locked store), never a bug: the CLI prints its one-line message and exits with code 2, without a
traceback. Anything else escaping to the CLI is a bug and is reported as such.
"""

from __future__ import annotations


class ProcesflowError(Exception):
    """A problem with the user's input that they can fix; the message says what to do."""

    exit_code = 2


class InputError(ProcesflowError):
    """The input file, mapping or option is unusable."""


class StoreError(ProcesflowError):
    """The store cannot be opened or does not hold what was asked for."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (or its kind): what a one-line error quotes of a
    library's multi-line message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__

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


class OutOfMemory(ProcesflowError):
    """DuckDB needed more than its memory limit (procesflow.store.memory_limit)."""


def out_of_memory(what: str, exc: BaseException) -> OutOfMemory:
    """The one-line error for a DuckDB out-of-memory failure while doing `what`: the limit can be
    raised, which is what the user should do (DuckDB's own message suggests reading a tuning guide)."""
    return OutOfMemory(f"{what}: DuckDB ran out of memory ({first_line(exc).removeprefix('Out of Memory Error: ')}); "
                       "run it again with more, e.g. PROCESFLOW_MEMORY_LIMIT=4GB")


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (or its kind): what a one-line error quotes of a
    library's multi-line message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__

"""Access to the SQL files in `procesflow/sql/`.

SQL lives in readable `.sql` files next to the code that runs it, not in Python strings. Files may
hold `{name}` placeholders for identifiers the engine fills in (always quoted via `quote_ident`);
values are always passed as parameters.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any


@cache
def sql_text(name: str) -> str:
    """The text of `procesflow/sql/<name>.sql`."""
    return resources.files("procesflow.sql").joinpath(f"{name}.sql").read_text(encoding="utf-8")


_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def render_sql(name: str, **parts: str) -> str:
    """`sql_text(name)` with each `{{key}}` replaced by `parts[key]` (SQL fragments built by the
    engine from quoted identifiers); an unfilled placeholder is a bug and raises KeyError.

    One pass over the template: text that was filled in is never scanned again, so a column named
    `{{attrs}}` or `{{start_name}}` in a crafted file stays a harmless quoted name."""
    text = sql_text(name)
    missing = sorted({key for key in _PLACEHOLDER.findall(text) if key not in parts})
    if missing:
        raise KeyError(f"{name}.sql: placeholder {{{{{missing[0]}}}}} not filled")
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], text)


def quote_ident(name: str) -> str:
    """Quote an identifier (column or table name) for DuckDB, whatever characters it holds."""
    return '"' + str(name).replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """Quote a string literal for places where DuckDB takes no parameters (e.g. DDL defaults)."""
    return "'" + str(value).replace("'", "''") + "'"


def run_script(con: Any, text: str, params: dict[str, Any] | None = None) -> None:
    """Execute a multi-statement SQL text; each statement gets the named parameters it uses."""
    import duckdb

    params = params or {}
    for statement in duckdb.extract_statements(text):
        con.execute(statement.query, used_params(statement.query, params))


def used_params(query: str, params: dict[str, Any]) -> dict[str, Any]:
    """The subset of `params` that `query` refers to as `$name` (DuckDB refuses extra ones)."""
    return {k: v for k, v in params.items() if re.search(r"\$" + re.escape(k) + r"\b", query)}

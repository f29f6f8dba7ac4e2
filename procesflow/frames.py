"""Query results as pandas DataFrames, with dictionary-coded columns turned back into text.

The store and the analysis tables hold the text roles (case id, activity, resource, ...) as ENUMs
(`procesflow/sql/schema.sql`). Read as rows they are text already, but DuckDB hands them to pandas
as Categoricals — and lists of them as lists of integer codes. Every DataFrame procesflow returns
goes through `frame`, which casts such columns to VARCHAR (and VARCHAR[]) in the query itself, so
callers see the same plain columns whatever the storage.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def frame(con: Any, sql: str, params: dict[str, Any] | list[Any] | None = None) -> pd.DataFrame:
    """`con.execute(sql, params).df()`, with ENUM columns (and lists of them) as text."""
    if not hasattr(con, "sql") or getattr(con, "is_spark", False):  # the Spark connection: no ENUMs
        return con.execute(sql, params or {}).df()
    rel = con.sql(sql, params=params or None)  # bound, not run: its column types
    if rel is None:  # not a query
        return pd.DataFrame()
    parts, changed = [], False
    for name, dtype in zip(rel.columns, rel.types, strict=True):
        quoted = '"' + name.replace('"', '""') + '"'
        target = _text_type(dtype)
        if target:
            parts.append(f"CAST({quoted} AS {target}) AS {quoted}")
            changed = True
        else:
            parts.append(quoted)
    if not changed:
        return rel.df()
    body = sql.rstrip().rstrip(";")
    return con.execute(f"SELECT {', '.join(parts)} FROM (\n{body}\n) AS pf_result", params or {}).df()


def _text_type(dtype: Any) -> str | None:
    """VARCHAR for an ENUM, VARCHAR[] for a list of them, else None (left as it is)."""
    kind = getattr(dtype, "id", "")
    if kind == "enum":
        return "VARCHAR"
    if kind == "list":
        inner = _text_type(dtype.child)
        return f"{inner}[]" if inner else None
    return None

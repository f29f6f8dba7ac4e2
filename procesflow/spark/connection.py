"""A DuckDB-cursor-compatible connection that runs procesflow's SQL on Spark.

`EventLog`, the metrics, the rules and the maps talk to their engine through a DuckDB cursor:
`con.execute(sql, params)`, `fetchall()`, `fetchone()`, `df()`, `description`, `register(name,
frame)`, `cursor()`. `SparkConnection` offers the same calls over a SparkSession: every statement
is translated by `procesflow.spark.transpile` and run by Spark, so the analysis code is the same
for both engines and only compact results (one row per activity, edge, variant, …) come back.

DuckDB's `TEMP TABLE`s (pf_steps, pf_cases, …, built once and read by many queries) become
materialised temp views (`localCheckpoint`: computed once, kept on the executors, short lineage);
`TEMP VIEW`s become temp views; macros are inlined at translation time. A CTE that a statement
reads more than once is computed first, as a materialised temp view (Spark would compute it again at
each reference).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pandas as pd
import pyarrow as pa
import sqlglot
from sqlglot import exp

from ..errors import InputError, first_line
from .transpile import WRITE, Statement, TranspileError, transpile

SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",  # TIMESTAMP values are instants, shown in UTC (DuckDB: TimeZone=UTC)
    "spark.sql.ansi.enabled": "false",  # x / 0 is NULL and a bad cast NULL, as the queries expect
    "spark.sql.caseSensitive": "false",
}


# views that nearly every query reads: computed once (the filtered events, instead of reading and
# mapping the source again for each query); nothing they read changes after they are made
MATERIALISED_VIEWS = {"pf_ev"}


INHERITED_CONF = ("spark.sql.shuffle.partitions", "spark.sql.adaptive.enabled", "spark.sql.autoBroadcastJoinThreshold",
                  "spark.sql.codegen.wholeStage", "spark.sql.files.maxPartitionBytes")


def configure(spark: Any) -> None:
    """Set the session options procesflow's SQL relies on."""
    for key, value in SESSION_CONF.items():
        with contextlib.suppress(Exception):  # a cluster may pin some settings
            spark.conf.set(key, value)


class SparkConnection:
    """Runs DuckDB-dialect SQL on `spark`. `loader(spark)` registers the base views (events, cases,
    imports, activity_tags) in a session; `cursor()` gives a connection on a new session (its own
    temp views, like a DuckDB cursor) with the same base views."""

    is_spark = True  # procesflow.frames: results are plain columns already

    def __init__(self, spark: Any, loader: Callable[[Any], None] | None = None,
                 macros: dict[str, Any] | None = None) -> None:
        self.spark = spark
        self.loader = loader
        self.macros: dict[str, Any] = dict(macros or {})
        self._table: pa.Table | None = None
        self._row = 0
        self.description: list[tuple] | None = None
        configure(spark)
        if loader is not None:
            loader(spark)

    # -- DuckDB cursor API ---------------------------------------------------------------------------
    def cursor(self) -> SparkConnection:
        try:
            session = self.spark.newSession()
        except Exception:  # noqa: BLE001 - Spark Connect: one session, one temp namespace
            session = self.spark
        if session is not self.spark:  # a new session starts from the defaults: keep the caller's tuning
            for key in INHERITED_CONF:
                with contextlib.suppress(Exception):
                    session.conf.set(key, self.spark.conf.get(key))
        return SparkConnection(session, self.loader, self.macros)

    def execute(self, sql: str, params: Any = None) -> SparkConnection:
        try:
            statements = transpile(sql, params, self.macros)
        except TranspileError as exc:
            raise InputError(f"Spark engine: {exc}") from None
        for statement in statements:
            self._run(statement)
        return self

    def sql(self, sql: str, params: Any = None) -> SparkConnection:
        return self.execute(sql, params)

    def fetchall(self) -> list[tuple]:
        if self._table is None:
            return []
        rows = self._rows()[self._row:]
        self._row = len(self._rows())
        return rows

    def fetchone(self) -> tuple | None:
        if self._table is None:
            return None
        rows = self._rows()
        if self._row >= len(rows):
            return None
        self._row += 1
        return rows[self._row - 1]

    def df(self) -> pd.DataFrame:
        if self._table is None:
            return pd.DataFrame()
        frame = self._table.to_pandas(date_as_object=False)  # DATE as datetime64, as DuckDB gives it
        for f in self._table.schema:  # MAPs as dicts, as DuckDB gives them
            if pa.types.is_map(f.type):
                frame[f.name] = [dict(v) if v is not None else None for v in frame[f.name]]
        return frame

    fetchdf = df

    def arrow(self) -> pa.Table:
        return self._table if self._table is not None else pa.table({})

    def register(self, name: str, frame: Any) -> SparkConnection:
        """A pandas DataFrame (or Arrow table) as temp view `name` (small tables: calendars, terms)."""
        table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
        table = _plain_types(table)
        self.spark.createDataFrame(table.to_pandas() if len(table) == 0 else table,
                                   schema=_spark_schema(table) if len(table) == 0 else None
                                   ).createOrReplaceTempView(name)
        return self

    def unregister(self, name: str) -> SparkConnection:
        self.spark.catalog.dropTempView(name)
        return self

    def close(self) -> None:
        self._table = None

    # -- running -------------------------------------------------------------------------------------
    def _run(self, statement: Statement) -> None:
        if statement.kind in ("noop", "macro"):
            return
        if statement.kind == "drop":
            self.spark.catalog.dropTempView(statement.name)
            return
        sql = self._resolve_star_except(statement.sql) if statement.star_except else statement.sql
        if statement.kind == "table" or statement.name in MATERIALISED_VIEWS:
            self._materialise(sql, statement.name)
        elif statement.kind == "view":
            self._spark_sql(sql).createOrReplaceTempView(statement.name)
        else:
            table = self._collect(sql)
            self._table = _plain_types(table)
            self._cached_rows: list[tuple] | None = None
            self._row = 0
            self.description = [(f.name, str(f.type), None, None, None, None, None) for f in table.schema]

    def _collect(self, sql: str) -> pa.Table:
        """The rows of a query, as Arrow."""
        frame, shared = self._shared_ctes_first(sql)
        try:
            return frame.toArrow()
        finally:
            self._drop(shared)

    def _materialise(self, sql: str, name: str) -> None:
        """The result of `sql` computed once and kept as temp view `name` (short lineage)."""
        frame, shared = self._shared_ctes_first(sql)
        try:
            frame.localCheckpoint(eager=True).createOrReplaceTempView(name)
        finally:
            self._drop(shared)

    def _shared_ctes_first(self, sql: str) -> tuple[Any, list[str]]:
        """`sql` as a DataFrame, with each CTE it reads more than once computed first.

        Spark inlines a CTE at every reference, so a CTE read by three others is computed three
        times (and the CTEs it reads with it): the batching rule took 19 s on a 15k-event log.
        Such a CTE becomes a materialised temp view (with the CTEs before it that it may read);
        the caller drops the views (returned) once the result is computed."""
        tree = sqlglot.parse_one(sql, read=WRITE)
        with_ = tree.args.get("with_")
        made: list[str] = []
        if with_ is None or with_.args.get("recursive"):
            return self._spark_sql(sql), made
        ctes = list(with_.expressions)
        kept: list[exp.CTE] = []
        for i, cte in enumerate(ctes):
            refs = _references(tree, ctes, i)
            if len(refs) < 2:
                kept.append(cte)
                continue
            view = f"pf_cte_{len(made)}_{cte.alias_or_name}"
            body = cte.this.copy()
            if kept:  # the CTEs before it, which it may read (Spark ignores the ones it does not),
                # ahead of the body's own WITH if it has one
                own = body.args.get("with_")
                body.set("with_", exp.With(expressions=[k.copy() for k in kept] + (own.expressions if own else [])))
            try:
                self._spark_sql(body.sql(dialect=WRITE)).localCheckpoint(eager=True).createOrReplaceTempView(view)
            except BaseException:
                self._drop(made)
                raise
            made.append(view)
            for table in refs:
                if not table.alias:
                    table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name)))
                table.set("this", exp.to_identifier(view))
            cte.pop()
        if not with_.expressions:
            tree.set("with_", None)
        try:
            return self._spark_sql(tree.sql(dialect=WRITE)), made
        except BaseException:
            self._drop(made)
            raise

    def _drop(self, views: list[str]) -> None:
        for view in views:
            self.spark.catalog.dropTempView(view)

    def _spark_sql(self, sql: str) -> Any:
        from pyspark.errors import PySparkException

        try:
            return self.spark.sql(sql)
        except PySparkException as exc:
            first = first_line(exc)
            raise SparkQueryError(f"Spark SQL failed: {first}\n{sql}") from None

    def _rows(self) -> list[tuple]:
        if getattr(self, "_cached_rows", None) is None:
            assert self._table is not None
            columns = [
                [dict(v) if v is not None else None for v in c.to_pylist()] if pa.types.is_map(c.type)
                else c.to_pylist()
                for c in self._table.columns
            ]
            self._cached_rows = list(zip(*columns, strict=True)) if columns else []
        return self._cached_rows  # type: ignore[return-value]

    def _resolve_star_except(self, sql: str) -> str:
        """`SELECT t.* EXCEPT (c) …` (DuckDB's EXCLUDE) with the columns listed: the outermost
        SELECT's star is resolved by asking Spark for the columns of the same FROM."""
        tree = sqlglot.parse_one(sql, read=WRITE)
        select = tree if isinstance(tree, exp.Select) else tree.find(exp.Select)
        new_expressions = []
        for item in select.expressions:
            star = item if isinstance(item, exp.Star) else item.this if (
                isinstance(item, exp.Column) and isinstance(item.this, exp.Star)) else None
            excluded = star.args.get("except_") or star.args.get("except") if star is not None else None
            if not excluded:
                new_expressions.append(item)
                continue
            probe = select.copy()
            plain = item.copy()
            (plain if isinstance(plain, exp.Star) else plain.this).set("except_", None)
            (plain if isinstance(plain, exp.Star) else plain.this).set("except", None)
            probe.set("expressions", [plain])
            for key in ("where", "group", "having", "order", "limit", "qualify"):
                probe.set(key, None)
            columns = self._spark_sql(probe.sql(dialect=WRITE)).columns
            drop = {e.name.lower() for e in excluded}
            table = item.table if isinstance(item, exp.Column) else None
            for name in columns:
                if name.lower() not in drop:
                    new_expressions.append(exp.column(name, table=table, quoted=True))
        select.set("expressions", new_expressions)
        return tree.sql(dialect=WRITE)


def _references(tree: exp.Expression, ctes: list[exp.CTE], i: int) -> list[exp.Table]:
    """The tables of `tree` that read its top-level CTE `ctes[i]`: in the CTEs after it and in the
    query itself (a table of that name in the CTE itself or before it is another table)."""
    name = ctes[i].alias_or_name.lower()
    own = {id(c) for c in ctes[: i + 1]}

    def in_own(node: exp.Expression) -> bool:
        while node is not None:
            if id(node) in own:
                return True
            node = node.parent
        return False

    return [t for t in tree.find_all(exp.Table)
            if not t.args.get("db") and t.name.lower() == name and not in_own(t)]


class SparkQueryError(InputError):
    """A query that Spark refused (the message carries the translated SQL)."""


def _plain_types(table: pa.Table) -> pa.Table:
    """Decimals (Spark's exact arithmetic on literals like 365.25) as doubles, like DuckDB's."""
    fields = []
    changed = False
    for f in table.schema:
        if pa.types.is_decimal(f.type):
            fields.append(pa.field(f.name, pa.float64()))
            changed = True
        else:
            fields.append(f)
    return table.cast(pa.schema(fields)) if changed else table


def _spark_schema(table: pa.Table) -> Any:
    """A Spark schema for an empty Arrow table (Spark cannot infer types without rows)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    schema = pa.schema([pa.field(f.name, pa.string() if pa.types.is_null(f.type) else f.type)
                        for f in table.schema])
    return from_arrow_schema(schema)

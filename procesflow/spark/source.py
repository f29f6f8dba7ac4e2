"""Events on Spark: a table in the catalog or a Parquet/Delta path, seen as a procesflow log.

The events stay in Spark. They are mapped, in Spark, onto the canonical columns of the store's
`events` table (`log, case_id, activity, ts, start_ts, resource, department, channel, lifecycle,
seq, ts_precision, attrs`) with the same role flags and name recognition as an import
(`procesflow.roles.resolve_roles`). A source that already has the canonical columns (an export of a
procesflow store, see `export_events`) is read as it is. What `EventLog` needs from a store besides
the events — log name, time zone, mapping, activity tags — lives in a small `SparkStore` object.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from pathlib import Path
from typing import Any

from ..errors import InputError, first_line
from ..importer import is_delta_table
from ..roles import ROLES, Mapping, case_attribute_columns, event_attribute_columns, resolve_roles
from ..sqlfiles import quote_literal
from .connection import SparkConnection, configure

CANONICAL = ("case_id", "activity", "ts", "start_ts", "resource", "department", "channel", "lifecycle", "seq",
             "ts_precision", "attrs")
ROLE_COLUMN = {"case": "case_id", "activity": "activity", "timestamp": "ts", "start_timestamp": "start_ts",
               "resource": "resource", "department": "department", "channel": "channel", "lifecycle": "lifecycle"}


def require_pyspark() -> Any:
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError(
            "--engine spark needs pyspark: pip install 'procesflow[spark]' (and Java 17 or newer)"
        ) from None
    return SparkSession


def local_driver_memory() -> str:
    """The JVM heap of a local-mode session (driver and executor in one): a third of the machine's
    memory, 2–16 GB. 4 GB ran out of aggregation memory on 10M events (`benchmarks/SPARK.md`)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not POSIX: the former fixed default
        return "4g"
    return f"{min(16, max(2, total // 3 // 2**30))}g"


def spark_session(master: str | None = None, app_name: str = "procesflow") -> Any:
    """A SparkSession: Spark Connect for `sc://…`, else a classic session on `master`
    (default `local[*]`, or the cluster `spark-submit` configured)."""
    session_cls = require_pyspark()
    if master and master.startswith("sc://"):
        require_reachable(master)
        builder = session_cls.builder.remote(master)
    else:
        builder = session_cls.builder.appName(app_name)
        if master:
            builder = builder.master(master)
        elif not os.environ.get("SPARK_HOME") and not os.environ.get("PYSPARK_SUBMIT_ARGS"):
            builder = builder.master("local[*]")
        if not master or master.startswith("local"):  # the driver is the executor: give it room
            builder = builder.config("spark.driver.memory",
                                     os.environ.get("PROCESFLOW_SPARK_MEMORY") or local_driver_memory())
        builder = (builder.config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false")
                   .config("spark.sql.shuffle.partitions", os.environ.get("PROCESFLOW_SPARK_PARTITIONS", "8")))
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - no Java, bad master URL, …: one line for the user
        first = first_line(exc)
        raise InputError(f"cannot start Spark ({master or 'local[*]'}): {first}") from None
    with contextlib.suppress(Exception):  # Spark Connect has no SparkContext
        spark.sparkContext.setLogLevel("ERROR")
    configure(spark)
    return spark


#: Spark Connect's default port (`sc://host` without one)
CONNECT_PORT = 15002


def connect_address(url: str) -> tuple[str, int]:
    """(host, port) of a Spark Connect URL `sc://host[:port][/;param=value…]`."""
    from urllib.parse import urlsplit

    parts = urlsplit("//" + url[len("sc://"):].split("/", 1)[0].split(";", 1)[0])
    try:
        port = parts.port
    except ValueError:
        raise InputError(f"--spark-master {url}: the port is not a number") from None
    if not parts.hostname:
        raise InputError(f"--spark-master {url}: give a host, e.g. sc://localhost:{CONNECT_PORT}")
    return parts.hostname, port or CONNECT_PORT


def require_reachable(url: str, timeout: float = 10.0) -> None:
    """Fail at once, in one line, when nothing listens at a Spark Connect URL: the client itself
    retries with back-off for minutes before it gives up."""
    host, port = connect_address(url)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"--spark-master {url}: no Spark Connect server answers at {host}:{port} ({reason}); "
                         "start one (sbin/start-connect-server.sh) or check the address") from None


def is_spark_source(arg: str) -> bool:
    return arg.startswith("spark:")


def read_source(spark: Any, source: str) -> Any:
    """The DataFrame behind `spark:catalog.schema.table`, or a Parquet / Delta file or folder."""
    try:
        if is_spark_source(source):
            table = source[len("spark:"):]
            if not table:
                raise InputError("spark: give a table name, e.g. spark:catalog.schema.events")
            return spark.table(table)
        path = Path(source)
        if not path.exists() and "://" not in source:
            raise InputError(f"{source}: no such file or folder (for a Spark table write spark:schema.table)")
        if is_delta_table(path):
            return _read_delta(spark, source)
        return spark.read.parquet(source)
    except spark_errors() as exc:
        raise InputError(f"{source}: cannot read it on Spark ({first_line(exc)})") from None


def spark_errors() -> tuple[type[BaseException], ...]:
    """What Spark raises for a query or source it refuses: its own exceptions, and in classic mode
    the JVM's, as py4j passes them on (e.g. a data source that is not installed)."""
    from pyspark.errors import PySparkException

    try:
        from py4j.protocol import Py4JJavaError
    except ImportError:  # a Spark Connect client without py4j
        return (PySparkException,)
    return (PySparkException, Py4JJavaError)


def _read_delta(spark: Any, source: str) -> Any:
    """A Delta Lake table: with Spark's own Delta reader where the platform has one (Databricks,
    Synapse, delta-spark); else the current snapshot's Parquet files as the transaction log lists
    them (`procesflow.connectors.delta.snapshot`, the same reading as on DuckDB), each partition's
    values put back from the log."""
    from pyspark.sql import functions as F

    from ..connectors.delta import PATH, snapshot

    try:
        frame = spark.read.format("delta").load(source)
        frame.schema  # noqa: B018 - Spark Connect resolves lazily: ask now whether the format exists
        return frame
    except spark_errors() as exc:
        if "DATA_SOURCE_NOT_FOUND" not in str(exc):
            raise
    snap = snapshot(Path(source))
    types = dict(snap.columns)
    keys = snap.partition_columns
    groups = snap.files.group_by(keys).aggregate([(PATH, "list")]).to_pylist() if keys else [{}]
    parts = []
    for row in groups:
        part = spark.read.option("mergeSchema", "true").parquet(*row.get(f"{PATH}_list", snap.paths))
        for key in keys:  # not in the files: the value the log gives this partition
            part = part.withColumn(key, F.lit(row[key]).cast(types[key]))
        parts.append(part)
    frame = parts[0]
    for part in parts[1:]:
        frame = frame.unionByName(part, allowMissingColumns=True)
    present = set(frame.columns)
    return frame.select(*[F.col(f"`{name}`") if name in present  # else added after these files were written
                          else F.lit(None).cast(kind if kind.isidentifier() else "string").alias(name)
                          for name, kind in snap.columns])


class SparkStore:
    """The stand-in for `procesflow.store.Store` when the events live in Spark."""

    def __init__(self, spark: Any, source: str, *, name: str | None = None, mapping: Mapping | None = None,
                 import_row: dict[str, Any] | None = None) -> None:

        mapping = mapping or Mapping()
        self.spark = spark
        self.source = source
        self.name = name or default_name(source)
        self.path = Path(source)
        raw = read_source(spark, source)
        tz = mapping.tz or "Europe/Amsterdam"
        if {"case_id", "activity", "ts"} <= set(raw.columns):
            self._roles = None
            roles = {r: ROLE_COLUMN[r] for r in ROLES if ROLE_COLUMN[r] in raw.columns}
        else:
            roles = resolve_roles(list(raw.columns), mapping, source_name=source).roles
            self._roles = roles
        self._tz = tz
        tags = [(self.name, activity, tag) for tag, acts in (mapping.tags or {}).items() for activity in acts]
        self._tags = tags
        self.import_row: dict[str, Any] = {
            "import_id": 1, "log": self.name, "active": True, "source": source, "sha256": None,
            "connector": "spark", "tz": tz, "quality": None,
            "mapping": json.dumps({"roles": roles, "tz": tz, "tags": mapping.tags or {}, "engine": "spark"}),
        }
        if import_row:
            self.import_row.update(import_row)
        self.con = SparkConnection(spark, loader=self._load)
        rows = self.con.execute("SELECT count(*) FROM events").fetchone()[0]
        if not rows:
            raise InputError(f"{source}: no usable events (every row lacks a case, activity or timestamp)")

    def _frames(self, session: Any) -> tuple[Any, Any | None]:
        """(events, cases) as DataFrames of `session`; cases is None when the source has no case
        attributes (`case:<key>` columns, or the `case_attrs` column of a store export)."""
        from pyspark.sql import functions as F

        raw = self.spark_raw = read_source(session, self.source)
        events = _canonical(raw) if self._roles is None else _mapped(raw, self._roles, self._tz)
        events = events.where("case_id IS NOT NULL AND activity IS NOT NULL AND ts IS NOT NULL")
        events = events.withColumn("log", F.lit(self.name))
        return events.select("log", *CANONICAL), _cases(events)

    def _load(self, session: Any) -> None:
        """Register events, cases and activity_tags as temp views of `session`."""
        import pyarrow as pa

        events, cases = self._frames(session)
        events.createOrReplaceTempView("events")
        # from Arrow (read by the JVM; a Python list would need Python workers at every query)
        logs, acts, tags = (list(c) for c in zip(*self._tags, strict=True)) if self._tags else ([], [], [])
        table = pa.table({"log": pa.array(logs, pa.string()), "activity": pa.array(acts, pa.string()),
                          "tag": pa.array(tags, pa.string())})
        tag_frame = session.createDataFrame(table) if len(table) else session.sql(
            "SELECT CAST(NULL AS STRING) AS log, CAST(NULL AS STRING) AS activity, CAST(NULL AS STRING) AS tag "
            "WHERE false")
        tag_frame.createOrReplaceTempView("activity_tags")
        if cases is None:
            cases = session.sql("SELECT CAST(NULL AS STRING) AS log, CAST(NULL AS STRING) AS case_id, "
                                "CAST(NULL AS MAP<STRING, STRING>) AS attrs WHERE false")
        cases.createOrReplaceTempView("cases")

    # -- what EventLog and the commands ask a store ----------------------------------------------
    def log_names(self) -> list[str]:
        return [self.name]

    def require_log(self, name: str | None) -> str:
        if name is not None and name != self.name:
            raise InputError(f"{self.source}: the Spark source is read as log {self.name!r}, not {name!r}")
        return self.name

    def active_import(self, log: str) -> dict[str, Any]:
        return dict(self.import_row)

    def events_relation(self, log: str) -> str:
        """The events as analysis reads them (`procesflow.store.Store.events_relation`): on Spark the
        case id itself is the key windows partition by and queries group on (no dictionary codes)."""
        columns = ", ".join(c for c in CANONICAL if c not in ("case_id", "attrs"))
        return f"SELECT case_id AS case_key, {columns} FROM events WHERE log = {quote_literal(log)}"

    def cases_relation(self, log: str) -> str:
        return f"SELECT DISTINCT case_id AS case_key, case_id FROM events WHERE log = {quote_literal(log)}"

    def event_attributes(self, log: str) -> tuple[str, dict[str, str]]:
        """Where the event attributes are, and the SQL of each key's value there (the `attrs` map)."""
        keys = [k for (k,) in self.con.execute("SELECT DISTINCT unnest(map_keys(attrs)) FROM events").fetchall()
                if k is not None]
        return "(SELECT *, case_id AS case_key FROM events)", {k: f"attrs[{quote_literal(k)}]" for k in keys}

    def close(self) -> None:
        """Nothing to release: the SparkSession belongs to the caller (or ends with the process)."""


def default_name(source: str) -> str:
    text = source[len("spark:"):] if is_spark_source(source) else Path(source.rstrip("/")).name
    stem = text.rsplit(".", 1)[-1] if is_spark_source(source) else text.split(".")[0]
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in stem) or "spark_log"


def _canonical(raw: Any) -> Any:
    """An export of a procesflow store: the columns are already the canonical ones."""
    from pyspark.sql import functions as F

    cols = set(raw.columns)
    out = raw
    for column, default in (("start_ts", "CAST(NULL AS TIMESTAMP)"), ("resource", "CAST(NULL AS STRING)"),
                            ("department", "CAST(NULL AS STRING)"), ("channel", "CAST(NULL AS STRING)"),
                            ("lifecycle", "CAST(NULL AS STRING)"), ("ts_precision", "'time'"),
                            ("attrs", "CAST(NULL AS MAP<STRING, STRING>)")):
        if column not in cols:
            out = out.withColumn(column, F.expr(default))
    if "seq" not in cols:
        out = out.withColumn("seq", F.monotonically_increasing_id() + 1)
    if "case_attrs" in cols:  # a store export carries each case's attributes on its events
        out = out.withColumn(CASE_PREFIX + "attrs", F.col("case_attrs"))
    return out


#: columns of the mapped events that carry case attributes, until the cases view is built from them
CASE_PREFIX = "__pf_case_"


def _cases(events: Any) -> Any | None:
    """One row per case with its attributes, as the store's `cases` table: per key the first
    non-empty value in source order (`seq`)."""
    from pyspark.sql import functions as F

    carried = [c for c in events.columns if c.startswith(CASE_PREFIX)]
    if not carried:
        return None
    if carried == [CASE_PREFIX + "attrs"]:  # a store export: the map as the store had it
        attrs = F.first(F.col(carried[0]), ignorenulls=True)
    else:
        def first_value(column: str) -> Any:
            quoted = "`" + column.replace("`", "``") + "`"
            return F.expr(f"min_by({quoted}, seq) FILTER (WHERE {quoted} IS NOT NULL)")

        entries = [F.struct(F.lit(c[len(CASE_PREFIX):]).alias("k"), first_value(c).alias("v")) for c in carried]
        attrs = F.map_from_entries(F.filter(F.array(*entries), lambda e: e["v"].isNotNull()))
    return events.groupBy("log", "case_id").agg(attrs.alias("attrs"))


def _timestamp(column: Any, dtype: Any, tz: str) -> Any:
    """A source column as the UTC instant: TIMESTAMP is an instant, TIMESTAMP_NTZ and DATE are local
    time in `tz`, ISO text with an offset is that instant and without one local time."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if isinstance(dtype, T.TimestampType):
        return column
    if isinstance(dtype, T.TimestampNTZType | T.DateType):
        return F.to_utc_timestamp(column.cast("timestamp_ntz"), tz)
    text = F.trim(column.cast("string"))
    with_offset = text.rlike(r"(Z|[+-]\d{2}:?\d{2})$")
    return F.when(with_offset, F.to_timestamp(text)).otherwise(
        F.to_utc_timestamp(F.to_timestamp_ntz(text), tz))


def _mapped(raw: Any, roles: dict[str, str], tz: str) -> Any:
    """A table with its own column names, mapped onto the canonical columns by `roles`."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    types = {f.name: f.dataType for f in raw.schema.fields}
    used = set(roles.values())
    cols = []
    for role, target in ROLE_COLUMN.items():
        source = roles.get(role)
        if source is None:
            cols.append(F.lit(None).cast("timestamp" if role == "start_timestamp" else "string").alias(target))
        elif role in ("timestamp", "start_timestamp"):
            cols.append(_timestamp(F.col(f"`{source}`"), types[source], tz).alias(target))
        else:
            cols.append(F.nullif(F.trim(F.col(f"`{source}`").cast("string")), F.lit("")).alias(target))
    ts_type = types[roles["timestamp"]]
    precision = F.lit("day" if isinstance(ts_type, T.DateType) else "time").alias("ts_precision")
    case_cols = case_attribute_columns(list(raw.columns))
    others = event_attribute_columns(list(raw.columns), used)
    if others:
        attrs = F.map_filter(
            F.map_from_arrays(F.array(*[F.lit(c) for c in others]),
                              F.array(*[F.col(f"`{c}`").cast("string") for c in others])),
            lambda k, v: v.isNotNull())
    else:
        attrs = F.lit(None).cast("map<string,string>")
    case_attrs = [F.nullif(F.col(f"`{c}`").cast("string"), F.lit("")).alias(CASE_PREFIX + c[5:]) for c in case_cols]
    return raw.select(*cols, F.monotonically_increasing_id().alias("seq"), precision, attrs.alias("attrs"),
                      *case_attrs)


def export_events(store: Any, log: str, path: str | os.PathLike[str]) -> Path:
    """Write the canonical events of `log` in a procesflow store as Parquet (for Spark)."""
    from ..sqlfiles import quote_literal

    path = Path(path)
    store.con.execute(
        f"COPY (SELECT e.case_id, e.activity, e.ts, e.start_ts, e.resource, e.department, e.channel, e.lifecycle, "
        f"e.seq, e.ts_precision, e.attrs, c.attrs AS case_attrs FROM events e "
        f"LEFT JOIN cases c ON c.log = e.log AND c.case_id = e.case_id "
        f"WHERE e.log = {quote_literal(log)} ORDER BY e.case_id, e.ts, e.seq) "
        f"TO {quote_literal(str(path))} (FORMAT parquet)"
    )
    return path

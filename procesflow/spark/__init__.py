"""Run procesflow's aggregations on Apache Spark (`--engine spark`).

The events stay in Spark (a catalog table or a Parquet/Delta path, `procesflow.spark.source`);
every query procesflow runs is its DuckDB SQL translated to Spark SQL (`procesflow.spark.transpile`)
and executed through a DuckDB-cursor-compatible connection (`procesflow.spark.connection`), so the
metrics, rules, pm4py models and rendering are the same code for both engines. Only compact results
(per activity, per edge, per variant, per finding) come back to the driver.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ENGINES = ("duckdb", "spark")


@dataclass
class SparkOptions:
    """How to reach Spark: a SparkSession from the caller, or a master URL (`local[2]`,
    `spark://host:7077`, `sc://host:15002` for Spark Connect); neither: `local[*]`."""

    master: str | None = None
    session: Any = None
    #: fields of the store's imports row to report instead of the Spark source's (e.g. the
    #: data-quality report of an import whose events were exported to Parquet)
    import_row: dict[str, Any] | None = None

    def spark(self) -> Any:
        from .source import spark_session

        if self.session is not None:
            return self.session
        self.session = spark_session(self.master)
        return self.session


def open_spark_log(source: str, options: SparkOptions | None = None, *, mapping: Any = None,
                   name: str | None = None, filters: Any = None, import_row: dict[str, Any] | None = None) -> Any:
    """An `EventLog` over the events of `source` (`spark:schema.table`, or a Parquet/Delta path)
    whose queries run on Spark."""
    from ..eventlog import EventLog
    from .source import SparkStore

    options = options or SparkOptions()
    row = {**(options.import_row or {}), **(import_row or {})}
    store = SparkStore(options.spark(), source, name=name, mapping=mapping, import_row=row or None)
    return EventLog(store, store.name, filters)  # type: ignore[arg-type]

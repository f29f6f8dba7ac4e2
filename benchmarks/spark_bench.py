"""Spark vs DuckDB on the same log: the figures in benchmarks/SPARK.md.

    .venv/bin/python benchmarks/spark_bench.py --store benchmarks/data/permits-10M.duckdb \
        --log permits-10M --master 'local[2]' --json benchmarks/data/spark-10M.json

1. the log's canonical events are exported from the store to Parquet (once; reused);
2. DuckDB: the analysis `discover` runs (metrics.json + findings.json: DFG, variants, models,
   conformance, complexity, rework, hand-offs, time, citizen, the rules) on the store;
3. Spark: the same analysis with `--engine spark` on the Parquet file (session start-up timed apart);
4. the two documents are compared (counts exactly, times to rounding) and the bytes every query
   brought back to the driver are summed (Arrow size of the results), with the number of queries.

Rendering (maps, charts, reports) is left out: it reads the two documents on the driver, the same
for both engines. Prints one Markdown row and writes the figures as JSON.

`--core` times only the core aggregations, each apart, on both engines: the filtered view and the
step table (the one window pass per case), the DFG with its end points and activity statistics,
the variant collection, and the rework summary; each result is compared between the engines. This
is the part whose cost grows with events; it fits a time budget where the full analysis at 10M on
Spark local mode (a hundred-odd jobs) does not.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from procesflow.spark.parity import BY_DESIGN, differences  # noqa: E402
from procesflow.spark.parity import documents as analysis_documents  # noqa: E402

#: the import's data-quality report is not part of a Spark analysis (no import)
IGNORE = BY_DESIGN | {"data_quality"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", default="8", help="spark.sql.shuffle.partitions")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--skip-duckdb", action="store_true")
    parser.add_argument("--core", action="store_true", help="time the core aggregations only (see above)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/procesflow-spark-bench"),
                        help="where the exported Parquet is kept")
    args = parser.parse_args()

    from procesflow.session import open_log
    from procesflow.spark import SparkOptions, open_spark_log
    from procesflow.spark import connection as spark_connection
    from procesflow.spark.source import export_events, spark_session
    from procesflow.store import Store

    args.work.mkdir(parents=True, exist_ok=True)
    parquet = args.work / f"{args.log}.events.parquet"
    if not parquet.exists():
        t = time.perf_counter()
        with Store(args.store) as store:
            export_events(store, args.log, parquet)
        print(f"exported {parquet} in {time.perf_counter() - t:.1f} s", flush=True)
    with Store(args.store, read_only=True) as store:
        row = store.active_import(args.log)
    result: dict[str, Any] = {"log": args.log, "master": args.master, "machine": platform.platform(),
                              "parquet_bytes": parquet.stat().st_size}

    if args.core:
        core(args, parquet, row, result)
        return
    if not args.skip_duckdb:
        t = time.perf_counter()
        log = open_log(args.store, args.log)
        duck = analysis_documents(log)
        log.store.close()
        result["duckdb_s"] = round(time.perf_counter() - t, 1)
        print(f"duckdb: {result['duckdb_s']} s", flush=True)

    fetched = {"bytes": 0, "rows": 0, "queries": 0, "tables": 0}
    run = spark_connection.SparkConnection._run

    def counting_run(self: Any, statement: Any) -> None:
        run(self, statement)
        if statement.kind == "query" and self._table is not None:
            fetched["bytes"] += self._table.nbytes
            fetched["rows"] += self._table.num_rows
            fetched["queries"] += 1
        elif statement.kind == "table":
            fetched["tables"] += 1

    spark_connection.SparkConnection._run = counting_run  # type: ignore[method-assign]
    t = time.perf_counter()
    spark = spark_session(args.master)
    spark.conf.set("spark.sql.shuffle.partitions", args.partitions)
    result["spark_startup_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    log = open_spark_log(str(parquet), SparkOptions(session=spark, import_row={"quality": row["quality"]}),
                         name=args.log, mapping=None)
    on_spark = analysis_documents(log)
    result["spark_s"] = round(time.perf_counter() - t, 1)
    result["driver"] = fetched
    metrics = on_spark[0]
    result["events"] = metrics["log"]["events"]
    result["cases"] = metrics["log"]["cases"]
    result["variants"] = metrics["log"]["variants"]
    print(f"spark: {result['spark_s']} s (+{result['spark_startup_s']} s start-up); driver {fetched}", flush=True)
    if not args.skip_duckdb:
        diff = differences(duck[0], on_spark[0], ignore=IGNORE) + differences(duck[1], on_spark[1], ignore=IGNORE)
        result["parity_differences"] = diff[:20]
        result["parity"] = not diff
        print("parity:", "equal" if not diff else f"{len(diff)} differences: {diff[:5]}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    print(f"| {result['events']:,} events, {result['cases']:,} cases, {result['variants']:,} variants "
          f"| DuckDB {result.get('duckdb_s', '–')} s | Spark {args.master} {result['spark_s']} s "
          f"(+{result['spark_startup_s']} s start-up) | {fetched['queries']} queries, "
          f"{fetched['bytes'] / 1e6:.1f} MB to the driver |")


CORE_STEPS = ("steps", "dfg", "variants", "rework")


def core_results(open_log: Any) -> tuple[dict[str, float], dict[str, Any], Any]:
    """Seconds per core step and the step's result (plain values, for the comparison). Opening the
    log builds the filtered view and the step, case and variant tables (`EventLog.__init__`)."""
    from procesflow.discovery.dfg import discover_dfg
    from procesflow.discovery.variants import discover_variants

    seconds: dict[str, float] = {}
    out: dict[str, Any] = {}
    t = time.perf_counter()
    log = open_log()
    out["steps"] = list(log.con.execute(
        "SELECT count(*), count(DISTINCT case_key), max(pos) FROM pf_steps").fetchone())
    seconds["steps"] = time.perf_counter() - t
    t = time.perf_counter()
    dfg = discover_dfg(log)
    seconds["dfg"] = time.perf_counter() - t
    out["dfg"] = [sorted([r.source, r.target, int(r.count)] for r in dfg.edges.itertuples()), dfg.start, dfg.end]
    t = time.perf_counter()
    variants = discover_variants(log)
    seconds["variants"] = time.perf_counter() - t
    out["variants"] = sorted([list(v), int(c)] for v, c in zip(variants["variant"], variants["cases"], strict=True))
    t = time.perf_counter()
    out["rework"] = log.one("rework_summary")
    seconds["rework"] = time.perf_counter() - t
    return {k: round(v, 1) for k, v in seconds.items()}, out, log


def core(args: Any, parquet: Path, row: dict[str, Any], result: dict[str, Any]) -> None:
    from procesflow.session import open_log
    from procesflow.spark import SparkOptions, open_spark_log
    from procesflow.spark.source import spark_session

    result["duckdb"], duck, log = core_results(lambda: open_log(args.store, args.log))
    log.store.close()
    print(f"duckdb: {result['duckdb']}", flush=True)
    t = time.perf_counter()
    spark = spark_session(args.master)
    spark.conf.set("spark.sql.shuffle.partitions", args.partitions)
    result["spark_startup_s"] = round(time.perf_counter() - t, 1)
    options = SparkOptions(session=spark, import_row={"quality": row["quality"]})
    result["spark"], on_spark, _ = core_results(lambda: open_spark_log(str(parquet), options, name=args.log,
                                                                       mapping=None))
    print(f"spark: {result['spark']} (+{result['spark_startup_s']} s start-up)", flush=True)
    result["events"], result["cases"] = duck["steps"][0], duck["steps"][1]
    result["variants"] = len(duck["variants"])
    result["parity"] = {step: differences(duck[step], on_spark[step]) for step in CORE_STEPS}
    print("parity:", {step: not diff for step, diff in result["parity"].items()}, flush=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str) + "\n")
    for step in CORE_STEPS:
        print(f"| {step} | {result['duckdb'][step]} s | {result['spark'][step]} s | "
              f"{'equal' if not result['parity'][step] else 'DIFFERENT'} |")


if __name__ == "__main__":
    main()

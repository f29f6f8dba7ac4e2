"""Where does `procesflow discover` spend its time and memory? Every SQL statement, timed.

    python benchmarks/trace_sql.py benchmarks/data/permits-5M.parquet [--top 40] [--json out.json]

Runs `procesflow.discover.discover()` on a fresh store (in a temporary folder) with the DuckDB
connections of `procesflow.store` wrapped: each `execute`/`executemany`/`sql` call is timed, and the
process's peak RSS is reset before it (`/proc/self/clear_refs`, Linux) and read after it, so every
statement gets its own peak. Each statement is attributed to the procesflow function that ran it and,
where the text comes from `procesflow/sql/`, to that file. Python time between statements is what
remains of each discover step. For profiling only: it changes nothing in procesflow.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

RECORDS: list[dict[str, Any]] = []
STEP = {"name": "setup"}
#: --profile: statements whose text matches get DuckDB's JSON profile (operator timings) written here
PROFILE: dict[str, Any] = {"pattern": None, "folder": None, "n": 0}


def _rss_mb() -> tuple[float, float]:
    cur = peak = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            cur = int(line.split()[1]) / 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    return cur, peak


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _sql_files() -> dict[str, str]:
    """First meaningful line of each procesflow/sql file -> file name (to name statements)."""
    from importlib import resources

    out = {}
    for f in resources.files("procesflow.sql").iterdir():
        if f.name.endswith(".sql"):
            for line in f.read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if line and "{{" not in line:
                    out.setdefault(line, f.name)
                    break
    return out


SQL_FILES: dict[str, str] = {}


def _caller() -> str:
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if "procesflow" in name and "trace_sql" not in name or "/connectors/" in name:
            short = name[name.rfind("procesflow"):] if "procesflow" in name else name
            return f"{short}:{frame.f_lineno} {frame.f_code.co_name}"
        frame = frame.f_back
    return "?"


def _label(query: str) -> str:
    text = query.strip()
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return SQL_FILES.get(first, "") or " ".join(text.split())[:90]


class Traced:
    """A DuckDB connection or cursor whose statements are timed."""

    def __init__(self, inner: Any) -> None:
        object.__setattr__(self, "_inner", inner)

    def _timed(self, method: str, query: Any, *args: Any, **kwargs: Any) -> Any:
        caller = _caller()
        _reset_peak()
        before, _ = _rss_mb()
        text = query if isinstance(query, str) else str(query)
        profiled = PROFILE["pattern"] is not None and PROFILE["pattern"].search(text)
        if profiled:  # run once more before, as EXPLAIN ANALYZE (the analysis may not write files itself)
            PROFILE["n"] += 1
            target = PROFILE["folder"] / f"profile-{PROFILE['n']:02d}.json"
            plan = self._inner.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {text}", *args, **kwargs).fetchall()
            target.write_text(plan[0][-1])
        started, cpu = time.perf_counter(), time.process_time()
        result = getattr(self._inner, method)(query, *args, **kwargs)
        seconds = time.perf_counter() - started
        if profiled:
            print(f"profile of {_label(text)[:60]!r} ({seconds:.2f} s): {target}", file=sys.stderr)
        after, peak = _rss_mb()
        RECORDS.append({"step": STEP["name"], "seconds": seconds, "cpu_s": time.process_time() - cpu,
                        "caller": caller, "sql": _label(text),
                        "rss_before_mb": round(before), "rss_after_mb": round(after), "peak_mb": round(peak)})
        return Traced(result) if result is self._inner else result

    def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        return self._timed("execute", query, *args, **kwargs)

    def executemany(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        return self._timed("executemany", query, *args, **kwargs)

    def sql(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        caller = _caller()
        rel = self._inner.sql(query, *args, **kwargs)  # lazy: timed when it is fetched
        return TracedRelation(rel, query if isinstance(query, str) else str(query), caller) if rel is not None else rel

    def cursor(self) -> Traced:
        return Traced(self._inner.cursor())

    # results are fetched from the inner connection after execute returned it
    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._inner, name, value)

    def __enter__(self) -> Traced:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.close()


class TracedRelation:
    """A lazy DuckDB relation (`con.sql`, procesflow.frames): its query runs when it is fetched."""

    def __init__(self, inner: Any, sql: str, caller: str) -> None:
        self._inner, self._sql, self._caller = inner, sql, caller

    def project(self, *args: Any, **kwargs: Any) -> TracedRelation:
        return TracedRelation(self._inner.project(*args, **kwargs), self._sql, self._caller)

    def _fetch(self, method: str) -> Any:
        _reset_peak()
        before, _ = _rss_mb()
        started, cpu = time.perf_counter(), time.process_time()
        result = getattr(self._inner, method)()
        seconds = time.perf_counter() - started
        after, peak = _rss_mb()
        RECORDS.append({"step": STEP["name"], "seconds": seconds, "cpu_s": time.process_time() - cpu,
                        "caller": self._caller, "sql": _label(self._sql),
                        "rss_before_mb": round(before), "rss_after_mb": round(after), "peak_mb": round(peak)})
        return result

    def df(self) -> Any:
        return self._fetch("df")

    def fetchall(self) -> Any:
        return self._fetch("fetchall")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def print_profile(path: Path) -> None:
    """DuckDB's JSON profile as an indented operator tree: seconds (summed over threads), rows."""
    data = json.loads(path.read_text())
    data = data[0] if isinstance(data, list) else data
    print(f"\n{path.name}: latency {data.get('latency', 0):.2f} s, CPU {data.get('cpu_time', 0):.2f} s")

    def walk(node: dict[str, Any], depth: int) -> None:
        info = node.get("extra_info", {})
        what = info.get("Table") or info.get("CTE Name") or info.get("Join Type") or info.get("Aggregates") or ""
        print(f"{'  ' * depth}{node.get('operator_type', node.get('operator_name', '?'))} "
              f"{node.get('operator_timing', 0):.2f} s rows={node.get('operator_cardinality', 0)} {str(what)[:80]}")
        for child in node.get("children", []):
            walk(child, depth + 1)

    for child in data.get("children", []):
        walk(child, 1)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("source", type=Path)
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--json", type=Path)
    p.add_argument("--import-only", action="store_true", help="trace only the import into a fresh store")
    p.add_argument("--profile", metavar="REGEX",
                   help="write DuckDB's JSON profile of every statement matching REGEX (to --profile-dir; "
                        "such a statement runs twice, first as EXPLAIN ANALYZE)")
    p.add_argument("--profile-dir", type=Path, default=Path("."))
    args = p.parse_args(argv)
    if args.profile:
        import re

        PROFILE.update(pattern=re.compile(args.profile), folder=args.profile_dir.resolve())
        args.profile_dir.mkdir(parents=True, exist_ok=True)

    import duckdb

    import procesflow.discover as discover_module
    import procesflow.store as store_module

    SQL_FILES.update(_sql_files())
    real_connect = duckdb.connect

    class _DuckdbShim:
        def __getattr__(self, name: str) -> Any:
            return getattr(duckdb, name)

        @staticmethod
        def connect(*a: Any, **kw: Any) -> Traced:
            return Traced(real_connect(*a, **kw))

    store_module.duckdb = _DuckdbShim()  # type: ignore[assignment]

    def progress(step: str) -> None:
        STEP["name"] = step

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pf-trace-") as tmp:
        if args.import_only:
            from procesflow.importer import ImportRequest, import_log

            STEP["name"] = "import"
            with store_module.Store(Path(tmp) / "store.duckdb") as store:
                import_log(store, ImportRequest(source=str(args.source)))

            class _Result:
                timings = {"import": time.perf_counter() - started}

            result = _Result()
        else:
            result = discover_module.discover(str(args.source), db=Path(tmp) / "store.duckdb",
                                              out=Path(tmp) / "out", progress=progress)
    total = time.perf_counter() - started
    _, peak = _rss_mb()
    by_step: dict[str, float] = defaultdict(float)
    for r in RECORDS:
        by_step[r["step"]] += r["seconds"]
    print(f"discover {args.source}: {total:.1f} s; {len(RECORDS)} statements")
    print(f"{'step':8s} {'total s':>8s} {'SQL s':>8s} {'Python s':>9s}")
    for step, secs in result.timings.items():
        print(f"{step:8s} {secs:8.2f} {by_step[step]:8.2f} {secs - by_step[step]:9.2f}")
    print("\nslowest statements (peak = process peak RSS during the statement, MB; cores = CPU time of the")
    print("process / wall time: about 1 is a statement DuckDB ran on one thread; the drawing thread beside")
    print("the rules adds its share there):")
    print(f"{'s':>7s} {'cores':>5s} {'peak':>6s} {'after':>6s}  {'step':8s} {'caller':55s} sql")
    for r in sorted(RECORDS, key=lambda r: -r["seconds"])[: args.top]:
        cores = r["cpu_s"] / r["seconds"] if r["seconds"] else 0.0
        print(f"{r['seconds']:7.2f} {cores:5.2f} {r['peak_mb']:6d} {r['rss_after_mb']:6d}  {r['step']:8s} "
              f"{r['caller'][:55]:55s} {r['sql'][:70]}")
    by_caller: dict[str, list[float]] = defaultdict(lambda: [0.0, 0, 0])
    for r in RECORDS:
        c = by_caller[r["caller"].split(":")[0] + " " + r["caller"].split(" ")[-1]]
        c[0] += r["seconds"]
        c[1] += 1
        c[2] = max(c[2], r["peak_mb"])
    print("\nSQL time per calling function:")
    for name, (secs, n, pk) in sorted(by_caller.items(), key=lambda x: -x[1][0])[: args.top]:
        print(f"{secs:7.2f} s {n:4d} stmts  peak {pk:6d} MB  {name}")
    print(f"\nprocess peak RSS (since last reset) {peak:.0f} MB")
    for n in range(1, PROFILE["n"] + 1):
        print_profile(PROFILE["folder"] / f"profile-{n:02d}.json")
    if args.json:
        args.json.write_text(json.dumps({"timings": result.timings, "total": total, "records": RECORDS}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

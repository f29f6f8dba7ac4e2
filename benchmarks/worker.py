"""One measured step of the benchmark, run in a fresh Python process by `benchmarks/run.py`.

    python benchmarks/worker.py '{"step": "pm_dfg", "args": {...}, "result": "/path/result.json"}'

The step's own preparation (opening the store, loading the dataframe, computing the variants a miner
needs) is done first and not timed; then the step is timed with `time.perf_counter()` and the
result is written as JSON to `result`: `{"seconds": step seconds, "prep_seconds": ..., "info":
{...}, "digest": {...}}`. The digest is a compact, comparable form of what the step computed (DFG
counts, variants, fitness, ...) that `run.py` uses to check that procesflow and pm4py agree.
Wall time of the whole process and its peak RSS are measured by `run.py` from the outside
(`os.wait4`), so they include interpreter start-up and imports.

procesflow steps (`pf_*`) call procesflow's own functions (the ones `procesflow discover` runs);
pm4py steps (`pm_*`) use the pandas route an analyst would take with pm4py: `pandas.read_csv` or
`read_parquet`, then `pm4py.format_dataframe`, then the pm4py functions.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_T0 = time.perf_counter()

CSV_TIMESTAMP_FORMAT = "%d-%m-%Y %H:%M:%S"  # the generator's Dutch export: dd-mm-yyyy HH:MM:SS


# -- shared helpers ---------------------------------------------------------------------------------
def _edge_key(a: Any, b: Any) -> str:
    return f"{a}\u2192{b}"


def _variant_key(variant: Any) -> str:
    return "\u241f".join(str(a) for a in variant)


def _net_digest(net: Any, im: Any, fm: Any) -> dict[str, Any]:
    """A canonical summary of a Petri net: labels, sizes, marking sizes (names differ per run)."""
    visible = sorted(t.label for t in net.transitions if t.label is not None)
    return {"visible": visible, "places": len(net.places), "transitions": len(net.transitions),
            "silent": len(net.transitions) - len(visible), "arcs": len(net.arcs),
            "im_tokens": int(sum(im.values())), "fm_tokens": int(sum(fm.values()))}


# -- procesflow ---------------------------------------------------------------------------------------
def _pf_log(args: dict[str, Any]) -> Any:
    from procesflow.session import open_log

    return open_log(Path(args["db"]), args["log"])


def _pf_variants(log: Any) -> Any:
    from procesflow.discovery.variants import discover_variants

    return discover_variants(log)


def _noise() -> float:
    from procesflow.options import AnalysisOptions

    return float(AnalysisOptions().noise_threshold)


def pf_import(args: dict[str, Any]) -> tuple[Callable[[], Any], Callable[[Any], dict[str, Any]]]:
    """`procesflow import SOURCE` into a fresh store (what discover's import step does)."""
    from procesflow.importer import ImportRequest, import_log
    from procesflow.store import Store

    db = Path(args["db"])
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)

    def run() -> Any:
        with Store(db) as store:
            return import_log(store, ImportRequest(source=args["source"], name=args.get("name")))

    def digest(result: Any) -> dict[str, Any]:
        return {"info": {"events": result.events, "rows_read": result.rows_read, "rejected": result.rejected}}

    return run, digest


def pf_dfg(args: dict[str, Any]):
    from procesflow.discovery.dfg import discover_dfg

    log = _pf_log(args)

    def digest(dfg: Any) -> dict[str, Any]:
        edges = {_edge_key(r.source, r.target): int(r.count) for r in dfg.edges.itertuples(index=False)}
        mean = {_edge_key(r.source, r.target): float(r.mean_s) for r in dfg.edges.itertuples(index=False)}
        return {"info": {"edges": len(edges)},
                "digest": {"edges": edges, "start": dfg.start, "end": dfg.end, "mean_s": mean}}

    return lambda: discover_dfg(log), digest


def pf_variants(args: dict[str, Any]):
    log = _pf_log(args)

    def digest(v: Any) -> dict[str, Any]:
        counts = {_variant_key(var): int(n) for var, n in zip(v["variant"], v["cases"], strict=True)}
        return {"info": {"variants": len(v), "cases": int(v["cases"].sum())}, "digest": {"variants": counts}}

    return lambda: _pf_variants(log), digest


def pf_inductive(args: dict[str, Any]):
    """Inductive miner (IMf, procesflow's default noise) from the SQL variants; variants not timed."""
    from procesflow.discovery.models import discover_inductive

    log = _pf_log(args)
    variants = _pf_variants(log)
    noise = _noise()

    def digest(model: Any) -> dict[str, Any]:
        return {"info": {"variants": len(variants), "noise": noise},
                "digest": {"net": _net_digest(model.net, model.im, model.fm), "tree": str(model.tree)}}

    return lambda: discover_inductive(log, noise=noise, variants=variants), digest


def _pf_model(args: dict[str, Any]) -> tuple[Any, Any, Any]:
    from procesflow.discovery.models import discover_inductive

    log = _pf_log(args)
    variants = _pf_variants(log)
    return log, variants, discover_inductive(log, noise=_noise(), variants=variants)


def pf_token_replay(args: dict[str, Any]):
    """Token-based replay, one replay per variant weighted by its cases; variants and model not timed."""
    from procesflow.discovery.conformance import token_replay

    _, variants, model = _pf_model(args)

    def digest(result: Any) -> dict[str, Any]:
        summary, _ = result
        keys = ("log_fitness", "average_trace_fitness", "perc_fit_traces")
        return {"info": {"variants": len(variants)}, "digest": {k: float(summary[k]) for k in keys}}

    return lambda: token_replay(variants, model.net, model.im, model.fm), digest


def pf_conformance(args: dict[str, Any]):
    """All of discover's conformance: token replay, precision (when affordable), alignments (when
    affordable) — `check_conformance` with the default options; variants and model not timed."""
    from procesflow.discovery.conformance import check_conformance
    from procesflow.options import AnalysisOptions

    log, variants, model = _pf_model(args)
    options = AnalysisOptions()

    def digest(result: Any) -> dict[str, Any]:
        s = result.summary
        return {"info": {"variants": len(variants), "precision_computed": s["precision_info"]["computed"],
                         "prefix_events": s["precision_info"]["replayed_events"],
                         "alignments_computed": bool(s["alignments"].get("computed"))}}

    return (lambda: check_conformance(log, model, options, variants=variants,
                                      precision_max_prefix_events=options.precision_max_prefix_events)), digest


def pf_handover(args: dict[str, Any]):
    """The resource-level handover matrix (procesflow's counterpart of pm4py's handover network)."""
    from procesflow.metrics.handoffs import handover_matrix

    log = _pf_log(args)

    def digest(m: Any) -> dict[str, Any]:
        share = {_edge_key(r.source, r.target): float(r.share) for r in m.itertuples(index=False)}
        return {"info": {"pairs": len(share)}, "digest": {"share": share}}

    return lambda: handover_matrix(log, "resource"), digest


def pf_analyse_breakdown(args: dict[str, Any]):
    """Each part of discover's metrics step (`metrics.summary.analyse`), timed one after the other in
    one process; `info.parts` holds the seconds per part."""
    from procesflow.discovery.conformance import check_conformance
    from procesflow.discovery.dfg import discover_dfg
    from procesflow.discovery.models import discover_inductive
    from procesflow.metrics.citizen import compute_citizen
    from procesflow.metrics.complexity import complexity_scorecard
    from procesflow.metrics.deadline import compute_deadline
    from procesflow.metrics.handoffs import compute_handoffs
    from procesflow.metrics.rework import compute_rework
    from procesflow.metrics.timing import compute_time
    from procesflow.options import AnalysisOptions
    from procesflow.render.mapdata import map_input

    log = _pf_log(args)
    o = AnalysisOptions()
    parts: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t = time.perf_counter()
        out = fn()
        parts[name] = time.perf_counter() - t
        return out

    def run() -> dict[str, float]:
        timed("map_input", lambda: map_input(log))
        dfg = timed("dfg", lambda: discover_dfg(log))
        variants = timed("variants", lambda: _pf_variants(log))
        model = timed("inductive", lambda: discover_inductive(log, noise=o.noise_threshold, variants=variants))
        timed("conformance", lambda: check_conformance(log, model, o, variants=variants,
                                                       precision_max_prefix_events=o.precision_max_prefix_events))
        timed("complexity", lambda: complexity_scorecard(log, dfg=dfg, bpmn=model.bpmn))
        timed("rework", lambda: compute_rework(log, dfg=dfg))
        timed("handoffs", lambda: compute_handoffs(log, level=o.handoff_level, examples=0))
        timed("time", lambda: compute_time(log, o))
        timed("deadline", lambda: compute_deadline(log, o))
        timed("citizen", lambda: compute_citizen(log, o))
        return parts

    return run, lambda p: {"info": {"parts": {k: round(v, 4) for k, v in p.items()}}}


def pf_discover(args: dict[str, Any]):
    """The real `procesflow discover` command (click, in this process, as the console script runs it)
    on a fresh store; `info.timings` are discover's own per-step timings (`DiscoverResult.timings`)."""
    import procesflow.discover as discover_module

    db = Path(args["db"])
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    captured: dict[str, Any] = {}
    real = discover_module.discover

    def spy(*a: Any, **kw: Any) -> Any:
        result = real(*a, **kw)
        captured["timings"] = dict(result.timings)
        captured["files"] = len(result.files)
        return result

    discover_module.discover = spy  # the CLI imports it from the module at call time

    def run() -> None:
        from procesflow.cli import cli

        argv = ["discover", args["source"], "--db", str(db), "--out", args["out"], "--quiet"]
        code = cli.main(args=argv, prog_name="procesflow", standalone_mode=False)
        if code not in (None, 0):
            raise SystemExit(f"procesflow discover failed with exit code {code}")

    def digest(_: Any) -> dict[str, Any]:
        return {"info": {"timings": {k: round(v, 4) for k, v in captured["timings"].items()},
                         "files": captured["files"]}}

    return run, digest


# -- pm4py --------------------------------------------------------------------------------------------
def _pm_import() -> Any:
    import os

    os.environ.setdefault("PM4PY_SHOW_PROGRESS_BAR", "False")  # no tqdm output in the measurements
    import pm4py

    return pm4py


def pm_load(source: str) -> Any:
    """pandas load + `pm4py.format_dataframe`, the way pm4py's documentation shows it.

    CSV: the generator's export (`;`, Windows-1252, `n.v.t.` for no channel, dd-mm-yyyy times); the
    timestamp format is given to `format_dataframe` (without it pm4py tries mixed-format parsing on
    every text column, 4x slower). Parquet: typed columns, `timest_format="ISO8601"` for the same
    reason. Resource and department become org:resource / org:group (for the handover network)."""
    import pandas as pd

    pm4py = _pm_import()
    if source.endswith(".csv"):
        df = pd.read_csv(source, sep=";", encoding="cp1252", na_values=["n.v.t."])
        df = df.rename(columns={"medewerker": "org:resource", "afdeling": "org:group"})
        return pm4py.format_dataframe(df, case_id="zaaknummer", activity_key="activiteit",
                                      timestamp_key="tijdstip", timest_format=CSV_TIMESTAMP_FORMAT)
    df = pd.read_parquet(source)
    # start_timestamp -> starttijd as in the CSV: pm4py's DFG would otherwise order events by a
    # column called start_timestamp (procesflow and pm4py's variants order by completion time)
    df = df.rename(columns={"resource": "org:resource", "department": "org:group",
                            "start_timestamp": "starttijd"})
    return pm4py.format_dataframe(df, case_id="case_id", activity_key="activity", timestamp_key="timestamp",
                                  timest_format="ISO8601")


def pm_load_step(args: dict[str, Any]):
    _pm_import()

    def digest(df: Any) -> dict[str, Any]:
        return {"info": {"events": len(df), "cases": int(df["case:concept:name"].nunique())}}

    return lambda: pm_load(args["source"]), digest


def _pm_df(args: dict[str, Any]) -> Any:
    return pm_load(args["source"])


def pm_dfg(args: dict[str, Any]):
    pm4py = _pm_import()
    df = _pm_df(args)

    def digest(r: Any) -> dict[str, Any]:
        dfg, start, end = r
        return {"info": {"edges": len(dfg)},
                "digest": {"edges": {_edge_key(a, b): int(n) for (a, b), n in dfg.items()},
                           "start": {str(a): int(n) for a, n in start.items()},
                           "end": {str(a): int(n) for a, n in end.items()}}}

    return lambda: pm4py.discover_dfg(df), digest


def pm_performance_dfg(args: dict[str, Any]):
    pm4py = _pm_import()
    df = _pm_df(args)

    def digest(r: Any) -> dict[str, Any]:
        perf = r[0]
        return {"info": {"edges": len(perf)},
                "digest": {"mean_s": {_edge_key(a, b): float(v["mean"]) for (a, b), v in perf.items()}}}

    return lambda: pm4py.discover_performance_dfg(df), digest


def pm_variants(args: dict[str, Any]):
    pm4py = _pm_import()
    df = _pm_df(args)

    def digest(v: Any) -> dict[str, Any]:
        counts = {_variant_key(k): int(n if isinstance(n, int) else len(n)) for k, n in v.items()}
        return {"info": {"variants": len(counts), "cases": sum(counts.values())}, "digest": {"variants": counts}}

    return lambda: pm4py.get_variants(df), digest


def pm_inductive(args: dict[str, Any]):
    pm4py = _pm_import()
    df = _pm_df(args)
    noise = _noise()

    def digest(r: Any) -> dict[str, Any]:
        return {"info": {"noise": noise}, "digest": {"net": _net_digest(*r)}}

    return lambda: pm4py.discover_petri_net_inductive(df, noise_threshold=noise), digest


def pm_handover(args: dict[str, Any]):
    pm4py = _pm_import()
    df = _pm_df(args)

    def digest(sna: Any) -> dict[str, Any]:
        # timed: pm4py's network over every event. Compared: pm4py's network over the events procesflow's
        # hand-off chain reads (citizen contacts after a case's first event left out, handoffs_events.sql),
        # computed here, after the timing
        ordered = df.sort_values(["case:concept:name", "time:timestamp"], kind="stable")
        first = ordered.groupby("case:concept:name", sort=False).cumcount() == 0
        channel = ordered["channel" if "channel" in ordered.columns else "kanaal"]  # Parquet / CSV
        same_events = ordered[channel.isna() | first]
        compared = pm4py.discover_handover_of_work_network(same_events, beta=0)
        share = {_edge_key(a, b): float(v) for (a, b), v in compared.connections.items()}
        return {"info": {"pairs": len(share), "pairs_all_events": len(sna.connections)}, "digest": {"share": share}}

    return lambda: pm4py.discover_handover_of_work_network(df, beta=0), digest


def pm_token_replay(args: dict[str, Any]):
    """`pm4py.fitness_token_based_replay` of the log on pm4py's own IMf net (discovered, not timed)."""
    pm4py = _pm_import()
    df = _pm_df(args)
    net, im, fm = pm4py.discover_petri_net_inductive(df, noise_threshold=_noise())

    def digest(r: Any) -> dict[str, Any]:
        keys = ("log_fitness", "average_trace_fitness", "perc_fit_traces")
        return {"digest": {k: float(r[k]) for k in keys}}

    return lambda: pm4py.fitness_token_based_replay(df, net, im, fm), digest


STEPS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "pf_import": pf_import,
    "pf_dfg": pf_dfg,
    "pf_variants": pf_variants,
    "pf_inductive": pf_inductive,
    "pf_token_replay": pf_token_replay,
    "pf_conformance": pf_conformance,
    "pf_handover": pf_handover,
    "pf_analyse_breakdown": pf_analyse_breakdown,
    "pf_discover": pf_discover,
    "pm_load": pm_load_step,
    "pm_dfg": pm_dfg,
    "pm_performance_dfg": pm_performance_dfg,
    "pm_variants": pm_variants,
    "pm_inductive": pm_inductive,
    "pm_handover": pm_handover,
    "pm_token_replay": pm_token_replay,
}


def peak_rss_mb() -> float | None:
    """This process's peak resident set size (VmHWM: since exec, not inherited from the parent)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class StepTimeout(BaseException):
    """Raised by SIGALRM when the step exceeds its time bound (BaseException: pm4py's own
    `except Exception` blocks must not swallow it)."""


def _alarm(signum: int, frame: Any) -> None:
    raise StepTimeout


def main(argv: list[str]) -> int:
    spec = json.loads(argv[1])
    prepared = time.perf_counter()
    run, digest = STEPS[spec["step"]](spec.get("args", {}))
    bound = spec.get("timeout_s")
    out: dict[str, Any] = {"step": spec["step"], "prep_seconds": None, "startup_seconds": prepared - _T0,
                           "info": {}, "digest": None}
    started = time.perf_counter()
    out["prep_seconds"] = started - prepared
    if bound:
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, float(bound))
    try:
        result = run()
    except StepTimeout:
        out.update(seconds=float(bound), timeout=True, peak_rss_mb=peak_rss_mb())
        Path(spec["result"]).write_text(json.dumps(out), encoding="utf-8")
        return 0
    finally:
        if bound:
            signal.setitimer(signal.ITIMER_REAL, 0)
    out["seconds"] = time.perf_counter() - started
    out["peak_rss_mb"] = peak_rss_mb()
    module = sys.modules.get("procesflow")
    out["procesflow_path"] = getattr(module, "__file__", None)  # which code ran (run.py checks it)
    out.update(digest(result))
    Path(spec["result"]).write_text(json.dumps(out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

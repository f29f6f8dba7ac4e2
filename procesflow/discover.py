"""`procesflow discover`: from an exported log to a folder an analyst can attach to a proposal.

import (or reuse) → filter → abstract for the maps → metrics → Lean rules → maps, model, charts →
reports and JSON. Everything is written into a temporary folder next to the target and swapped in
at the end, so a failed or interrupted run never leaves a half-written output folder, and a re-run
replaces the previous output in one step.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .filters import FilterSpec
from .importer import ImportRequest, ImportResult
from .lean.engine import run_rules
from .lean.report import findings_document
from .metrics.summary import analyse, dfg_document
from .options import AnalysisOptions
from .outputs import write_json
from .session import ensure_imported, open_log

#: the steps of `discover`, timed one after the other (`DiscoverResult.timings`); the frequency and
#: performance maps, the model files and the charts are drawn beside the rules and timed apart
#: (`drawing_maps`, `drawing_model`, `drawing_charts`)
STEPS = ("import", "filter", "metrics", "rules", "maps", "report")


@dataclass
class DiscoverResult:
    log: str
    folder: Path
    files: dict[str, Path]
    metrics: dict[str, Any]
    findings: dict[str, Any]
    imported: ImportResult | None = None
    timings: dict[str, float] = field(default_factory=dict)


MARKER = ".procesflow-output"  # in every output folder: only such a folder is ever replaced


def default_out(log_name: str) -> Path:
    from .importer import check_log_name

    return Path("procesflow-out") / check_log_name(log_name)  # a name from a crafted store cannot escape


def discover(
    source: str,
    *,
    db: Path | None = None,
    request: ImportRequest | None = None,
    filters: FilterSpec | None = None,
    options: AnalysisOptions | None = None,
    out: Path | None = None,
    lang: str = "en",
    rule_dirs: list[Path] | None = None,
    config: dict[str, Any] | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
    progress: Callable[[str], None] | None = None,
    spark: Any = None,
) -> DiscoverResult:
    """Run the whole analysis of `source` (a file or a log name) and write the output folder.

    `spark` (a `procesflow.spark.SparkOptions`): run the aggregations on Spark; `source` is then a
    Spark table (`spark:schema.table`) or a Parquet/Delta path, read in place (no import)."""
    from .render.mapdata import map_input
    from .render.maps import findings_map
    from .render.report import write_reports

    options = options or AnalysisOptions()
    _warm_up()
    step = _Steps(progress)
    step("import")
    if spark is not None:
        from .session import Resolved
        from .spark import open_spark_log

        step("filter")
        req = request or ImportRequest(source=source)
        log = open_spark_log(source, spark, mapping=req.mapping, name=req.name, filters=filters)
        resolved = Resolved(Path(source), log.name, None)
    else:
        resolved = ensure_imported(source, db, request)
        step("filter")
        log = open_log(resolved.db, resolved.name, filters)
    try:
        target = Path(out) if out else default_out(resolved.name)
        work = _fresh_work_folder(target)
        try:
            maps_data = map_input(log)
            step("metrics")
            analysis = analyse(log, options, map_dfg=maps_data.dfg)
            step("rules")
            # what needs no findings is drawn in two worker threads while the rules run in DuckDB
            # (which releases Python's lock while it works): the maps (their layout program is a
            # process of its own) beside the charts (matplotlib)
            with ThreadPoolExecutor(max_workers=2, thread_name_prefix="procesflow-draw") as pool:
                drawing = [pool.submit(_draw_maps_and_model, work, analysis, maps_data, lang),
                           pool.submit(_draw_charts, work, analysis, lang)]
                run = run_rules(log, options, rule_dirs=rule_dirs, config=config, overrides=overrides)
                findings_doc = findings_document(log, run, options)
                step("maps")
                files: dict[str, Path] = {}
                for part in drawing:
                    drawn_files, drawn_seconds = part.result()
                    files.update(drawn_files)
                    step.timings.update(drawn_seconds)
            files.update(_draw_map(work, "map-findings", findings_map(maps_data, findings_doc["findings"], lang)))
            step("report")
            files["metrics.json"] = write_json(work / "metrics.json", analysis.metrics)
            files["dfg.json"] = write_json(work / "dfg.json", dfg_document(analysis.dfg, resolved.name))
            files["findings.json"] = write_json(work / "findings.json", findings_doc)
            reports = write_reports(work, analysis.metrics, findings_doc, lang)
            files.update({p.name: p for p in reports.values()})
            _swap_in(work, target)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    finally:
        log.store.close()
    step.done()
    final = {name: target / path.relative_to(work) for name, path in files.items()}
    return DiscoverResult(log=resolved.name, folder=target, files=final, metrics=analysis.metrics,
                          findings=findings_doc, imported=resolved.imported, timings=step.timings)


def _draw_maps_and_model(work: Path, analysis: Any, maps_data: Any, lang: str) -> tuple[dict[str, Path],
                                                                                          dict[str, float]]:
    """The frequency and performance maps and the model files; returns the files and the seconds
    each part took (they are drawn beside the rules, so they are reported apart)."""
    from .discovery.models import export_model
    from .render.maps import frequency_map, performance_map

    started = time.perf_counter()
    files: dict[str, Path] = {}
    files.update(_draw_map(work, "map", frequency_map(maps_data, lang), pdf=True))
    files.update(_draw_map(work, "map-performance", performance_map(maps_data, lang)))
    maps_done = time.perf_counter()
    for path in export_model(analysis.model, work, stem="model").values():
        files[path.name] = path
    return files, {"drawing_maps": maps_done - started, "drawing_model": time.perf_counter() - maps_done}


def _draw_charts(work: Path, analysis: Any, lang: str) -> tuple[dict[str, Path], dict[str, float]]:
    """The charts (matplotlib), beside the maps; returns the files and the seconds they took."""
    from .render.charts import write_charts

    started = time.perf_counter()
    charts = write_charts(work, analysis.metrics, lang)
    return ({p.relative_to(work).as_posix(): p for p in charts.values()},
            {"drawing_charts": time.perf_counter() - started})


def _draw_map(work: Path, name: str, dot: str, pdf: bool = False) -> dict[str, Path]:
    """<name>.svg, .png and .dot (and .pdf) of one map in `work`."""
    from .render.graphviz import render, svg_to_pdf

    svg = render(dot, "svg")
    files = {f"{name}.svg": _write(work / f"{name}.svg", svg),
             f"{name}.png": _write(work / f"{name}.png", render(dot, "png")),
             f"{name}.dot": _write(work / f"{name}.dot", dot.encode("utf-8"))}
    if pdf:
        files[f"{name}.pdf"] = _write(work / f"{name}.pdf", svg_to_pdf(svg))
    return files


def _warm_up() -> None:
    """Import pm4py and matplotlib in a background thread while the import and the SQL run: DuckDB
    releases Python's lock while it works, so the seconds these imports take overlap the queries
    instead of adding to them (the later steps import the same modules and find them loaded)."""

    def load() -> None:
        with contextlib.suppress(Exception):  # the step that needs a module reports its own error
            import pm4py.algo.discovery.inductive.variants.imf  # noqa: F401
            import pm4py.objects.conversion.process_tree.converter  # noqa: F401

            from .render import charts  # noqa: F401  (matplotlib)

    threading.Thread(target=load, name="procesflow-warm-up", daemon=True).start()


class _Steps:
    """Reports each step to `progress` and times it (seconds per step, for benchmarks)."""

    def __init__(self, progress: Callable[[str], None] | None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self._name: str | None = None
        self._started = 0.0

    def __call__(self, name: str) -> None:
        self.done()
        self._name, self._started = name, time.perf_counter()
        if self.progress:
            self.progress(name)

    def done(self) -> None:
        if self._name is not None:
            self.timings[self._name] = time.perf_counter() - self._started
            self._name = None


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _fresh_work_folder(target: Path) -> Path:
    """An empty temporary folder beside `target` (same file system, so the final rename is atomic)."""
    target = _check_replaceable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(target)
    work = target.parent / f".{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    (work / MARKER).write_text("written by procesflow discover; the next run replaces this folder as a whole\n",
                               encoding="utf-8")
    return work


def _remove_leftovers(target: Path) -> None:
    """Temporary folders of earlier runs that were killed (their process is gone)."""
    for stale in target.parent.glob(glob.escape(f".{target.name}.") + "*-*"):
        kind, _, pid = stale.name.rpartition("-")
        if not (kind.endswith((".tmp", ".old")) and pid.isdigit()) or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(stale, ignore_errors=True)
        except OSError:  # alive but not ours, or no way to tell: leave it
            continue


def _check_replaceable(target: Path) -> Path:
    """`--out` is replaced as a whole, so it must be new, empty or an earlier procesflow output —
    never a folder of the user's own files (`--out .`, `--out ~/Documents`)."""
    if target.name in ("", ".", "..") or target.resolve() in (Path.cwd(), Path.home(), Path(target.anchor or "/")):
        raise InputError(f"--out {target}: give a folder of its own for the output (it is replaced as a whole)")
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InputError(f"--out {target}: exists and is not a folder; choose another --out")
    if target.is_dir() and any(target.iterdir()):
        legacy = (target / "metrics.json").is_file() and (target / "report.html").is_file()
        if not ((target / MARKER).is_file() or legacy):
            raise InputError(
                f"--out {target}: the folder holds files that procesflow did not write, and the output folder "
                "is replaced as a whole; choose a new or empty folder"
            )
    return target


def _swap_in(work: Path, target: Path) -> None:
    """Replace `target` by `work`: the old output disappears only once the new one is complete."""
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(work, target)
    shutil.rmtree(old, ignore_errors=True)

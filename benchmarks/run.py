"""procesflow against pm4py on generated permit logs of 1M, 5M and 10M events.

    python benchmarks/run.py --events 1M,5M,10M --repeat 3
    python benchmarks/run.py --smoke            # 100k events, once; what CI runs (no timing targets)

For every size the script

1. generates the log with procesflow's own generator (`procesflow.sample.write_sample`, profile
   `asis`, seed 1) as a Dutch CSV export and as Parquet, cached in `--data` (regenerated when the
   generator's source changes);
2. runs every measured step in a fresh Python process (`benchmarks/worker.py`), procesflow and
   pm4py interleaved, `--repeat` times: the whole `procesflow discover` command (fresh store,
   from CSV and from Parquet, with discover's own per-step timings) and procesflow's import, DFG,
   variants, inductive miner from the variants, token replay per variant, conformance and
   hand-over matrix; pm4py's pandas load + `format_dataframe` (CSV and Parquet), `discover_dfg`,
   `discover_performance_dfg`, `get_variants`, `discover_petri_net_inductive`,
   `discover_handover_of_work_network` and `fitness_token_based_replay`; plus `procesflow --help`
   and `import pm4py`;
3. reports medians of the step time (measured inside the worker, preparation excluded), of the
   process wall time and of the peak RSS (`os.wait4` of the child), the pm4py/procesflow ratios,
   and whether both computed the same DFG, variants, model and fitness.

A pm4py step that exceeds `--timeout-s` is stopped and reported as "> N s" (and the pipeline total
as a lower bound); it is not run again in later repeats of that size.
End-to-end: the wall time of the `procesflow discover` process against the sum of the pm4py
pipeline (import pm4py + load + DFG + performance DFG + variants + inductive miner + handover
network + token replay); peak RSS: discover's process against the largest pm4py step process
(every one of them holds the loaded dataframe, as a one-process pipeline would).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORKER = HERE / "worker.py"
EVENTS_PER_CASE = 14.03  # measured: the asis profile, seed 1 (100k: 14.07, 1M: 14.03)
SEED = 1
PROFILE = "asis"

# (row id, label, procesflow step, pm4py step). The procesflow step of "performance_dfg" is the DFG
# step: discover_dfg computes counts and times in one query.
PAIRS: list[tuple[str, str, str | None, str | None]] = [
    ("load_csv", "load CSV (procesflow import · pandas read_csv + format_dataframe)", "pf_import", "pm_load"),
    ("load_parquet", "load Parquet (procesflow import · read_parquet + format_dataframe)", "pf_import", "pm_load"),
    ("dfg", "DFG", "pf_dfg", "pm_dfg"),
    ("performance_dfg", "performance DFG (procesflow: the same DFG query)", None, "pm_performance_dfg"),
    ("variants", "variants", "pf_variants", "pm_variants"),
    ("inductive", "model discovery: inductive miner (IMf 0.2)", "pf_inductive", "pm_inductive"),
    ("handover", "handover-of-work network (resources)", "pf_handover", "pm_handover"),
    ("token_replay", "conformance: token-based replay fitness", "pf_token_replay", "pm_token_replay"),
    ("conformance", "conformance as discover runs it (replay, precision, alignments)", "pf_conformance", None),
]
PIPELINE = ("load", "dfg", "performance_dfg", "variants", "inductive", "handover", "token_replay")
DISCOVER_STEPS = ("import", "filter", "metrics", "rules", "maps", "report")
#: drawn beside the rules (procesflow.discover._draw_maps_and_model, _draw_charts): part of the rules step's wall time
DRAWING_STEPS = ("drawing_maps", "drawing_model", "drawing_charts")
BREAKDOWN_PARTS = ("map_input", "dfg", "variants", "inductive", "conformance", "complexity", "rework",
                   "handoffs", "time", "deadline", "citizen")


# -- sizes and data -----------------------------------------------------------------------------------
def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in "km" else text
    return int(float(number) * mult)


def size_label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


CHILD_ENV: dict[str, str] = dict(os.environ)  # what every measured process runs with (see snapshot_code)
CHILD_CWD: list[Path] = [REPO]  # where it runs: the snapshot's root when there is one ("" on sys.path)


def generator_fingerprint() -> str:
    """Changes when procesflow's generator changes, so cached logs are regenerated."""
    root = CHILD_ENV.get("PYTHONPATH")
    if root:
        return hashlib.sha256((Path(root) / "procesflow" / "sample.py").read_bytes()).hexdigest()[:16]
    from importlib.util import find_spec

    spec = find_spec("procesflow.sample")  # located, not imported: this process stays small
    if spec is None or spec.origin is None:
        raise SystemExit("procesflow is not installed in this environment (pip install -e .)")
    return hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest()[:16]


def snapshot_code(data: Path) -> tuple[Path, str]:
    """A frozen copy of the code to measure (procesflow/, connectors/ and rules/ laid out as the
    installed package), so that edits made while a long benchmark runs do not end up in it. Every
    child process gets it first on PYTHONPATH (before the editable install's finder)."""
    digest = hashlib.sha256()
    files: list[tuple[Path, Path]] = []
    for src, dest in (("procesflow", "procesflow"), ("connectors", "procesflow/connectors"),
                      ("rules", "procesflow/rules")):
        base = REPO / src
        for path in sorted(base.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc",):
                rel = path.relative_to(base)
                files.append((path, Path(dest) / rel))
                digest.update(str(Path(dest) / rel).encode() + b"\0" + path.read_bytes())
    key = digest.hexdigest()[:12]
    root = data / f"code-{key}"
    if not (root / ".complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        for src_path, rel in files:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src_path, target)
        (root / ".complete").write_text(key)
    CHILD_ENV["PYTHONPATH"] = str(root)
    CHILD_CWD[0] = root
    check = subprocess.run([sys.executable, "-c", "import procesflow, procesflow.connectors, procesflow.rules; "
                            "print(procesflow.__file__)"], env=CHILD_ENV, capture_output=True, text=True,
                           cwd=str(root))
    if check.returncode != 0 or not check.stdout.strip().startswith(str(root)):
        raise SystemExit(f"the code snapshot in {root} is not what Python imports: {check.stdout} {check.stderr}")
    return root, key


GENERATE = (
    "import json, sys\n"
    "from procesflow.sample import write_sample\n"
    "stats = write_sample(sys.argv[1], int(sys.argv[2]), seed=int(sys.argv[3]), profile=sys.argv[4])\n"
    "print(json.dumps(stats))\n"
)


def write_sample_subprocess(path: Path, cases: int) -> dict[str, Any]:
    """procesflow's generator, run in a child process (numpy and pyarrow stay out of this one)."""
    out = subprocess.run([sys.executable, "-c", GENERATE, str(path), str(cases), str(SEED), PROFILE],
                         check=True, capture_output=True, text=True, cwd=str(CHILD_CWD[0]), env=CHILD_ENV)
    return json.loads(out.stdout.strip().splitlines()[-1])


@dataclass
class Dataset:
    label: str
    target_events: int
    cases: int
    csv: Path
    parquet: Path
    store: Path
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def log_name(self) -> str:
        return f"permits-{self.label}"


def prepare_data(label: str, events: int, data: Path, log: Any) -> Dataset:
    """The CSV and Parquet logs of about `events` events, and a store with the Parquet imported
    (for the procesflow step workers); reused from `data` when the generator is unchanged."""
    cases = max(1, round(events / EVENTS_PER_CASE))
    ds = Dataset(label, events, cases, data / f"permits-{label}.csv", data / f"permits-{label}.parquet",
                 data / f"permits-{label}.duckdb")
    meta_path = data / f"permits-{label}.meta.json"
    want = {"cases": cases, "seed": SEED, "profile": PROFILE, "generator": generator_fingerprint()}
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    fresh = meta.get("key") == want and ds.csv.exists() and ds.parquet.exists()
    if not fresh:
        meta = {"key": want, "generated": {}}
        for path in (ds.csv, ds.parquet, ds.store):
            path.unlink(missing_ok=True)
        for path in (ds.csv, ds.parquet):
            log(f"generating {path.name} ({cases:,} cases) ...")
            stats = write_sample_subprocess(path, cases)
            meta["generated"][path.suffix.lstrip(".")] = {k: stats[k] for k in (
                "cases", "events", "activities", "resources", "departments", "bytes", "seconds",
                "first_event", "last_event")}
        meta_path.write_text(json.dumps(meta, indent=1))
    ds.stats = meta["generated"]
    store_key = [ds.parquet.stat().st_mtime_ns, CHILD_ENV.get("PYTHONPATH") or "working tree"]
    if not ds.store.exists() or meta.get("store_of") != store_key:
        ds.store.unlink(missing_ok=True)
        log(f"importing {ds.parquet.name} into {ds.store.name} (for the procesflow step workers) ...")
        subprocess.run([str(procesflow_exe()), "import", str(ds.parquet), "--db", str(ds.store),
                        "--name", ds.log_name], check=True, stdout=subprocess.DEVNULL, env=CHILD_ENV,
                       cwd=str(CHILD_CWD[0]))
        meta["store_of"] = store_key  # re-imported when the log or the measured code changes
        meta_path.write_text(json.dumps(meta, indent=1))
    return ds


def procesflow_exe() -> Path:
    exe = Path(sys.executable).with_name("procesflow")
    if not exe.exists():
        found = shutil.which("procesflow")
        if not found:
            raise SystemExit("the procesflow command is not installed in this environment (pip install -e .)")
        exe = Path(found)
    return exe


# -- running one process ------------------------------------------------------------------------------
@dataclass
class Proc:
    wall_s: float
    rss_mb: float
    returncode: int | None
    killed: bool
    output_tail: str
    foreign_share: float | None = None  # share of the machine's CPU capacity used by other processes
    out_of_memory: bool = False


CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
NCPU = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


MIN_AVAILABLE_MB = 1500


def mem_available_mb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("inf")


def cpu_busy_s() -> float | None:
    """CPU seconds the whole machine has been busy (all cores; /proc/stat), None if unknown."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def wait_for_quiet(max_wait_s: float, threshold: float, log: Any) -> float:
    """Wait (at most `max_wait_s`) until other processes use less than `threshold` of the CPUs over
    one second; returns the share measured last. Measurements on a shared machine are otherwise
    distorted by whatever else runs."""
    if max_wait_s <= 0:
        return 0.0
    deadline = time.monotonic() + max_wait_s
    said = False
    while True:
        a = cpu_busy_s()
        time.sleep(1.0)
        b = cpu_busy_s()
        if a is None or b is None:
            return 0.0
        share = (b - a) / NCPU
        if share < threshold or time.monotonic() > deadline:
            if said:
                log(f"    (machine quiet again: {share:.0%} busy)")
            return share
        if not said:
            log(f"    (waiting for other processes: machine {share:.0%} busy)")
            said = True


def run_process(argv: list[str], hard_timeout_s: float | None, log_file: Path,
                env: dict[str, str] | None = None) -> Proc:
    """Run `argv`; wall time from spawn to exit, peak RSS from the child's own rusage (os.wait4)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("wb") as out:
        busy_before = cpu_busy_s()
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env if env is not None else CHILD_ENV, cwd=str(CHILD_CWD[0]),
                                start_new_session=True)
        box: dict[str, Any] = {}

        def reap() -> None:
            _, status, usage = os.wait4(proc.pid, 0)
            box.update(ended=time.perf_counter(), status=status, usage=usage)

        reaper = threading.Thread(target=reap, daemon=True)
        reaper.start()
        deadline = None if hard_timeout_s is None else started + hard_timeout_s
        killed = out_of_memory = False
        while reaper.is_alive():
            reaper.join(1.0)
            if not reaper.is_alive():
                break
            # a safety valve on a shared machine: rather stop the measured process than let the
            # kernel's OOM killer pick a victim
            out_of_memory = mem_available_mb() < MIN_AVAILABLE_MB
            if out_of_memory or (deadline is not None and time.perf_counter() > deadline):
                killed = True
                with _suppress():
                    os.killpg(proc.pid, signal.SIGKILL)
                reaper.join()
        proc.returncode = os.waitstatus_to_exitcode(box["status"])  # reaped: Popen must not wait again
    busy_after = cpu_busy_s()
    wall = box["ended"] - started
    foreign = None
    if busy_before is not None and busy_after is not None and wall > 0.5:
        own = box["usage"].ru_utime + box["usage"].ru_stime
        foreign = max(0.0, (busy_after - busy_before - own) / (wall * NCPU))
    text = log_file.read_text(encoding="utf-8", errors="replace")
    if out_of_memory:
        text += f"\nstopped by the benchmark: less than {MIN_AVAILABLE_MB} MB of memory left on the machine"
    return Proc(wall_s=wall, rss_mb=box["usage"].ru_maxrss / 1024.0,
                returncode=proc.returncode, killed=killed, output_tail=text[-2000:], foreign_share=foreign,
                out_of_memory=out_of_memory)


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], ProcessLookupError)  # type: ignore[arg-type]


@dataclass
class Run:
    """One measured run of one step."""

    step: str
    status: str  # ok | timeout | error
    seconds: float | None  # the step itself (inside the worker), or the process wall for commands
    wall_s: float
    rss_mb: float
    info: dict[str, Any] = field(default_factory=dict)
    digest: Any = None
    error: str = ""
    foreign_share: float | None = None
    retried: int = 0


class Runner:
    def __init__(self, args: argparse.Namespace, data: Path, log: Any) -> None:
        self.args = args
        self.data = data
        self.log = log
        self.results_dir = data / "results"
        self.tmp = data / "tmp"
        self.counter = 0

    def worker(self, step: str, wargs: dict[str, Any], *, soft_timeout_s: float | None,
               hard_timeout_s: float | None, env: dict[str, str] | None = None) -> Run:
        self.counter += 1
        result = self.results_dir / f"{self.counter:04d}-{step}.json"
        result.unlink(missing_ok=True)
        spec = {"step": step, "args": wargs, "result": str(result), "timeout_s": soft_timeout_s}
        argv = [sys.executable, str(WORKER), json.dumps(spec)]
        return self._retry_noisy(lambda: self._worker_once(step, argv, result, hard_timeout_s, env))

    def _worker_once(self, step: str, argv: list[str], result: Path, hard_timeout_s: float | None,
                     env: dict[str, str] | None) -> Run:
        result.unlink(missing_ok=True)
        proc = run_process(argv, hard_timeout_s, result.with_suffix(".log"), env=env)
        if result.exists():
            out = json.loads(result.read_text(encoding="utf-8"))
            result.unlink()  # digests can be large; what is needed is kept in memory
            status = "timeout" if out.get("timeout") else "ok"
            where = out.get("procesflow_path")
            expected = CHILD_ENV.get("PYTHONPATH")
            if where and expected and not where.startswith(expected):
                return Run(step, "error", None, proc.wall_s, proc.rss_mb,
                           error=f"measured {where}, not the code snapshot in {expected}")
            rss = out.get("peak_rss_mb") or proc.rss_mb  # the worker's own VmHWM, else rusage
            return Run(step, status, out["seconds"], proc.wall_s, rss, out.get("info") or {},
                       out.get("digest"), foreign_share=proc.foreign_share)
        status = "timeout" if proc.killed and not proc.out_of_memory else "error"
        return Run(step, status, None, proc.wall_s, proc.rss_mb, error=proc.output_tail.strip()[-600:],
                   foreign_share=proc.foreign_share)

    def _retry_noisy(self, once: Any) -> Run:
        """Run after the machine is quiet; run again (at most --retries times) when other processes
        took more than --noise-limit of the CPUs meanwhile. The least disturbed run is kept."""
        args = self.args
        runs: list[Run] = []
        for attempt in range(args.retries + 1):
            wait_for_quiet(args.quiet_wait_s, args.noise_limit, self.log)
            run = once()
            run.retried = attempt
            runs.append(run)
            if run.status != "ok" or run.foreign_share is None or run.foreign_share <= args.noise_limit:
                return run
            self.log(f"    ({run.step}: other processes used {run.foreign_share:.0%} of the CPUs; "
                     f"{'running it again' if attempt < args.retries else 'kept, flagged'})")
        return min(runs, key=lambda r: r.foreign_share if r.foreign_share is not None else 1.0)

    def command(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Run:
        self.counter += 1

        def once() -> Run:
            proc = run_process(argv, 300, self.results_dir / f"{self.counter:04d}-{name}.log", env=env)
            status = "ok" if proc.returncode == 0 else "error"
            return Run(name, status, proc.wall_s, proc.wall_s, proc.rss_mb, error="" if status == "ok"
                       else proc.output_tail.strip()[-600:], foreign_share=proc.foreign_share)

        return self._retry_noisy(once)


# -- the measurements -----------------------------------------------------------------------------------
def measure_startup(runner: Runner, repeat: int) -> dict[str, list[Run]]:
    """`procesflow --help`, `import pm4py` and the bare interpreter, interleaved."""
    exe = str(procesflow_exe())
    cmds = {
        "python": [sys.executable, "-c", "pass"],
        "procesflow_help": [exe, "--help"],
        "import_pm4py": [sys.executable, "-c", "import pm4py"],
    }
    env = {**CHILD_ENV, "PM4PY_SHOW_PROGRESS_BAR": "False"}
    runs: dict[str, list[Run]] = {k: [] for k in cmds}
    for _ in range(repeat + 1):  # the first round warms the file cache and is dropped
        for key, argv in cmds.items():
            runs[key].append(runner.command(key, argv, env=env))
    return {k: v[1:] for k, v in runs.items()}


def measure_size(runner: Runner, ds: Dataset) -> dict[str, Any]:
    args = runner.args
    pm_source = str(ds.parquet if args.pm4py_source == "parquet" else ds.csv)
    store = {"db": str(ds.store), "log": ds.log_name}
    tmp = runner.tmp
    tmp.mkdir(parents=True, exist_ok=True)
    pm_env = {**CHILD_ENV, "PM4PY_SHOW_PROGRESS_BAR": "False"}
    soft = args.timeout_s
    hard_pm = args.timeout_s + args.prep_allowance_s
    hard_pf = args.pf_timeout_s

    tasks: list[tuple[str, str, str, dict[str, Any]]] = []  # (row, side, step, worker args)
    for row, _, pf_step, pm_step in PAIRS:
        if not selected(args, row):
            continue
        if row == "load_csv":
            pf_args = {"source": str(ds.csv), "db": str(tmp / "import-csv.duckdb"), "name": ds.log_name}
            pm_args = {"source": str(ds.csv)}
        elif row == "load_parquet":
            pf_args = {"source": str(ds.parquet), "db": str(tmp / "import-parquet.duckdb"), "name": ds.log_name}
            pm_args = {"source": str(ds.parquet)}
        else:
            pf_args, pm_args = dict(store), {"source": pm_source}
        if pf_step:
            tasks.append((row, "pf", pf_step, pf_args))
        if pm_step:
            tasks.append((row, "pm", pm_step, pm_args))
    for fmt, source in (("csv", ds.csv), ("parquet", ds.parquet)):
        row = f"discover_{fmt}"
        if selected(args, row):
            tasks.append((row, "pf", "pf_discover", {"source": str(source), "db": str(tmp / f"discover-{fmt}.duckdb"),
                                                     "out": str(tmp / f"discover-{fmt}-out")}))

    runs: dict[tuple[str, str], list[Run]] = {}
    skipped: set[tuple[str, str]] = set()
    for rep in range(args.repeat):
        # interleaved: each procesflow step next to its pm4py counterpart; the order of the pair
        # alternates between repeats so that slow drift (thermal, page cache) does not favour a side
        ordered = list(tasks)
        if rep % 2 == 1:
            ordered = _swap_pairs(ordered)
        for row, side, step, wargs in ordered:
            key = (row, side)
            if key in skipped:
                continue
            started = time.perf_counter()
            if side == "pm":
                run = runner.worker(step, wargs, soft_timeout_s=soft, hard_timeout_s=hard_pm, env=pm_env)
            else:
                run = runner.worker(step, wargs, soft_timeout_s=None, hard_timeout_s=hard_pf)
            runs.setdefault(key, []).append(run)
            runner.log(f"  {ds.label} rep {rep + 1}/{args.repeat} {row:16s} {side} {step:22s} "
                       f"{_fmt_run(run)}  ({time.perf_counter() - started:.1f} s)")
            if run.status == "timeout":
                skipped.add(key)  # reported as "> N s"; not repeated
            if run.status == "error":
                runner.log(f"    error: {run.error}")
        for path in tmp.glob("*"):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    breakdown = None
    if args.breakdown and selected(args, "breakdown"):
        run = runner.worker("pf_analyse_breakdown", dict(store), soft_timeout_s=None, hard_timeout_s=hard_pf)
        runner.log(f"  {ds.label} metrics breakdown: {_fmt_run(run)} {run.info.get('parts', '')}")
        breakdown = run
    return {"runs": runs, "breakdown": breakdown}


SMOKE_SKIPS = ("discover_parquet", "conformance")  # keeps --smoke well under a minute and a half


def selected(args: argparse.Namespace, row: str) -> bool:
    if args.smoke and row in SMOKE_SKIPS:
        return False
    return not args.only or row in args.only


def _swap_pairs(tasks: list[Any]) -> list[Any]:
    out: list[Any] = []
    i = 0
    while i < len(tasks):
        if i + 1 < len(tasks) and tasks[i][0] == tasks[i + 1][0]:
            out += [tasks[i + 1], tasks[i]]
            i += 2
        else:
            out.append(tasks[i])
            i += 1
    return out


def _fmt_run(run: Run) -> str:
    if run.status == "ok":
        other = f"  others {run.foreign_share:4.0%}" if run.foreign_share is not None else ""
        return f"{run.seconds:8.2f} s  wall {run.wall_s:7.2f} s  {run.rss_mb:7.0f} MB{other}"
    if run.status == "timeout":
        return f"   timeout  wall {run.wall_s:7.2f} s  {run.rss_mb:7.0f} MB"
    return f"     ERROR  wall {run.wall_s:7.2f} s"


# -- summarising --------------------------------------------------------------------------------------
@dataclass
class Cell:
    """Median of the successful runs of one step; `timeout` when it was stopped."""

    seconds: float | None = None
    wall_s: float | None = None
    rss_mb: float | None = None
    status: str = "missing"  # ok | timeout | error | missing
    n: int = 0

    @classmethod
    def of(cls, runs: list[Run] | None, bound: float | None = None) -> Cell:
        if not runs:
            return cls()
        ok = [r for r in runs if r.status == "ok"]
        if ok:
            return cls(statistics.median(r.seconds for r in ok), statistics.median(r.wall_s for r in ok),
                       statistics.median(r.rss_mb for r in ok), "ok", len(ok))
        timeouts = [r for r in runs if r.status == "timeout"]
        if timeouts:
            return cls(bound, None, max(r.rss_mb for r in timeouts), "timeout", 0)
        return cls(status="error")


def summarise(args: argparse.Namespace, datasets: list[Dataset], measured: dict[str, Any],
              startup: dict[str, list[Run]] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"sizes": []}
    if startup:
        out["startup"] = {k: Cell.of(v).__dict__ for k, v in startup.items()}
    for ds in datasets:
        m = measured[ds.label]
        runs: dict[tuple[str, str], list[Run]] = m["runs"]
        cell = {key: Cell.of(v, args.timeout_s if key[1] == "pm" else None) for key, v in runs.items()}
        if ("dfg", "pf") in cell:
            cell[("performance_dfg", "pf")] = cell[("dfg", "pf")]
        first_ok = {key: next((r for r in v if r.status == "ok"), None) for key, v in runs.items()}
        variants = (first_ok.get(("variants", "pf")) or Run("", "", None, 0, 0)).info.get("variants")
        gen = ds.stats.get("parquet", {})
        size: dict[str, Any] = {
            "label": ds.label, "events": gen.get("events"), "cases": gen.get("cases"), "variants": variants,
            "csv_mb": round(ds.stats.get("csv", {}).get("bytes", 0) / 1e6, 1),
            "parquet_mb": round(gen.get("bytes", 0) / 1e6, 1),
            "generate_s": {k: v.get("seconds") for k, v in ds.stats.items()},
            "rows": [], "discover": {}, "agreement": agreement(first_ok),
        }
        for row, label, _, _ in PAIRS:
            pf, pm = cell.get((row, "pf")), cell.get((row, "pm"))
            if pf is None and pm is None:
                continue
            size["rows"].append({"row": row, "label": label, "pf": (pf or Cell()).__dict__,
                                 "pm": (pm or Cell()).__dict__, "ratio": ratio(pm, pf)})
        startup_import = (out.get("startup") or {}).get("import_pm4py", {}).get("wall_s")
        for fmt in ("csv", "parquet"):
            key = (f"discover_{fmt}", "pf")
            if key not in runs:
                continue
            d = cell[key]
            ok = [r for r in runs[key] if r.status == "ok"]
            timings = {s: statistics.median(r.info["timings"].get(s, 0.0) for r in ok)
                       for s in DISCOVER_STEPS + DRAWING_STEPS} \
                if ok else {}
            parts = [cell.get((f"load_{fmt}", "pm"))] + [cell.get((r, "pm")) for r in PIPELINE[1:]]
            pipeline = pipeline_total(parts, startup_import)
            size["discover"][fmt] = {
                "wall_s": d.wall_s, "rss_mb": d.rss_mb, "status": d.status, "timings": timings,
                "pm4py_pipeline": pipeline,
                "ratio": (pipeline["seconds"] / d.wall_s) if d.wall_s and pipeline["seconds"] else None,
                "rss_ratio": (d.rss_mb / pipeline["rss_mb"]) if d.rss_mb and pipeline["rss_mb"] else None,
            }
        all_runs = [r for v in runs.values() for r in v]
        shares = [r.foreign_share for r in all_runs if r.foreign_share is not None]
        size["disturbance"] = {
            "runs": len(all_runs), "retried": sum(1 for r in all_runs if r.retried),
            "flagged": sum(1 for r in all_runs if (r.foreign_share or 0) > args.noise_limit),
            "median_other_share": statistics.median(shares) if shares else None,
            "max_other_share": max(shares) if shares else None,
        }
        bd = m.get("breakdown")
        size["breakdown"] = bd.info.get("parts") if bd is not None and bd.status == "ok" else None
        out["sizes"].append(size)
    out["targets"] = targets(out)
    return out


def ratio(pm: Cell | None, pf: Cell | None) -> dict[str, Any] | None:
    if not pm or not pf or pf.status != "ok" or not pf.seconds or pm.status not in ("ok", "timeout"):
        return None
    return {"value": pm.seconds / pf.seconds, "lower_bound": pm.status == "timeout"}


def pipeline_total(parts: list[Cell | None], import_s: float | None) -> dict[str, Any]:
    """Sum of the pm4py pipeline steps (+ import pm4py); a lower bound when a step timed out."""
    total = import_s or 0.0
    complete = import_s is not None
    lower = False
    rss = 0.0
    for c in parts:
        if c is None or c.status in ("missing", "error"):
            complete = False
            continue
        total += c.seconds or 0.0
        lower = lower or c.status == "timeout"
        rss = max(rss, c.rss_mb or 0.0)
    return {"seconds": total if parts else None, "complete": complete, "lower_bound": lower, "rss_mb": rss or None}


def agreement(first: dict[tuple[str, str], Run | None]) -> dict[str, Any]:
    """Do procesflow and pm4py compute the same things? (from the digests of the first good runs)"""
    def digest(row: str, side: str) -> Any:
        run = first.get((row, side))
        return run.digest if run is not None else None

    out: dict[str, Any] = {}
    pf_dfg, pm_dfg = digest("dfg", "pf"), digest("dfg", "pm")
    if pf_dfg and pm_dfg:
        out["dfg_counts_equal"] = pf_dfg["edges"] == pm_dfg["edges"]
        out["dfg_start_end_equal"] = pf_dfg["start"] == pm_dfg["start"] and pf_dfg["end"] == pm_dfg["end"]
        out["dfg_edges"] = len(pf_dfg["edges"])
    pm_perf = digest("performance_dfg", "pm")
    if pf_dfg and pm_perf:
        a, b = pf_dfg["mean_s"], pm_perf["mean_s"]
        out["performance_dfg_same_edges"] = set(a) == set(b)
        out["performance_dfg_max_rel_diff"] = max(
            (abs(a[k] - b[k]) / max(abs(b[k]), 1e-9) for k in set(a) & set(b)), default=0.0)
    pf_v, pm_v = digest("variants", "pf"), digest("variants", "pm")
    if pf_v and pm_v:
        out["variants_equal"] = pf_v["variants"] == pm_v["variants"]
        out["variants"] = len(pf_v["variants"])
    pf_im, pm_im = digest("inductive", "pf"), digest("inductive", "pm")
    if pf_im and pm_im:
        out["inductive_net_equal"] = pf_im["net"] == pm_im["net"]
    pf_tr, pm_tr = digest("token_replay", "pf"), digest("token_replay", "pm")
    if pf_tr and pm_tr:
        out["token_replay_max_abs_diff"] = max(abs(pf_tr[k] - pm_tr[k]) for k in pf_tr)
        out["token_replay_log_fitness"] = pm_tr["log_fitness"]
    pf_h, pm_h = digest("handover", "pf"), digest("handover", "pm")
    if pf_h and pm_h:
        a, b = pf_h["share"], pm_h["share"]
        out["handover_same_pairs"] = set(a) == set(b)
        out["handover_pairs"] = {"procesflow": len(a), "pm4py": len(b), "common": len(set(a) & set(b))}
        out["handover_max_abs_diff"] = max((abs(a[k] - b[k]) for k in set(a) & set(b)), default=0.0)
    return out


def targets(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, checked against this run (where the run has the data)."""
    out: list[dict[str, Any]] = []
    by = {s["label"]: s for s in summary["sizes"]}
    startup = summary.get("startup") or {}
    if "procesflow_help" in startup and startup["procesflow_help"]["wall_s"] is not None:
        t = startup["procesflow_help"]["wall_s"]
        out.append({"target": "`procesflow --help` ≤ 0.3 s", "measured": f"{t:.2f} s", "met": t <= 0.3})
    if "5M" in by:
        for fmt, d in by["5M"]["discover"].items():
            r = d.get("ratio")
            if r is not None:
                lb = "≥ " if d["pm4py_pipeline"]["lower_bound"] else ""
                out.append({"target": f"5M end-to-end ({fmt}) ≥ 10× faster than pm4py",
                            "measured": f"{lb}{r:.1f}×", "met": r >= 10})
            rr = d.get("rss_ratio")
            if rr is not None:
                out.append({"target": f"5M peak RSS ({fmt}) ≤ ½ of pm4py's",
                            "measured": f"{d['rss_mb']:.0f} MB vs {d['pm4py_pipeline']['rss_mb']:.0f} MB "
                                        f"({rr:.2f}×)", "met": rr <= 0.5})
    if "10M" in by:
        for fmt, d in by["10M"]["discover"].items():
            if d.get("wall_s") is not None:
                out.append({"target": f"10M end-to-end ({fmt}) ≤ 60 s", "measured": f"{d['wall_s']:.1f} s",
                            "met": d["wall_s"] <= 60})
                out.append({"target": f"10M peak RSS ({fmt}) ≤ 4 GB", "measured": f"{d['rss_mb'] / 1024:.2f} GB",
                            "met": d["rss_mb"] <= 4096})
    flat = flatness(summary)
    if flat:
        out.append(flat)
    return out


def flatness(summary: dict[str, Any]) -> dict[str, Any] | None:
    """Model discovery + token replay time per variant across sizes: flat when the largest/smallest
    ratio of time per variant stays below 2 (the number of variants itself grows with the log)."""
    points = []
    for s in summary["sizes"]:
        rows = {r["row"]: r for r in s["rows"]}
        im, tr = rows.get("inductive"), rows.get("token_replay")
        if not im or not tr or im["pf"]["status"] != "ok" or tr["pf"]["status"] != "ok" or not s["variants"]:
            continue
        points.append((s["label"], s["events"], s["variants"], im["pf"]["seconds"] + tr["pf"]["seconds"]))
    if len(points) < 2:
        return None
    per = [p[3] / p[2] * 1000 for p in points]
    spread = max(per) / min(per)
    text = ", ".join(f"{lbl}: {v:,} variants, {sec:.2f} s ({ms:.2f} ms/variant)"
                     for (lbl, _, v, sec), ms in zip(points, per, strict=True))
    return {"target": "model discovery + conformance flat in events once variants are known",
            "measured": text, "met": spread < 2}


# -- output -------------------------------------------------------------------------------------------------
def fmt_s(c: dict[str, Any], bound: float | None = None) -> str:
    if c["status"] == "ok":
        s = c["seconds"]
        return f"{s:.3f}" if s < 1 else f"{s:.2f}" if s < 100 else f"{s:.0f}"
    if c["status"] == "timeout":
        return f"> {c['seconds']:g} s"
    return c["status"]


def fmt_mb(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f} MB"


def fmt_ratio(r: dict[str, Any] | None) -> str:
    if not r:
        return "—"
    return f"{'> ' if r['lower_bound'] else ''}{r['value']:.1f}×"


def machine_info() -> dict[str, Any]:
    """CPUs, RAM and versions — from package metadata: importing pandas or duckdb here would make
    this process big, and a child's peak RSS starts from its parent's size at fork."""

    def version(pkg: str) -> str:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as v

        try:
            return v(pkg)
        except PackageNotFoundError:
            return "?"

    cpu = "?"
    with _suppress_os():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gb = None
    with _suppress_os():
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    return {
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": cpu, "ram_gb": ram_gb, "os": platform.platform(),
        "python": platform.python_version(), "duckdb": version("duckdb"), "pm4py": version("pm4py"),
        "pandas": version("pandas"), "pyarrow": version("pyarrow"), "procesflow": version("procesflow"),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "uncommitted_files": len((_git("status", "--porcelain", "--", "procesflow", "connectors", "rules") or "")
                                 .splitlines()),
    }


def _git(*args: str) -> str | None:
    """Read-only git queries (which code was measured)."""
    try:
        out = subprocess.run(["git", *args], cwd=str(REPO), capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


class _suppress_os:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], OSError)  # type: ignore[arg-type]


def markdown(summary: dict[str, Any], machine: dict[str, Any], command: str, args: argparse.Namespace) -> str:
    L: list[str] = []
    L.append("# procesflow vs pm4py: benchmark results\n")
    L.append(f"Produced by `{command}` on {machine['date']}.\n")
    L.append(f"Machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['ram_gb']} GB RAM, "
             f"{machine['os']}; Python {machine['python']}, DuckDB {machine['duckdb']}, pm4py {machine['pm4py']}, "
             f"pandas {machine['pandas']}, pyarrow {machine['pyarrow']}, procesflow {machine['procesflow']} "
             f"(commit {machine['commit']}"
             + (f", {machine['uncommitted_files']} uncommitted file(s) in procesflow/, connectors/, rules/"
                if machine["uncommitted_files"] else "")
             + (f"; measured on a frozen copy of that code, content hash {machine['code_snapshot']}"
                if machine.get("code_snapshot") else "") + ").\n")
    L.append(f"Medians of {args.repeat} run(s), each step in a fresh process, procesflow and pm4py interleaved. "
             "Step times are measured inside the worker and exclude its preparation (loading the dataframe, "
             "opening the store, computing the variants a miner needs); end-to-end times are the wall time of "
             "the whole process. Peak RSS is the process's maximum resident set size (`os.wait4`). "
             f"pm4py steps are stopped after {args.timeout_s:g} s. pm4py's analysis steps load the "
             f"{args.pm4py_source} file. Ratio = pm4py time / procesflow time.\n")
    startup = summary.get("startup")
    if startup:
        L.append("## Start-up\n")
        L.append("| command | wall s | peak RSS |")
        L.append("|---|---:|---:|")
        names = {"python": "`python -c pass` (interpreter alone)", "procesflow_help": "`procesflow --help`",
                 "import_pm4py": "`python -c \"import pm4py\"`"}
        for key, c in startup.items():
            L.append(f"| {names.get(key, key)} | {c['wall_s']:.3f} | {fmt_mb(c['rss_mb'])} |"
                     if c["status"] == "ok" else f"| {names.get(key, key)} | {c['status']} | — |")
        L.append("")
    L.append("## End-to-end: `procesflow discover` vs the pm4py pipeline\n")
    L.append("pm4py pipeline = import pm4py + load + DFG + performance DFG + variants + inductive miner + "
             "handover network + token replay (sum of the step medians); its peak RSS is that of the "
             "largest step process. `procesflow discover` does all of that and more (metrics, Lean rules, "
             "maps, charts, report) in one process on a fresh store.\n")
    L.append("| events | source | procesflow discover s | pm4py pipeline s | ratio | discover peak RSS | "
             "pm4py peak RSS | RSS ratio |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for s in summary["sizes"]:
        for fmt, d in s["discover"].items():
            p = d["pm4py_pipeline"]
            lb = "≥ " if p["lower_bound"] else ""
            wall = f"{d['wall_s']:.1f}" if d["wall_s"] is not None else d["status"]
            pipe = f"{lb}{p['seconds']:.1f}" if p["seconds"] is not None else "—"
            if not p["seconds"]:  # no pm4py step measured at this size (e.g. --only discover_*)
                pipe = "not run"
            elif not p["complete"]:
                pipe += " (incomplete)"
            rr = f"{d['rss_ratio']:.2f}" if d.get("rss_ratio") else "—"
            r = f"{lb}{d['ratio']:.1f}×" if d.get("ratio") else "—"
            L.append(f"| {s['events']:,} | {fmt} | {wall} | {pipe} | {r} | {fmt_mb(d['rss_mb'])} | "
                     f"{fmt_mb(p['rss_mb'])} | {rr} |")
    L.append("")
    L.append("## Steps\n")
    L.append("| events | step | procesflow s | pm4py s | ratio | procesflow peak RSS | pm4py peak RSS |")
    L.append("|---|---|---:|---:|---:|---:|---:|")
    for s in summary["sizes"]:
        for r in s["rows"]:
            L.append(f"| {s['label']} | {r['label']} | {fmt_s(r['pf'])} | {fmt_s(r['pm'])} | "
                     f"{fmt_ratio(r['ratio'])} | {fmt_mb(r['pf']['rss_mb'])} | {fmt_mb(r['pm']['rss_mb'])} |")
    L.append("")
    L.append("## `procesflow discover` per step (`DiscoverResult.timings`, seconds)\n")
    L.append("| events | source | " + " | ".join(DISCOVER_STEPS) + " | sum | process wall | peak RSS | "
             + " | ".join(f"{d} (beside rules)" for d in DRAWING_STEPS) + " |")
    L.append("|---|---|" + "---:|" * (len(DISCOVER_STEPS) + 3 + len(DRAWING_STEPS)))
    for s in summary["sizes"]:
        for fmt, d in s["discover"].items():
            t = d["timings"]
            if not t:
                continue
            cells = " | ".join(f"{t.get(k, 0.0):.2f}" for k in DISCOVER_STEPS)
            drawing = " | ".join(f"{t.get(k, 0.0):.2f}" for k in DRAWING_STEPS)
            L.append(f"| {s['label']} | {fmt} | {cells} | {sum(t.get(k, 0.0) for k in DISCOVER_STEPS):.2f} | "
                     f"{d['wall_s']:.2f} | {fmt_mb(d['rss_mb'])} | {drawing} |")
    L.append("")
    if any(s.get("breakdown") for s in summary["sizes"]):
        L.append("## Inside discover's metrics step (one run, seconds)\n")
        L.append("| events | " + " | ".join(BREAKDOWN_PARTS) + " |")
        L.append("|---|" + "---:|" * len(BREAKDOWN_PARTS))
        for s in summary["sizes"]:
            b = s.get("breakdown")
            if b:
                L.append(f"| {s['label']} | " + " | ".join(f"{b.get(k, float('nan')):.2f}" for k in BREAKDOWN_PARTS)
                         + " |")
        L.append("")
    L.append("## Logs\n")
    L.append("| label | events | cases | variants | CSV | Parquet | generated in (CSV, Parquet) |")
    L.append("|---|---:|---:|---:|---:|---:|---|")
    for s in summary["sizes"]:
        g = s["generate_s"]
        gen = ", ".join(f"{g[k]:.1f} s" for k in ("csv", "parquet") if g.get(k) is not None)
        L.append(f"| {s['label']} | {s['events']:,} | {s['cases']:,} | {s['variants'] or '—'} | "
                 f"{s['csv_mb']} MB | {s['parquet_mb']} MB | {gen} |")
    L.append("")
    L.append("## Other load on the machine\n")
    L.append(f"Before each run the script waits (up to {args.quiet_wait_s:g} s) until other processes use less "
             f"than {args.noise_limit:.0%} of the CPUs, and runs a step again (up to {args.retries} times) when "
             "they used more while it ran (CPU time of the machine minus the run's own, from /proc/stat).\n")
    L.append("| label | runs | re-run | still disturbed | median other load | max other load |")
    L.append("|---|---:|---:|---:|---:|---:|")
    for s in summary["sizes"]:
        d = s.get("disturbance") or {}
        if d:
            med = "—" if d["median_other_share"] is None else f"{d['median_other_share']:.1%}"
            mx = "—" if d["max_other_share"] is None else f"{d['max_other_share']:.1%}"
            L.append(f"| {s['label']} | {d['runs']} | {d['retried']} | {d['flagged']} | {med} | {mx} |")
    L.append("")
    L.append("## Agreement with pm4py\n")
    for s in summary["sizes"]:
        a = s["agreement"]
        if a:
            L.append(f"- {s['label']}: " + "; ".join(f"{k} = {_short(v)}" for k, v in a.items()))
    L.append("")
    if summary["targets"]:
        L.append("## Targets\n")
        L.append("| target | measured | met |")
        L.append("|---|---|---|")
        for t in summary["targets"]:
            L.append(f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else '**no**'} |")
        L.append("")
    return "\n".join(L)


def _short(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


# -- main -------------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", default="1M,5M,10M", help="comma-separated sizes, e.g. 100k,1M,5M,10M")
    p.add_argument("--repeat", type=int, default=3, help="runs per step (medians are reported)")
    p.add_argument("--timeout-s", type=float, default=600.0, help="time bound per pm4py step (reported as '> N s')")
    p.add_argument("--pf-timeout-s", type=float, default=3600.0, help="hard bound per procesflow process")
    p.add_argument("--prep-allowance-s", type=float, default=900.0,
                   help="extra time a pm4py process gets for loading before it is killed")
    p.add_argument("--out", type=Path, default=HERE / "RESULTS.md", help="Markdown report")
    p.add_argument("--json", type=Path, default=None, help="also write the summary as JSON here")
    p.add_argument("--data", type=Path, default=HERE / "data", help="cache of generated logs and stores")
    p.add_argument("--pm4py-source", choices=("parquet", "csv"), default="parquet",
                   help="file the pm4py analysis steps load (their load is not part of the step time)")
    p.add_argument("--only", type=lambda s: [x.strip() for x in s.split(",") if x.strip()], default=None,
                   help="run only these rows: load_csv,load_parquet,dfg,performance_dfg,variants,inductive,"
                        "handover,token_replay,conformance,discover_csv,discover_parquet,breakdown")
    p.add_argument("--no-breakdown", dest="breakdown", action="store_false",
                   help="skip the one-run breakdown of discover's metrics step")
    p.add_argument("--no-startup", dest="startup", action="store_false", help="skip --help / import pm4py")
    p.add_argument("--noise-limit", type=float, default=0.10,
                   help="a run during which other processes used more than this share of the CPUs is "
                        "run again (the machine may be shared)")
    p.add_argument("--retries", type=int, default=2, help="how often a disturbed run is repeated")
    p.add_argument("--quiet-wait-s", type=float, default=300.0,
                   help="before each run, wait at most this long for other processes to go quiet")
    p.add_argument("--no-snapshot", dest="snapshot", action="store_false",
                   help="measure the working tree as it is at each moment (default: a frozen copy of "
                        "procesflow/, connectors/ and rules/ taken at the start, in --data)")
    p.add_argument("--prepare-only", action="store_true",
                   help="generate the logs and stores in --data, measure nothing")
    p.add_argument("--smoke", action="store_true",
                   help="CI mode: 100k events, one run, no breakdown, discover from CSV only (checks completion and "
                        "agreement; timings are not targets at this size)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.smoke:  # completion and agreement only: no waiting for a quiet machine, no re-runs
        args.events, args.repeat, args.breakdown = "100k", 1, False
        args.timeout_s = min(args.timeout_s, 300.0)
        args.quiet_wait_s, args.retries = 0.0, 0
        args.snapshot = False  # CI checks the code as it is
    command = "python benchmarks/run.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None
                                                                              else sys.argv[1:]))
    data = args.data.resolve()
    data.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(msg, flush=True)

    sizes = [(size_label(parse_size(x)), parse_size(x)) for x in args.events.split(",") if x.strip()]
    machine = machine_info()
    if args.snapshot:
        root, key = snapshot_code(data)
        machine["code_snapshot"] = key
        log(f"measuring a frozen copy of the code: {root}")
    log(f"machine: {json.dumps(machine)}")
    runner = Runner(args, data, log)
    startup = measure_startup(runner, args.repeat) if args.startup and not args.prepare_only else None
    if startup:
        log("start-up: " + ", ".join(f"{k} {Cell.of(v).wall_s:.3f} s" for k, v in startup.items()
                                     if Cell.of(v).status == "ok"))
    datasets: list[Dataset] = []
    measured: dict[str, Any] = {}
    for label, n in sizes:
        ds = prepare_data(label, n, data, log)
        datasets.append(ds)
        log(f"{label}: {ds.stats['parquet']['events']:,} events, {ds.cases:,} cases")
        if not args.prepare_only:
            measured[label] = measure_size(runner, ds)
    if args.prepare_only:
        return 0
    summary = summarise(args, datasets, measured, startup)
    text = markdown(summary, machine, command, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    payload = {"command": command, "machine": machine, "summary": summary,
               "errors": [{"size": lbl, "row": k[0], "side": k[1], "error": r.error}
                          for lbl, m in measured.items() for k, v in m["runs"].items() for r in v
                          if r.status == "error"]}
    (data / "last-run.json").write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    print()
    print(text)
    return 1 if payload["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

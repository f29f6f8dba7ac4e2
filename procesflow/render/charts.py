"""Charts for the report: throughput time, variant Pareto, hand-off matrix, open cases over time.

Each chart is drawn from the plain data in metrics.json (no log needed), in English or Dutch, sized
for a slide, in the maps' calm palette, and written as SVG and PNG. The same input gives the same
bytes: no dates in the file metadata, a fixed SVG id salt, matplotlib's bundled DejaVu Sans with
text stored as outlines, and no pyplot global state (safe to call from threads and servers).

API::

    write_charts(folder, metrics, lang) -> {"throughput": charts/throughput.svg, ...}
    throughput_chart(folder, time_section, deadline_section, lang) -> [svg, png]   # and the others
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.collections
import matplotlib.patches
from matplotlib.colors import LinearSegmentedColormap, PowerNorm
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

from .text import T, fmt_count, fmt_date, fmt_duration, fmt_number, fmt_share, fmt_term, wrap

CHART_DIR = "charts"
CHART_NAMES = ("throughput", "variants", "handoffs", "wip")

# the maps' palette (maps.py): blues for volume, the waiting/defects colours for time and the term
INK = "#2c3e50"
MUTED = "#5d6d7e"
GRID = "#e5e8eb"
BAR = "#6baed6"          # frequency map's darkest fill
BAR_DARK = "#1f618d"     # WASTE_COLOURS["inventory"]
LATE = "#e3682f"         # performance map's heat colour
TERM = "#c0392b"         # WASTE_COLOURS["defects"]
OTHER = "#b8c2cc"
LIGHT = "#c6dbef"        # the rest after the vital few
DONE = "#1e8449"         # WASTE_COLOURS["skills"] green, for completions
HEAT = LinearSegmentedColormap.from_list("procesflow_blue", ["#f4f8fb", "#c6dbef", "#6baed6", "#1f618d", "#0b3c5d"])

PNG_DPI = 150
MIN_WIP_DAYS = 14  # open cases over fewer days say nothing
STYLE = {
    "font.family": "DejaVu Sans",  # bundled with matplotlib: the same glyphs, hence bytes, everywhere
    "font.size": 12,
    "axes.titlesize": 17,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 14,
    "axes.labelsize": 13,
    "axes.labelcolor": INK,
    "axes.edgecolor": "#aab7b8",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "text.color": INK,
    "legend.fontsize": 11,
    "legend.frameon": False,
    "svg.fonttype": "path",
    "svg.hashsalt": "procesflow",
    "path.simplify": True,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}


def _styled(draw: Callable[..., list[Path]]) -> Callable[..., list[Path]]:
    """Run a chart function with the house style (rcParams are read when artists are created)."""

    @functools.wraps(draw)
    def run(*args: Any, **kwargs: Any) -> list[Path]:
        with matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)

    return run


def write_charts(folder: Path | str, metrics: dict[str, Any], lang: str = "en") -> dict[str, Path]:
    """Draw every chart the metrics allow into `folder`/charts/ as <name>.svg and <name>.png.

    Returns {name: svg path, name + "_png": png path} for the charts drawn; a chart without data
    (e.g. no departments, no variants) is left out rather than drawn empty."""
    out = Path(folder) / CHART_DIR
    out.mkdir(parents=True, exist_ok=True)
    drawn: dict[str, Path] = {}
    jobs = {
        "throughput": lambda: throughput_chart(out, metrics.get("time") or {}, metrics.get("deadline") or {}, lang),
        "variants": lambda: variants_chart(out, metrics.get("variants") or {}, (metrics.get("log") or {}).get("cases"),
                                           lang),
        "handoffs": lambda: handoff_chart(out, (metrics.get("handoffs") or {}).get("matrix") or [], lang,
                                          level=(metrics.get("handoffs") or {}).get("level", "department")),
        "wip": lambda: wip_chart(out, (metrics.get("time") or {}).get("wip") or {}, lang),
    }
    for name, job in jobs.items():
        paths = job()
        if paths:
            drawn[name], drawn[f"{name}_png"] = paths
    return drawn


# -- throughput histogram ----------------------------------------------------------------------------
@_styled
def throughput_chart(folder: Path, time_section: dict[str, Any], deadline: dict[str, Any],
                     lang: str = "en") -> list[Path]:
    """Histogram of throughput time with the statutory term as a line and the share within it."""
    t = T[lang]
    through = time_section.get("throughput") or {}
    hist = through.get("histogram") or {}
    edges, counts = hist.get("edges") or [], hist.get("counts") or []
    if not counts:
        return []
    term_s = deadline.get("term_s") if deadline.get("computed") else None
    span_s = max(edges[-1], term_s or 0.0, 60.0)  # at least a minute: one-moment cases still get an axis
    unit, scale = _time_unit(span_s)
    left = [e / scale for e in edges[:-1]]
    widths = [max(b - a, span_s / 100) / scale for a, b in zip(edges[:-1], edges[1:], strict=True)]
    colours = [LATE if term_s is not None and a >= term_s else BAR for a in edges[:-1]]

    fig, ax = _figure(10.5, 5.6)
    ax.bar(left, counts, width=widths, align="edge", color=colours, edgecolor="white", linewidth=0.8, zorder=2)
    top = max(counts)
    for x, w, n in zip(left, widths, counts, strict=True):
        if n:
            ax.text(x + w / 2, n + top * 0.012, fmt_count(n, lang), ha="center", va="bottom", fontsize=9.5,
                    color=MUTED)
    ax.set_ylim(0, top * 1.22)
    ax.set_xlim(min(0.0, left[0]), span_s / scale * 1.03)
    ax.set_xlabel(t["chart_throughput_x"].format(unit=t[f"unit_{unit}"]))
    ax.set_ylabel(t["chart_cases"])
    _count_axis(ax.yaxis, lang)
    _time_ticks(ax, span_s / scale, unit)
    ax.grid(axis="y", color=GRID, zorder=0)

    median = through.get("median")
    message = []
    if median is not None:
        x = median / scale
        message.append(t["chart_median"].format(value=fmt_duration(median, lang, words=True)))
        right_side = x < 0.25 * span_s / scale
        ax.axvline(x, color=MUTED, linestyle=":", linewidth=1.4, zorder=3)
        y = top * (1.1 if term_s is not None and median > term_s else 1.2)
        ax.text(x, y, (" " + message[0]) if right_side else (message[0] + " "), ha="left" if right_side
                else "right", va="top", fontsize=11, color=MUTED)
        if through.get("p90") is not None:
            message.append(t["chart_p90"].format(value=fmt_duration(through["p90"], lang, words=True)))
    if term_s is not None:
        x = term_s / scale
        ax.axvline(x, color=TERM, linewidth=2.2, zorder=4)
        label = t["chart_term"].format(term=fmt_term(term_s, lang))
        ax.text(x, top * 1.2, " " + label, ha="left", va="top", fontsize=11.5, color=TERM, fontweight="bold")
        share = (deadline.get("decided") or {}).get("share_within_term")
        if share is not None:
            message.append(t["chart_within_term"].format(share=fmt_share(share, lang)))
    _titles(ax, t["chart_throughput"], " · ".join(message))
    return _save(fig, folder, "throughput")


# -- variant Pareto ----------------------------------------------------------------------------------
@_styled
def variants_chart(folder: Path, variants: dict[str, Any], cases: int | None = None, lang: str = "en",
                   top_n: int = 20) -> list[Path]:
    """Cases per variant (most frequent first) as bars, the cumulative share as a line, an 80% line,
    and one grey bar for all other variants."""
    t = T[lang]
    top = list(variants.get("top") or [])[:top_n]
    if not top:
        return []
    total_variants = int(variants.get("count") or len(top))
    counts = [int(v["cases"]) for v in top]
    cum = [float(v["cumulative_share"]) for v in top]
    total_cases = int(cases) if cases else round(counts[0] / top[0]["share"]) if top[0].get("share") else sum(counts)
    rest_variants = total_variants - len(top)
    rest_cases = max(total_cases - sum(counts), 0)
    labels = [str(v["rank"]) for v in top]
    colours = [BAR] * len(top)
    if rest_variants > 0 and rest_cases > 0:
        counts.append(rest_cases)
        cum.append(1.0)
        labels.append(t["chart_variants_other"].format(n=fmt_count(rest_variants, lang)))
        colours.append(OTHER)

    reach = next((i for i, c in enumerate(cum[:len(top)]) if c >= 0.8 - 1e-9), None)
    if reach is not None:  # the "vital few" in full colour, the rest lighter
        colours = [BAR if i <= reach else LIGHT if i < len(top) else OTHER for i in range(len(counts))]
        note = t["chart_variants_reach"].format(k=reach + 1)
    else:
        note = t["chart_variants_noreach"].format(k=len(top), n=fmt_count(total_variants, lang),
                                                  share=fmt_share(cum[len(top) - 1], lang))

    fig, ax = _figure(10.5, 5.6)
    xs = list(range(len(counts)))
    ax.bar(xs, counts, color=colours, width=0.72, zorder=2)
    ax.set_xticks(xs, labels)
    ax.set_xlim(-0.7, len(xs) - 0.3)
    ax.set_ylim(0, max(counts) * 1.08)
    _titles(ax, t["chart_variants"], note)
    ax.set_xlabel(t["chart_variants_x"])
    ax.set_ylabel(t["chart_cases"])
    _count_axis(ax.yaxis, lang)
    ax.grid(axis="y", color=GRID, zorder=0)
    if len(xs) > 12:
        for label in ax.get_xticklabels():
            label.set_fontsize(10)

    ax2 = ax.twinx()
    ax2.spines["right"].set_visible(True)
    ax2.axhline(0.8, color=TERM, linestyle="--", linewidth=1.3, zorder=1)
    ax2.plot(xs, cum, color=BAR_DARK, linewidth=2.2, marker="o", markersize=4.5, zorder=5)
    if reach is not None:
        ax2.plot([reach], [cum[reach]], marker="o", markersize=9, markerfacecolor="none", markeredgecolor=TERM,
                 markeredgewidth=2, zorder=6)
    ax2.set_ylim(0, 1.08)
    ax2.yaxis.set_major_locator(MultipleLocator(0.2))
    ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_share(v, lang, 0)))
    ax2.set_ylabel(t["chart_variants_y2"], color=BAR_DARK)
    ax2.tick_params(axis="y", colors=BAR_DARK)
    for tick in ax2.get_yticklabels():
        if tick.get_text() == fmt_share(0.8, lang, 0):
            tick.set_color(TERM)
            tick.set_fontweight("bold")
    return _save(fig, folder, "variants")


# -- hand-off matrix ---------------------------------------------------------------------------------
@_styled
def handoff_chart(folder: Path, matrix: Sequence[dict[str, Any]], lang: str = "en",
                  level: str = "department") -> list[Path]:
    """Heatmap of hand-offs between departments (rows: from, columns: to), busiest first, counts in
    the cells, the diagonal (work staying within a department) in grey. `level="resource"`: the
    matrix is between (pseudonymised) people."""
    t = T[lang]
    people = "" if level == "department" else "_people"
    rows = [r for r in matrix if r.get("from") is not None and r.get("to") is not None]
    if not rows or not any(r.get("handoff") for r in rows):
        return []
    volume: dict[str, int] = {}
    for r in rows:
        for key in ("from", "to"):
            volume[r[key]] = volume.get(r[key], 0) + int(r["count"])
    depts = sorted(volume, key=lambda d: (-volume[d], d))
    n = len(depts)
    index = {d: i for i, d in enumerate(depts)}
    grid = [[0] * n for _ in range(n)]
    for r in rows:
        grid[index[r["from"]]][index[r["to"]]] += int(r["count"])
    hand_max = max([grid[i][j] for i in range(n) for j in range(n) if i != j] + [1])

    cell = 0.62 if n <= 10 else 0.5
    label_w = 2.3
    width = max(8.5, label_w + n * cell + 0.8)
    height = max(5.5, 2.3 + n * cell + 1.3)
    fig, ax = _figure(width, height)
    norm = PowerNorm(gamma=0.5, vmin=0, vmax=hand_max)
    cells, faces = [], []
    for i in range(n):
        for j in range(n):
            value = grid[i][j]
            if i == j:
                face, text_colour = "#eceff1", "#95a5a6"
            elif value:
                face = HEAT(norm(value))
                text_colour = "white" if norm(value) > 0.55 else INK
            else:
                face, text_colour = "white", None
            cells.append(matplotlib.patches.Rectangle((j - 0.5, i - 0.5), 1, 1))
            faces.append(face)
            if value and text_colour:
                size = 10.5 if n <= 8 else 9 if n <= 12 else 7.5
                ax.text(j, i, fmt_count(value, lang), ha="center", va="center", fontsize=size, color=text_colour,
                        fontstyle="italic" if i == j else "normal")
    # one collection, not a patch per cell: 47 people (2,209 cells) took 7.7 s as patches
    ax.add_collection(matplotlib.collections.PatchCollection(cells, facecolors=faces, edgecolors="white",
                                                             linewidths=1.5, zorder=1))
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_aspect("equal")
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    size = 11 if n <= 10 else 9.5
    rotate = n > 4 or max(len(d) for d in depts) > 12
    ax.set_xticks(range(n), [_short(d, 30) for d in depts], rotation=40 if rotate else 0,
                  ha="right" if rotate else "center", rotation_mode="anchor", fontsize=size)
    ax.set_yticks(range(n), [wrap(_short(d, 40), 22, break_long_words=False) for d in depts], fontsize=size)
    ax.tick_params(length=0, colors=INK)
    ax.set_xlabel(t["chart_handoffs_to" + people], labelpad=10)
    ax.set_ylabel(t["chart_handoffs_from" + people], labelpad=10)
    note_width = int(max(n * cell, width - label_w) * 10)
    _titles(ax, t["chart_handoffs" + people], wrap(t["chart_handoffs_note"], note_width, False))
    return _save(fig, folder, "handoffs")


# -- open cases over time ----------------------------------------------------------------------------
@_styled
def wip_chart(folder: Path, wip: dict[str, Any], lang: str = "en") -> list[Path]:
    """Open cases per day (area) and, below, cases started and completed per week."""
    t = T[lang]
    series = wip.get("open_by_day") or []
    first = wip.get("first_day")
    if len(series) < MIN_WIP_DAYS or not first:
        return []
    day0 = date.fromisoformat(first)
    xs = list(range(len(series)))
    weeks = wip.get("weeks") or []
    if len(weeks) < 4:  # a flow per week needs some weeks to say anything
        weeks = []
    fig = Figure(figsize=(10.5, 6.4 if weeks else 5.0), layout="constrained")
    if weeks:
        ax, ax2 = fig.subplots(2, 1, sharex=True, height_ratios=[2.2, 1])
    else:
        ax, ax2 = fig.subplots(1, 1), None
    ax.fill_between(xs, series, step="mid", color="#c6dbef", linewidth=0, zorder=2)
    ax.step(xs, series, where="mid", color=BAR_DARK, linewidth=1.3, zorder=3)
    peak = int(wip.get("max_open") or max(series))
    ax.set_ylim(0, peak * 1.18)
    ax.set_ylabel(t["chart_wip_y"])
    peak_day = wip.get("max_open_day")
    mean = wip.get("mean_open")
    _titles(ax, t["chart_wip"], t["chart_wip_note"].format(
        mean=fmt_count(mean, lang) if mean is not None else "–", max=fmt_count(peak, lang),
        date=fmt_date(peak_day, lang)) if peak_day else "")
    _count_axis(ax.yaxis, lang)
    ax.grid(axis="y", color=GRID, zorder=0)
    if peak_day:
        px = (date.fromisoformat(peak_day) - day0).days
        ax.plot([px], [peak], marker="o", color=BAR_DARK, markersize=6, zorder=4)
        ax.annotate(fmt_count(peak, lang), xy=(px, peak), xytext=(0, 7), textcoords="offset points", fontsize=11,
                    color=INK, ha="center")
    if ax2 is not None:
        wx = [(date.fromisoformat(w["week_start"]) - day0).days + 3.5 for w in weeks]
        ax2.plot(wx, [w["arrivals"] for w in weeks], color=BAR_DARK, linewidth=1.8, label=t["chart_arrivals"])
        ax2.plot(wx, [w["completions"] for w in weeks], color=DONE, linewidth=1.8, linestyle="--",
                 label=t["chart_completions"])
        ax2.set_ylabel(t["chart_flow_y"])
        ax2.set_ylim(0, max([w["arrivals"] for w in weeks] + [w["completions"] for w in weeks] + [1]) * 1.25)
        _count_axis(ax2.yaxis, lang)
        ax2.yaxis.set_major_locator(MaxNLocator(4, integer=True))
        ax2.grid(axis="y", color=GRID, zorder=0)
        ax2.legend(loc="upper left", ncols=2, handlelength=2.2)
    bottom = ax2 if ax2 is not None else ax
    bottom.set_xlim(-0.5, len(series) - 0.5)
    _date_ticks(bottom, day0, len(series), lang)
    return _save(fig, folder, "wip")


# -- helpers -----------------------------------------------------------------------------------------
def _titles(ax: Any, title: str, subtitle: str = "") -> None:
    """A bold title and, below it, a one-line message in grey, both flush with the plot's left edge."""
    if subtitle:
        ax.set_title(title, pad=14 + 17 * (subtitle.count("\n") + 1))
        ax.text(0, 1.02, subtitle, transform=ax.transAxes, ha="left", va="bottom", fontsize=12.5, color=MUTED,
                linespacing=1.25)
    else:
        ax.set_title(title)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _figure(width: float, height: float) -> tuple[Figure, Any]:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def _save(fig: Figure, folder: Path, name: str) -> list[Path]:
    """Write <name>.svg and <name>.png; identical input gives identical bytes."""
    paths = [folder / f"{name}.svg", folder / f"{name}.png"]
    fig.savefig(paths[0], format="svg", metadata={"Date": None, "Creator": "procesflow"})
    # the layout the SVG was drawn with holds for the PNG (it is computed in inches, not pixels):
    # frozen, the second drawing skips the constrained-layout solver, a third of a chart's time
    fig.set_layout_engine("none")
    fig.savefig(paths[1], format="png", dpi=PNG_DPI, metadata={"Software": "procesflow"})
    return paths


def _time_unit(span_s: float) -> tuple[str, float]:
    if span_s < 2 * 86400:
        return "hours", 3600.0
    if span_s > 730 * 86400:
        return "weeks", 604800.0
    return "days", 86400.0


def _time_ticks(ax: Any, span: float, unit: str) -> None:
    """Ticks at whole weeks when the axis is in days (statutory terms are in weeks)."""
    if unit == "days" and span >= 14:
        step = 7 * max(1, math.ceil(span / 7 / 12))
        ax.xaxis.set_major_locator(MultipleLocator(step))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(10, integer=True))


def _count_axis(axis: Any, lang: str) -> None:
    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True, min_n_ticks=3))
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt_count(v, lang) if v == int(v) else fmt_number(v, 1, lang)))


def _date_ticks(ax: Any, day0: date, days: int, lang: str) -> None:
    """Month ticks (every 1, 2, 3, 6 or 12 months to keep about 10), labelled 'okt' with the year in January."""
    months = T[lang]["months"].split()
    total_months = days / 30.4
    every = next((m for m in (1, 2, 3, 6, 12) if total_months / m <= 12), 24)
    ticks, labels = [], []
    d = date(day0.year, day0.month, 1)
    if d < day0:
        d = _add_months(d, 1)
    end = day0 + timedelta(days=days)
    while d <= end:
        if (d.month - 1) % every == 0:
            ticks.append((d - day0).days)
            labels.append(f"{months[d.month - 1]}\n{d.year}" if d.month == 1 or not ticks[:-1] else months[d.month - 1])
        d = _add_months(d, 1)
    if days < 62:  # a short log: weekly ticks with day and month
        ticks = list(range(0, days, 7))
        labels = [fmt_date((day0 + timedelta(days=x)).isoformat(), lang).rsplit(" ", 1)[0] for x in ticks]
    ax.set_xticks(ticks, labels)


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)

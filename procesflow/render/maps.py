"""Annotated process maps: frequency, performance and findings, as DOT for Graphviz.

A map an analyst can paste into a proposal: readable size (large processes are abstracted to about
35 activities and the map says what was hidden), edge width by frequency, durations in hours and
days, departments as colours, and — on the findings map — rework loops, ping-pong edges and
bottlenecks highlighted with numbered callouts keyed to the findings list. The same input always
gives the same DOT text, hence the same layout. Resource (person) names never appear.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..discovery.dfg import DFG
from .text import T, fmt_count, fmt_duration, wrap

WASTE_COLOURS = {
    "defects": "#c0392b",
    "transport": "#7d3c98",
    "waiting": "#d35400",
    "overprocessing": "#9a7d0a",
    "motion": "#117a65",
    "inventory": "#1f618d",
    "skills": "#1e8449",
    "overproduction": "#566573",
}
# soft, distinguishable fills for departments (ColorBrewer Pastel1 + Set3, colour-blind friendly order)
DEPARTMENT_FILLS = ["#b3cde3", "#ccebc5", "#fed9a6", "#decbe4", "#ffffcc", "#e5d8bd", "#fddaec",
                    "#8dd3c7", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#d9d9d9"]
NEUTRAL_FILL = "#e8eef5"
FONT = "Arimo"  # metric-compatible with Arial; bundled with graphviz-pure
# for SVG shown in a browser, where Arimo is usually not installed: metric-compatible fallbacks
BROWSER_FONTS = "Arimo, 'Liberation Sans', Arial, Helvetica, sans-serif"


def svg_for_browser(svg: str, fit_width: bool = False) -> str:
    """A map's SVG for a browser or notebook: fonts with fallbacks of the same width, and (with
    `fit_width`) scaled to the width of its container instead of its drawn size."""
    import re

    svg = svg.replace('font-family="Arimo"', f'font-family="{BROWSER_FONTS}"')
    if fit_width:
        svg = re.sub(r'<svg width="[^"]*" height="[^"]*"', '<svg width="100%"', svg, count=1)
    return svg


@dataclass
class MapInput:
    """What a map shows. `nodes`: activity, count, cases, median_wait_s, department."""

    dfg: DFG
    nodes: pd.DataFrame
    cases: int
    hidden_activities: list[tuple[str, int]] = field(default_factory=list)
    title: str = ""


def frequency_map(data: MapInput, lang: str = "en") -> str:
    return _build(data, "frequency", [], lang)


def performance_map(data: MapInput, lang: str = "en") -> str:
    return _build(data, "performance", [], lang)


def findings_map(data: MapInput, findings: Sequence[dict[str, Any]], lang: str = "en") -> str:
    return _build(data, "findings", list(findings), lang)


def _build(data: MapInput, kind: str, findings: list[dict[str, Any]], lang: str) -> str:
    t = T[lang]
    dfg = data.dfg
    nodes = data.nodes.set_index("activity")
    activities = sorted(set(dfg.activities["activity"]))
    max_count = max([int(nodes.loc[a, "count"]) for a in activities] + [1])
    max_edge = max([int(c) for c in dfg.edges["count"]] + list(dfg.start.values()) + [1])
    waits = [w for w in nodes["median_wait_s"].dropna()] if "median_wait_s" in nodes else []
    max_wait = max(waits + [1.0])
    departments = sorted({d for d in nodes["department"].dropna()}) if "department" in nodes else []
    dept_fill = {d: DEPARTMENT_FILLS[i % len(DEPARTMENT_FILLS)] for i, d in enumerate(departments)}

    highlight_nodes: dict[str, tuple[str, list[int]]] = {}
    highlight_edges: dict[tuple[str, str], tuple[str, list[int]]] = {}
    for f in findings:
        colour = WASTE_COLOURS.get(f["waste"], "#333333")
        for act in f["elements"].get("activities", []):
            if act in activities:
                highlight_nodes.setdefault(act, (colour, []))[1].append(f["number"])
        for edge in f["elements"].get("edges", []):
            key = (edge[0], edge[1])
            highlight_edges.setdefault(key, (colour, []))[1].append(f["number"])

    ids = {a: f"a{i}" for i, a in enumerate(activities)}
    lines = [
        "digraph procesflow {",
        f'  graph [rankdir=TB, fontname="{FONT}", fontsize=12, nodesep=0.35, ranksep=0.45, '
        'pad="0.6,0.3", newrank=true, labelloc=t, labeljust=l, outputorder=edgesfirst, forcelabels=true];',
        f'  node [fontname="{FONT}", fontsize=11, shape=box, style="rounded,filled", penwidth=1.2, '
        'color="#5d6d7e", margin="0.12,0.06"];',
        f'  edge [fontname="{FONT}", fontsize=9, color="#5d6d7e", arrowsize=0.7];',
    ]
    if data.title:
        lines.append(f'  label=<<font point-size="18"><b>{_html(data.title)}</b></font><br/>'
                     f'<font point-size="11">{_html(_subtitle(data, kind, t))}</font><br/> >;')
    lines.append(f'  start [label="", shape=circle, width=0.22, style=filled, fillcolor="#27ae60", '
                 f'color="#1e8449", tooltip="{t["start"]}"];')
    lines.append(f'  end [label="", shape=doublecircle, width=0.18, style=filled, fillcolor="#566573", '
                 f'color="#2c3e50", tooltip="{t["end"]}"];')

    for act in activities:
        row = nodes.loc[act]
        count = int(row["count"])
        wait = row.get("median_wait_s")
        wait = None if wait is None or (isinstance(wait, float) and math.isnan(wait)) else float(wait)
        name = _html(wrap(act, 24))
        if kind == "performance":
            detail = f"{t['wait']} {fmt_duration(wait, lang)}" if wait is not None else fmt_count(count, lang) + "×"
            fill = _heat(wait / max_wait if wait is not None else 0.0)
        else:
            detail = f"{fmt_count(count, lang)}×"
            if kind == "frequency":
                fill = _blue(count / max_count)
            else:
                dept = row.get("department")
                fill = dept_fill.get(dept, NEUTRAL_FILL) if isinstance(dept, str) else NEUTRAL_FILL
        label = f'<{name}<br/><font point-size="9">{_html(detail)}</font>>'
        attrs = [f"label={label}", f'fillcolor="{fill}"', f'tooltip="{_attr(act)}"']
        if kind == "performance" and wait is not None and wait / max_wait > 0.55:
            attrs.append('fontcolor="white"')
        if act in highlight_nodes:
            colour, numbers = highlight_nodes[act]
            attrs += [f'color="{colour}"', "penwidth=3.2", f"xlabel=<{_badges(numbers, findings)}>"]
        lines.append(f"  {ids[act]} [{', '.join(attrs)}];")

    def edge_width(count: int) -> float:
        return round(0.8 + 5.2 * math.log1p(count) / math.log1p(max_edge), 2)

    def endpoint_width(count: int) -> float:  # thinner than real paths: context, not content
        return round(0.6 + 1.6 * math.log1p(count) / math.log1p(max_edge), 2)

    for act, n in sorted(dfg.start.items()):
        if act in ids:
            lines.append(f'  start -> {ids[act]} [penwidth={endpoint_width(n)}, style=dashed, color="#aab7b8", '
                         f'label="{fmt_count(n, lang)}", fontcolor="#95a5a6"];')
    for act, n in sorted(dfg.end.items()):
        if act in ids:
            lines.append(f'  {ids[act]} -> end [penwidth={endpoint_width(n)}, style=dashed, color="#aab7b8", '
                         f'label="{fmt_count(n, lang)}", fontcolor="#95a5a6"];')
    for row in dfg.edges.sort_values(["source", "target"]).itertuples(index=False):
        if row.source not in ids or row.target not in ids:
            continue
        count = int(row.count)
        label = fmt_duration(float(row.median_s), lang) if kind == "performance" else fmt_count(count, lang)
        attrs = [f"penwidth={edge_width(count)}", f'label="{label}"',
                 f'tooltip="{_attr(row.source)} → {_attr(row.target)}: {count}"']
        key = (row.source, row.target)
        if key in highlight_edges:
            colour, numbers = highlight_edges[key]
            attrs += [f'color="{colour}"', f'fontcolor="{colour}"', f"penwidth={max(edge_width(count), 2.5)}"]
            attrs[1] = f'label="{label} ({", ".join(str(n) for n in numbers)})"'
        lines.append(f"  {ids[row.source]} -> {ids[row.target]} [{', '.join(attrs)}];")

    if kind == "findings":
        lines += _legend_findings(findings, departments, dept_fill, t)
    elif kind == "frequency":
        lines += _legend_simple(t["legend_frequency"], t)
    else:
        lines += _legend_simple(t["legend_performance"], t)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _badges(numbers: list[int], findings: list[dict[str, Any]]) -> str:
    """Numbered badges (coloured by waste) placed beside a node, keyed to the findings list."""
    waste = {f["number"]: f["waste"] for f in findings}
    cells = "".join(
        f'<td bgcolor="{WASTE_COLOURS.get(waste[n], "#333333")}" style="rounded" fixedsize="true" '
        f'width="{14 + 7 * len(str(n))}" height="18"><font color="white" point-size="11"><b>{n}</b></font></td>'
        for n in sorted(set(numbers))
    )
    return f'<table border="0" cellborder="0" cellspacing="2" cellpadding="0"><tr>{cells}</tr></table>'


def _legend_findings(findings: list[dict[str, Any]], departments: list[str], dept_fill: dict[str, str],
                     t: dict[str, str]) -> list[str]:
    rows = [f'<tr><td colspan="3" align="left"><b>{_html(t["findings"])}</b></td></tr>']
    for f in findings:
        rows.append(
            f'<tr><td>{_badges([f["number"]], findings)}</td>'
            f'<td colspan="2" align="left">{_html(f["title"][t["lang"]])} — {_html(t["waste_" + f["waste"]])}</td></tr>'
        )
    if departments:
        rows.append(f'<tr><td colspan="3" align="left"><b>{_html(t["departments"])}</b></td></tr>')
        for dept in departments:
            marks = [f["number"] for f in findings if dept in f["elements"].get("departments", [])]
            badge = _badges(marks, findings) if marks else ""
            rows.append(f'<tr><td bgcolor="{dept_fill[dept]}" width="30"> </td>'
                        f'<td align="left">{_html(dept)}</td><td align="left">{badge}</td></tr>')
    rows.append(f'<tr><td colspan="3" align="left"><font point-size="9">{_html(wrap(t["legend_findings"], 90))}'
                "</font></td></tr>")
    table = ('<table border="0" cellborder="0" cellspacing="0" cellpadding="3" color="#aab7b8" bgcolor="white">'
             + "".join(rows) + "</table>")
    return [f'  legend [shape=plain, style="", label=<{table}>];', "  { rank=sink; end; legend; }"]


def _legend_simple(text: str, t: dict[str, str]) -> list[str]:
    return [f'  legend [shape=plain, style="", label=<<font point-size="10">{_html(wrap(text, 60))}</font>>];',
            "  { rank=sink; end; legend; }"]


def _subtitle(data: MapInput, kind: str, t: dict[str, str]) -> str:
    parts = [t[f"map_{kind}"], f"{data.cases:,} {t['cases']}"]
    hidden = len(data.hidden_activities)
    if hidden:
        events = sum(n for _, n in data.hidden_activities)
        parts.append(t["hidden_activities"].format(n=hidden, events=events))
    if data.dfg.hidden_edges:
        parts.append(t["hidden_paths"].format(n=len(data.dfg.hidden_edges)))
    return " · ".join(parts)


def _blue(x: float) -> str:
    """Light to mid blue by relative frequency."""
    x = max(0.0, min(1.0, x)) ** 0.6
    lo, hi = (232, 240, 248), (107, 174, 214)
    return "#" + "".join(f"{round(a + (b - a) * x):02x}" for a, b in zip(lo, hi, strict=True))


def _heat(x: float) -> str:
    """White → amber → dark red by relative waiting time."""
    x = max(0.0, min(1.0, x))
    stops = [(0.0, (250, 250, 245)), (0.4, (253, 208, 138)), (0.7, (227, 104, 47)), (1.0, (153, 27, 30))]
    for (x0, c0), (x1, c1) in zip(stops, stops[1:], strict=False):
        if x <= x1:
            f = (x - x0) / (x1 - x0)
            return "#" + "".join(f"{round(a + (b - a) * f):02x}" for a, b in zip(c0, c1, strict=True))
    return "#991b1e"


def _html(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", "<br/>"))


def _attr(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace('"', '\\"')

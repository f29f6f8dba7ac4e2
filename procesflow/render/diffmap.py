"""The difference map of a comparison: what was added, removed, got faster or slower.

Drawn like the process maps (same fonts, widths and words), from the `map` part of a comparison
document (`procesflow.compare.map_changes`): green = new or faster, red = gone or slower, grey =
unchanged. Edge labels show the count before → after and, for faster/slower paths, the median
time before → after.
"""

from __future__ import annotations

import math
from typing import Any

from .maps import FONT, _attr, _html
from .text import T, fmt_count, fmt_duration, wrap

STATUS_COLOURS = {"added": "#1e8449", "removed": "#c0392b", "faster": "#1e8449", "slower": "#c0392b",
                  "same": "#7f8c8d"}
MAX_ACTIVITIES = 40
MIN_EDGE_SHARE = 0.02  # paths taken by fewer than 2% of the cases (before and after) are left out
WORDS = {
    "en": {"title": "Difference map", "added": "new", "removed": "gone", "faster": "faster", "slower": "slower",
           "same": "unchanged", "legend": "Green: new activity or path, or faster. Red (dashed): gone, or slower. "
           "Grey: unchanged. Labels: count before → after; for faster/slower paths the median time before → after.",
           "a": "before", "b": "after", "rare_activities": "rare activities hidden",
           "rare_paths": "rare paths (< 2% of cases) hidden"},
    "nl": {"title": "Verschilkaart", "added": "nieuw", "removed": "verdwenen", "faster": "sneller",
           "slower": "trager", "same": "gelijk", "legend": "Groen: nieuwe activiteit of pad, of sneller. Rood "
           "(gestippeld): verdwenen, of trager. Grijs: gelijk. Labels: aantal vóór → na; bij snellere of tragere "
           "paden de mediane tijd vóór → na.", "a": "vóór", "b": "na",
           "rare_activities": "zeldzame activiteiten verborgen",
           "rare_paths": "zeldzame paden (< 2% van de zaken) verborgen"},
}


def difference_map(document: dict[str, Any], lang: str = "en") -> str:
    """DOT text of the difference map for a comparison document."""
    w = WORDS[lang]
    changes = document["map"]
    activities = sorted(changes["activities"], key=lambda a: (-max(a["count_a"], a["count_b"]), a["activity"]))
    shown = {a["activity"] for a in activities[:MAX_ACTIVITIES]}
    ids = {a: f"a{i}" for i, a in enumerate(sorted(shown))}
    max_edge = max([max(e["count_a"], e["count_b"]) for e in changes["edges"]] + [1])
    min_edge = max(2, MIN_EDGE_SHARE * max(document["a"]["cases"], document["b"]["cases"]))
    hidden_edges = sum(1 for e in changes["edges"] if max(e["count_a"], e["count_b"]) < min_edge)
    title = f"{document['a']['log']} → {document['b']['log']}"
    subtitle = f"{w['title']} · {w['a']}: {document['a']['cases']:,} {T[lang]['cases']} · " \
               f"{w['b']}: {document['b']['cases']:,} {T[lang]['cases']}"
    if len(activities) > MAX_ACTIVITIES:
        subtitle += f" · {len(activities) - MAX_ACTIVITIES} {w['rare_activities']}"
    if hidden_edges:
        subtitle += f" · {hidden_edges} {w['rare_paths']}"
    lines = [
        "digraph difference {",
        f'  graph [rankdir=TB, fontname="{FONT}", nodesep=0.35, ranksep=0.45, pad="0.6,0.3", newrank=true, '
        'labelloc=t, labeljust=l, outputorder=edgesfirst];',
        f'  node [fontname="{FONT}", fontsize=11, shape=box, style="rounded,filled", fillcolor="#f4f6f7", '
        'color="#7f8c8d", penwidth=1.2, margin="0.12,0.06"];',
        f'  edge [fontname="{FONT}", fontsize=9, arrowsize=0.7];',
        f'  label=<<font point-size="18"><b>{_html(title)}</b></font><br/>'
        f'<font point-size="11">{_html(subtitle)}</font><br/> >;',
    ]
    for a in activities:
        if a["activity"] not in shown:
            continue
        status = a["status"]
        colour = STATUS_COLOURS[status]
        detail = f"{fmt_count(a['count_a'], lang)} → {fmt_count(a['count_b'], lang)}"
        if status != "same":
            detail += f" ({w[status]})"
        style = '"rounded,filled,dashed"' if status == "removed" else '"rounded,filled"'
        fill = {"added": "#d5f5e3", "removed": "#fadbd8"}.get(status, "#f4f6f7")
        lines.append(f'  {ids[a["activity"]]} [label=<{_html(wrap(a["activity"], 24))}<br/>'
                     f'<font point-size="9">{_html(detail)}</font>>, color="{colour}", fillcolor="{fill}", '
                     f'style={style}, penwidth={2.4 if status != "same" else 1.2}, tooltip="{_attr(a["activity"])}"];')
    for e in changes["edges"]:
        if e["source"] not in ids or e["target"] not in ids or max(e["count_a"], e["count_b"]) < min_edge:
            continue
        status = e["status"]
        count = max(e["count_a"], e["count_b"])
        width = round(0.8 + 4.2 * math.log1p(count) / math.log1p(max_edge), 2)
        label = f"{fmt_count(e['count_a'], lang)} → {fmt_count(e['count_b'], lang)}"
        if status in ("faster", "slower"):
            label += f"\\n{fmt_duration(e['median_s_a'], lang)} → {fmt_duration(e['median_s_b'], lang)}"
        style = "dashed" if status == "removed" else "solid"
        lines.append(f'  {ids[e["source"]]} -> {ids[e["target"]]} [color="{STATUS_COLOURS[status]}", '
                     f'fontcolor="{STATUS_COLOURS[status]}", penwidth={width}, style={style}, '
                     f'label="{label}"];')  # counts and durations only: nothing to escape
    legend = _html(wrap(w["legend"], 70))
    lines.append(f'  legend [shape=plain, style="", label=<<font point-size="10">{legend}</font>>];')
    lines.append("}")
    return "\n".join(lines) + "\n"

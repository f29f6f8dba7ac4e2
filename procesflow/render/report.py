"""The reports of an output folder: report.html (self-contained) and report.md (beside its images).

Both are made from metrics.json and findings.json only — which hold departments, never people — so
a report cannot show a person's name. report.html embeds every map and chart as a data URI and its
CSS inline: it opens offline, can be e-mailed as one file and prints on A4. report.md references
the PNG files in the folder by relative name (`OUTPUT_FILES`).

API::

    write_reports(folder, metrics, findings_doc, lang="en", maps=None, charts=None)
        -> {"html": folder/report.html, "md": folder/report.md}
    build_context(metrics, findings_doc, lang) -> dict   # every number already formatted for people
"""

from __future__ import annotations

import base64
import functools
import math
import re
from pathlib import Path, PurePosixPath
from typing import Any

from .charts import CHART_DIR, CHART_NAMES
from .maps import WASTE_COLOURS, svg_for_browser
from .text import (
    COMPLEXITY_LABELS,
    EVIDENCE_LABELS,
    T,
    fmt_count,
    fmt_date,
    fmt_duration,
    fmt_number,
    fmt_share,
    fmt_term,
    weekday_name,
)

# The files of an output folder, by role. `procesflow discover` writes them; the reports refer to them.
OUTPUT_FILES: dict[str, str] = {
    "map": "map.svg",
    "map_png": "map.png",
    "map_pdf": "map.pdf",
    "map_performance": "map-performance.svg",
    "map_performance_png": "map-performance.png",
    "map_findings": "map-findings.svg",
    "map_findings_png": "map-findings.png",
    "model_bpmn": "model.bpmn",
    "model_pnml": "model.pnml",
    "metrics": "metrics.json",
    "dfg": "dfg.json",
    "findings": "findings.json",
    "report_html": "report.html",
    "report_md": "report.md",
    **{f"chart_{name}": f"{CHART_DIR}/{name}.svg" for name in CHART_NAMES},
    **{f"chart_{name}_png": f"{CHART_DIR}/{name}.png" for name in CHART_NAMES},
}

MAP_KINDS = ("findings", "frequency", "performance")  # report order
_MAP_KEYS = {"findings": "map_findings", "frequency": "map", "performance": "map_performance"}
DETAILED_FINDINGS = 10  # findings shown in full; the rest in a table
TOP_VARIANTS_TABLE = 5
SEVERITY_COLOURS = {"high": "#c0392b", "medium": "#d35400", "low": "#7f8c8d"}
# fonts metric-compatible with the maps' Arimo, for map SVGs shown in a browser
# a map PNG larger than this is embedded as its (smaller) SVG instead
MAX_MAP_PNG_BYTES = 4_000_000

# which scorecard row a 7PMG check belongs next to: (applies_to, rule) -> metric key
GUIDANCE_ROWS = {
    ("bpmn", "7PMG-G1"): "bpmn.gateways",
    ("bpmn", "7PMG-G2"): "bpmn.avg_connector_degree",
    ("bpmn", "7PMG-G3"): "bpmn.start_events",
    ("bpmn", "7PMG-G4"): "bpmn.connector_mismatch",
    ("bpmn", "7PMG-G5"): "bpmn.gateways",
    ("bpmn", "7PMG-G7"): "bpmn.size",
    ("dfg", "7PMG-G2"): "dfg.cnc",
    ("dfg", "7PMG-G3"): "dfg.end_activities",
    ("dfg", "7PMG-G7"): "dfg.activities",
}
SCORECARD = {
    "dfg": ("activities", "df_arcs", "nodes", "arcs", "density", "cnc", "cyclomatic_number", "connectors",
            "max_connector_degree", "avg_connector_degree", "cfc", "cyclicity", "sequentiality", "start_activities",
            "end_activities"),
    "bpmn": ("size", "tasks", "gateways", "events", "start_events", "end_events", "flows", "density", "cnc",
             "max_connector_degree", "avg_connector_degree", "connector_mismatch", "connector_heterogeneity", "cfc"),
    "log": ("variants", "variants_per_100_cases", "top10_variant_coverage", "variant_entropy",
            "variant_entropy_normalised", "trace_length"),
}
_SHARE_METRICS = {"dfg.cyclicity", "dfg.sequentiality", "log.top10_variant_coverage"}
DFG_NOTE = "on the DFG with artificial start ▶ and end ■ nodes"  # as in metrics/complexity.py


def write_reports(folder: Path | str, metrics: dict[str, Any], findings_doc: dict[str, Any], lang: str = "en",
                  maps: dict[str, Path] | None = None, charts: dict[str, Path] | None = None,
                  detailed: int = DETAILED_FINDINGS) -> dict[str, Path]:
    """Write report.html and report.md into `folder`.

    `maps`: {"findings"|"frequency"|"performance": SVG or PNG path}; `charts`: {name: SVG path} as
    returned by `write_charts`. Left out (None), they are looked up in `folder` under the names in
    `OUTPUT_FILES`; what does not exist is left out of the report. `detailed`: how many findings are
    shown in full (the rest in a table). Returns {"html": path, "md": path}."""
    folder = Path(folder)
    if lang not in T:
        raise ValueError(f"unknown report language {lang!r}; use one of {', '.join(T)}")
    maps = _find_maps(folder) if maps is None else {k: Path(v) for k, v in maps.items() if v}
    charts = _find_charts(folder) if charts is None else {k: Path(v) for k, v in charts.items()
                                                          if v and k in CHART_NAMES}
    context = build_context(metrics, findings_doc, lang, detailed=detailed)
    context["maps"] = [m for m in context["maps"] if m["key"] in maps]
    context["charts"] = [c for c in context["charts"] if c["key"] in charts]

    html_images: dict[str, Any] = {f"map_{k}": _map_image(p) for k, p in maps.items()}
    html_images.update({f"chart_{k}": data_uri(p) for k, p in charts.items()})
    md_images = {f"map_{k}": _relative(_png_beside(p), folder) for k, p in maps.items()}
    md_images.update({f"chart_{k}": _relative(_png_beside(p), folder) for k, p in charts.items()})

    env = environment()
    html = env.get_template("report.html.j2").render(**context, images=html_images)
    markdown = env.get_template("report.md.j2").render(**context, images=md_images)
    out = {"html": folder / OUTPUT_FILES["report_html"], "md": folder / OUTPUT_FILES["report_md"]}
    out["html"].write_text(html, encoding="utf-8")
    out["md"].write_text(_tidy_markdown(markdown), encoding="utf-8")
    return out


# -- the content -------------------------------------------------------------------------------------
def build_context(metrics: dict[str, Any], findings_doc: dict[str, Any], lang: str = "en",
                  detailed: int = DETAILED_FINDINGS) -> dict[str, Any]:
    """Everything the templates show, formatted for people in `lang` (templates only lay it out)."""
    t = T[lang]
    log = metrics.get("log") or {}
    findings = [_finding(f, lang) for f in findings_doc.get("findings") or []]
    tz = log.get("time_zone")
    period = f"{fmt_date(log.get('first_event'), lang, tz)} – {fmt_date(log.get('last_event'), lang, tz)}"
    source = PurePosixPath(str(log.get("source") or "").replace("\\", "/")).name or log.get("name", "")
    return {
        "lang": lang,
        "t": t,
        "title": f"{t['report_title']}: {log.get('name', '')}",
        "log_name": log.get("name", ""),
        "intro": t["report_intro"].format(version=metrics.get("procesflow_version", ""), source=source),
        "period": period,
        "time_zone": tz,
        "filters": list((metrics.get("filters") or {}).get("description") or []),
        "generated": fmt_date(metrics.get("generated_at"), lang),
        "cards": _cards(metrics, lang),
        "findings": findings,
        "detailed": findings[:detailed],
        "more": findings[detailed:],
        "skipped": list(findings_doc.get("skipped") or []),
        "suggestions": list(findings_doc.get("suggestions") or []),
        "maps": _maps(t),
        "charts": _charts(metrics, lang),
        "variants": _variants(metrics, lang),
        "complexity": _complexity(metrics, lang),
        "guidelines": _guidelines(metrics, lang),
        "conformance": _conformance(metrics, lang),
        "quality": _quality(metrics, lang),
        "hidden": _hidden(metrics, lang),
        "appendix": _appendix(metrics, findings_doc, lang),
        "waste_colours": WASTE_COLOURS,
    }


def _cards(m: dict[str, Any], lang: str) -> list[dict[str, str]]:
    t = T[lang]
    log, time, deadline = m.get("log") or {}, m.get("time") or {}, m.get("deadline") or {}
    rework, handoffs, citizen = m.get("rework") or {}, m.get("handoffs") or {}, m.get("citizen") or {}
    cards = [{
        "key": "cases", "value": fmt_count(log.get("cases") or 0, lang), "label": t["card_cases"],
        "note": t["card_cases_note"].format(events=fmt_count(log.get("events") or 0, lang),
                                            activities=fmt_count(log.get("activities") or 0, lang)),
    }]
    through = time.get("throughput") or {}
    if through.get("median") is not None:
        cards.append({"key": "throughput", "value": fmt_duration(through["median"], lang, words=True),
                      "label": t["card_throughput"],
                      "note": t["card_throughput_note"].format(p90=fmt_duration(through.get("p90"), lang, words=True))})
    decided = deadline.get("decided") or {}
    if deadline.get("computed") and decided.get("share_within_term") is not None:
        note = t["card_term_note"].format(term=fmt_term(deadline.get("term_s"), lang, with_days=False),
                                          late=fmt_count(decided.get("late") or 0, lang),
                                          decided=fmt_count(decided.get("cases") or 0, lang))
        clock = deadline.get("clock") or {}
        if clock.get("all_cases_decided") and clock.get("end") == "last event of the case":
            note += "; " + t["card_term_no_end"]
        overdue = (deadline.get("open") or {}).get("overdue") or 0
        if overdue:
            note += "; " + t["card_term_open"].format(overdue=fmt_count(overdue, lang))
        cards.append({"key": "term", "value": fmt_share(decided["share_within_term"], lang), "label": t["card_term"],
                      "note": note, "warn": decided["share_within_term"] < 0.9})
    ftr = (citizen.get("first_time_right") or {}).get("share", rework.get("first_time_right_share"))
    if ftr is not None:
        n = (citizen.get("first_time_right") or {}).get("cases", rework.get("first_time_right_cases"))
        cards.append({"key": "ftr", "value": fmt_share(ftr, lang), "label": t["card_ftr"],
                      "note": t["card_ftr_note"].format(n=fmt_count(n or 0, lang))})
    per_case = handoffs.get("per_case") or {}
    if per_case.get("median") is not None and handoffs.get("measured_cases"):
        units = (handoffs.get("units_per_case") or {}).get("median")
        cards.append({"key": "handoffs", "value": _plain_number(per_case["median"], lang),
                      "label": t["card_handoffs"],
                      "note": t["card_handoffs_note"].format(units=_plain_number(units, lang),
                                                             share=fmt_share(handoffs.get("share_cases_with_handoff"),
                                                                             lang))})
    contacts = citizen.get("contacts") or {}
    if citizen.get("computed") and contacts.get("mean_per_case") is not None:
        waiting = (citizen.get("contact_while_waiting") or {}).get("share_of_cases")
        cards.append({"key": "contacts", "value": fmt_number(contacts["mean_per_case"], 1, lang),
                      "label": t["card_contacts"],
                      "note": t["card_contacts_note"].format(share=fmt_share(waiting, lang)) if waiting is not None
                      else ""})
    variants = m.get("variants") or {}
    if variants.get("count") is not None:
        coverage = ((m.get("complexity") or {}).get("log") or {}).get("top10_variant_coverage")
        cards.append({"key": "variants", "value": fmt_count(variants["count"], lang), "label": t["card_variants"],
                      "note": t["card_variants_note"].format(share=fmt_share(coverage, lang))
                      if coverage is not None else ""})
    for card in cards:
        card.setdefault("warn", False)
    return cards


def _finding(f: dict[str, Any], lang: str) -> dict[str, Any]:
    t = T[lang]
    gain = f.get("expected_gain") or {}
    value = float(gain.get("value") or 0.0)
    amount = _amount(value, lang)
    unit = gain.get("unit", "days")
    gain_text = t.get(f"gain_{unit}", "{value} " + unit).format(value=amount)
    gain_short = t.get(f"gain_short_{unit}", "{value} " + unit).format(value=amount)
    hidden = {"affected_cases", "affected_share"}
    evidence = []
    for k, v in (f.get("evidence") or {}).items():
        if k not in hidden:
            value = format_evidence(k, v, lang)
            evidence.append({"label": _evidence_label(k, lang), "value": value, "wide": len(value) > 36})
    waste = f.get("waste", "")
    severity = f.get("severity", "low")
    return {
        "number": f.get("number"),
        "rule": f.get("rule", ""),
        "title": _text(f.get("title"), lang),
        "proposal": _text(f.get("proposal"), lang),
        "severity": severity,
        "severity_label": t.get(f"severity_{severity}", severity),
        "severity_colour": SEVERITY_COLOURS.get(severity, "#7f8c8d"),
        "waste": waste,
        "waste_label": t.get(f"waste_{waste}", waste),
        "colour": WASTE_COLOURS.get(waste, "#333333"),
        "gain": gain_text,
        "gain_short": gain_short,
        "formula": gain.get("formula", ""),
        "affected": t["affected_value"].format(cases=fmt_count(f.get("affected_cases") or 0, lang),
                                               share=fmt_share(f.get("affected_share"), lang)),
        "evidence": evidence,
        "best_practice": f.get("best_practice", ""),
        "references": list(f.get("references") or []),
    }


def format_evidence(key: str, value: Any, lang: str = "en") -> str:
    """One evidence value for people, by its column name: *_share → %, *_days / *_s / *_minutes →
    durations, *_per_year → a number a year, counts with thousands separators."""
    t = T[lang]
    if value is None:
        return "–"
    if isinstance(value, bool):
        return t["yes"] if value else t["no"]
    if isinstance(value, list | tuple):
        return ", ".join(format_evidence(key, v, lang) for v in value)
    if isinstance(value, str):
        return weekday_name(value, lang) if key.endswith("weekday") else value
    if not isinstance(value, int | float) or (isinstance(value, float) and math.isnan(value)):
        return str(value)
    x = float(value)
    words = f"_{key}_"
    if "_per_year_" in words:  # the label says "a year"
        return fmt_count(x, lang) if abs(x) >= 10 else fmt_number(x, 1, lang)
    if key.endswith(("_share", "_coverage")) or key in ("cooccurrence",):
        return fmt_share(x, lang)
    for unit, seconds in (("_days_", 86400), ("_hours_", 3600), ("_minutes_", 60), ("_s_", 1)):
        if unit in words:
            return fmt_duration(x * seconds, lang, words=True)
    return _plain_number(x, lang)


def _evidence_label(key: str, lang: str) -> str:
    return EVIDENCE_LABELS[lang].get(key) or key.replace("_", " ")


def _maps(t: dict[str, str]) -> list[dict[str, str]]:
    legends = {"findings": "legend_findings", "frequency": "legend_frequency", "performance": "legend_performance"}
    return [{"key": kind, "title": t[f"map_{kind}"], "caption": t[legends[kind]]} for kind in MAP_KINDS]


def _charts(m: dict[str, Any], lang: str) -> list[dict[str, str]]:
    t = T[lang]
    deadline = m.get("deadline") or {}
    term_text = ""
    if deadline.get("computed"):
        clock = deadline.get("clock") or {}
        term_text = t["caption_throughput_term"].format(start=_clock(clock.get("start"), lang),
                                                        end=_clock(clock.get("end"), lang))
    level = (m.get("handoffs") or {}).get("level", "department")
    return [
        {"key": "throughput", "title": t["chart_throughput"], "caption": t["caption_throughput"].format(
            term_text=term_text).strip()},
        {"key": "variants", "title": t["chart_variants"], "caption": t["caption_variants"]},
        {"key": "handoffs", "title": t["chart_handoffs" if level == "department" else "chart_handoffs_people"],
         "caption": t["caption_handoffs"]},
        {"key": "wip", "title": t["chart_wip"], "caption": t["caption_wip"]},
    ]


def _variants(m: dict[str, Any], lang: str) -> list[dict[str, str]]:
    rows = []
    for v in ((m.get("variants") or {}).get("top") or [])[:TOP_VARIANTS_TABLE]:
        rows.append({
            "rank": str(v.get("rank")),
            "route": " → ".join(v.get("activities") or []),
            "steps": fmt_count(v.get("length") or 0, lang),
            "cases": fmt_count(v.get("cases") or 0, lang),
            "share": fmt_share(v.get("share"), lang),
            "cumulative": fmt_share(v.get("cumulative_share"), lang),
            "median": fmt_duration(v.get("median_throughput_s"), lang, words=True),
        })
    return rows


def _complexity(m: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    t = T[lang]
    cx = m.get("complexity") or {}
    definitions = cx.get("definitions") or {}
    labels = COMPLEXITY_LABELS[lang]
    flags: dict[str, list[dict[str, Any]]] = {}
    loose: dict[str, list[dict[str, Any]]] = {}
    for g in cx.get("guidance") or []:
        flag = _flag(g, lang)
        key = GUIDANCE_ROWS.get((g.get("applies_to"), g.get("rule")))
        section = cx.get(g.get("applies_to")) or {}
        if key and key.split(".", 1)[1] in section:
            flags.setdefault(key, []).append(flag)
        else:
            loose.setdefault(g.get("applies_to", ""), []).append(flag)
    algorithm = (m.get("model") or {}).get("algorithm", "inductive miner")
    titles = {"dfg": t["complexity_dfg"], "bpmn": t["complexity_bpmn"].format(algorithm=algorithm),
              "log": t["complexity_log"]}
    sections = []
    for name, keys in SCORECARD.items():
        data = cx.get(name)
        rows = []
        if data:
            for k in keys:
                if k not in data:
                    continue
                full = f"{name}.{k}"
                definition = (definitions.get(full) or {}).get("definition", "")
                if name == "dfg" and data.get("includes_start_end_nodes"):
                    definition = definition.replace(f" ({DFG_NOTE})", "")  # said once, above the table
                rows.append({"label": labels.get(full, k.replace("_", " ")),
                             "value": _metric_value(full, data[k], lang), "flags": flags.get(full, []),
                             "definition": definition})
            for flag in loose.get(name, []):
                rows.append({"label": flag["name"], "value": flag["value"], "flags": [flag], "definition": ""})
        note = t["complexity_dfg_note"] if name == "dfg" and (data or {}).get("includes_start_end_nodes") else ""
        sections.append({"key": name, "title": titles[name], "rows": rows, "available": bool(data), "note": note,
                         "flags": any(r["flags"] for r in rows)})
    return sections


def _guidelines(m: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """The 7PMG guidelines the scorecard checks, for the legend above it."""
    labels = COMPLEXITY_LABELS[lang]
    rules = sorted({g.get("rule", "") for g in (m.get("complexity") or {}).get("guidance") or []})
    return [{"short": r.replace("7PMG-", ""), "name": labels.get(r, r)} for r in rules if r]


def _flag(g: dict[str, Any], lang: str) -> dict[str, Any]:
    t = T[lang]
    rule = g.get("rule", "")
    threshold = g.get("threshold")
    return {
        "rule": rule,
        "short": rule.replace("7PMG-", ""),
        "name": COMPLEXITY_LABELS[lang].get(rule, rule),
        "triggered": bool(g.get("triggered")),
        "status": t["guideline_flag"] if g.get("triggered") else t["guideline_ok"],
        "value": _plain_number(g.get("value"), lang),
        "threshold": t["guideline_tip"].format(threshold=_plain_number(threshold, lang)),
        "text": g.get("text", ""),
    }


def _metric_value(key: str, value: Any, lang: str) -> str:
    t = T[lang]
    if isinstance(value, dict):
        if key == "bpmn.gateways":
            parts = {k: fmt_count((value.get(k) or {}).get("total", 0), lang)
                     for k in ("exclusive", "parallel", "inclusive")}
            return f"{fmt_count(value.get('total', 0), lang)} ({t['gateways_detail'].format(**parts)})"
        if key == "log.trace_length":
            return t["trace_length_detail"].format(median=_plain_number(value.get("median"), lang),
                                                   mean=fmt_number(value.get("mean") or 0, 1, lang),
                                                   max=_plain_number(value.get("max"), lang))
        if "total" in value:
            return _plain_number(value["total"], lang)
        return ", ".join(f"{k} {_plain_number(v, lang)}" for k, v in value.items() if not isinstance(v, dict))
    if key in _SHARE_METRICS:
        return fmt_share(value, lang)
    if isinstance(value, float) and key.endswith("density"):
        return fmt_number(value, 3, lang)
    return _plain_number(value, lang)


def _conformance(m: dict[str, Any], lang: str) -> dict[str, Any]:
    t = T[lang]
    model = m.get("model") or {}
    conf = model.get("conformance") or {}
    rows: list[tuple[str, str]] = []
    tbr = conf.get("token_replay") or {}
    if tbr.get("log_fitness") is not None:
        rows.append((t["fitness_tbr"], fmt_number(tbr["log_fitness"], 2, lang)))
    if tbr.get("fitting_cases") is not None:
        share = tbr["fitting_cases"] / tbr["cases"] if tbr.get("cases") else None
        rows.append((t["fitting_cases"], f"{fmt_count(tbr['fitting_cases'], lang)} ({fmt_share(share, lang)})"))
    if conf.get("precision") is not None:
        rows.append((t["precision"], fmt_number(conf["precision"], 2, lang)))
    ali = conf.get("alignments") or {}
    if ali.get("computed"):
        rows.append((t["alignments"], fmt_number(ali.get("log_fitness") or 0.0, 2, lang)))
    elif ali:
        rows.append((t["alignments"], t["alignments_not"].format(reason=ali.get("reason", "–"))))
    return {"intro": t["conformance_intro"].format(algorithm=model.get("algorithm", "inductive miner")),
            "rows": rows}


def _quality(m: dict[str, Any], lang: str) -> dict[str, Any]:
    t = T[lang]
    q = m.get("data_quality") or {}
    rows: list[dict[str, Any]] = []
    if q:
        def add(label: str, value: str, warn: bool = False) -> None:
            rows.append({"label": label, "value": value, "warn": warn})

        add(t["q_rejected"], fmt_count(q.get("rejected") or 0, lang), bool(q.get("rejected")))
        for reason, count in sorted((q.get("rejects_by_reason") or {}).items()):
            add(t["q_reject_reason"].format(reason=reason), fmt_count(count, lang), True)
        dups = q.get("duplicates") or 0
        add(t["q_duplicates"], fmt_count(dups, lang), bool(dups))
        ties = q.get("tied_events") or 0
        add(t["q_ties"], t["q_ties_value"].format(events=fmt_count(ties, lang),
                                                  cases=fmt_count(q.get("cases_with_ties") or 0, lang))
            if ties else "0", bool(ties))
        add(t["q_date_only"], fmt_share(q.get("date_only_share") or 0, lang), bool(q.get("date_only_share")))
        dst = (q.get("dst_nonexistent") or 0, q.get("dst_ambiguous") or 0)
        add(t["q_dst"], f"{fmt_count(dst[0], lang)} / {fmt_count(dst[1], lang)}", any(dst))
        add(t["q_future"], fmt_count(q.get("future_events") or 0, lang), bool(q.get("future_events")))
        add(t["q_before_1990"], fmt_count(q.get("events_before_1990") or 0, lang), bool(q.get("events_before_1990")))
        add(t["q_single"], fmt_count(q.get("single_event_cases") or 0, lang))
        add(t["q_no_department"], fmt_share(q.get("department_missing_share") or 0, lang),
            bool(q.get("department_missing_share")))
        if q.get("events"):
            add(t["q_start_times"], fmt_share((q.get("events_with_start") or 0) / q["events"], lang))
    notes = []
    clock = (m.get("deadline") or {}).get("clock") or {}
    if clock.get("note"):
        notes.append(t["deadline_note"].format(note=clock["note"]))
    return {"rows": rows, "notes": notes}


def _hidden(m: dict[str, Any], lang: str) -> list[str]:
    t = T[lang]
    log, filters = m.get("log") or {}, m.get("filters") or {}
    lines = []
    total, kept = filters.get("cases_total"), log.get("cases")
    if filters.get("description") or (total is not None and kept is not None and total != kept):
        lines.append(t["hidden_filters_kept"].format(
            cases=fmt_count(kept or 0, lang), total=fmt_count(total or 0, lang),
            events=fmt_count(log.get("events") or 0, lang), events_total=fmt_count(filters.get("events_total") or 0,
                                                                                   lang)))
    hidden = filters.get("hidden_activities") or []
    if hidden:
        names = ", ".join(f"{h['activity']} ({fmt_count(h.get('events') or 0, lang)})" for h in hidden)
        lines.append(t["hidden_filter_activities"].format(list=names))
    dfg = (m.get("complexity") or {}).get("dfg") or {}
    if dfg:
        shown, all_acts = dfg.get("activities"), log.get("activities")
        paths = dfg.get("hidden_arcs") or 0
        if paths or (shown is not None and all_acts is not None and shown < all_acts):
            lines.append(t["hidden_map"].format(shown=fmt_count(shown or 0, lang), total=fmt_count(all_acts or 0, lang),
                                                paths=fmt_count(paths, lang)))
        else:
            lines.append(t["hidden_map_all"].format(total=fmt_count(all_acts or shown or 0, lang)))
    lines.append(t["privacy_note"])
    return lines


def _appendix(m: dict[str, Any], findings_doc: dict[str, Any], lang: str) -> dict[str, Any]:
    t = T[lang]
    time, deadline, citizen = m.get("time") or {}, m.get("deadline") or {}, m.get("citizen") or {}
    measures = []
    for label, text in (
        (t["def_throughput"], (time.get("throughput") or {}).get("definition")),
        (t["def_waiting"], (time.get("waiting") or {}).get("definition")),
        (t["def_wip"], (time.get("wip") or {}).get("definition")),
        (t["def_ftr"], (citizen.get("first_time_right") or {}).get("definition")),
    ):
        if text:
            measures.append((label, text))
    if deadline.get("computed"):
        clock = deadline.get("clock") or {}
        parts = [fmt_term(deadline.get("term_s"), lang),
                 f"{_clock(clock.get('start'), lang)} → {_clock(clock.get('end'), lang)}",
                 clock.get("calendar", "")]
        if deadline.get("suspension"):
            s = deadline["suspension"]
            parts.append(f"{s.get('start')} … {s.get('end')}")
        measures.append((t["def_deadline"], "; ".join(p for p in parts if p)))
    contact = citizen.get("contact_definition") or {}
    if contact:
        tagged = ", ".join(contact.get("tagged_activities") or [])
        measures.append((t["def_contacts"], "; ".join(p for p in (contact.get("channel"), tagged) if p)))
    cx = m.get("complexity") or {}
    labels = COMPLEXITY_LABELS[lang]
    by_source: dict[str, list[str]] = {}
    for key, d in (cx.get("definitions") or {}).items():
        if key in labels and d.get("source"):
            by_source.setdefault(d["source"], []).append(labels[key])
    complexity = [(source, ", ".join(dict.fromkeys(names))) for source, names in sorted(by_source.items())]
    rules: dict[str, dict[str, Any]] = {}
    for f in findings_doc.get("findings") or []:
        rules.setdefault(f.get("rule", ""), {"rule": f.get("rule", ""), "title": _text(f.get("title"), lang),
                                             "best_practice": f.get("best_practice", ""),
                                             "references": list(f.get("references") or [])})
    options = [(k, _option_value(v, lang)) for k, v in sorted((m.get("options") or {}).items())]
    return {"measures": measures, "complexity": complexity, "rules": list(rules.values()), "options": options}


# -- helpers -----------------------------------------------------------------------------------------
def _clock(point: str | None, lang: str) -> str:
    """A deadline clock's start or end in words ('first event of the case' is translated)."""
    known = {"first event of the case": "clock_first_event", "last event of the case": "clock_last_event"}
    if point in known:
        return T[lang][known[point]]
    return f"'{point}'" if point else "–"


def _text(texts: Any, lang: str) -> str:
    if isinstance(texts, dict):
        return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")
    return str(texts or "")


def _amount(value: float, lang: str) -> str:
    """A gain: whole numbers from 10, one decimal from 0.1, else one significant digit ('0.006')."""
    if value == 0 or abs(value) >= 10:
        return fmt_count(value, lang)
    if abs(value) >= 0.1:
        return fmt_number(value, 1, lang)
    return fmt_number(value, min(6, -math.floor(math.log10(abs(value)))), lang)


def _plain_number(x: Any, lang: str) -> str:
    """An integer-valued number without decimals, else 2 significant decimals ('3.93', '0.31')."""
    if x is None:
        return "–"
    if isinstance(x, bool):
        return T[lang]["yes"] if x else T[lang]["no"]
    x = float(x)
    if x == int(x):
        return fmt_count(x, lang)
    return fmt_number(x, 1 if abs(x) >= 10 else 2, lang)


def _option_value(v: Any, lang: str) -> str:
    if isinstance(v, bool):
        return T[lang]["yes"] if v else T[lang]["no"]
    if isinstance(v, float | int):
        return _plain_number(v, lang)
    if isinstance(v, list | tuple):
        return ", ".join(str(x) for x in v)
    return str(v)


def _find_maps(folder: Path) -> dict[str, Path]:
    found = {}
    for kind in MAP_KINDS:
        key = _MAP_KEYS[kind]
        for name in (OUTPUT_FILES[key], OUTPUT_FILES[key + "_png"]):
            if (folder / name).is_file():
                found[kind] = folder / name
                break
    return found


def _find_charts(folder: Path) -> dict[str, Path]:
    return {name: folder / OUTPUT_FILES[f"chart_{name}"] for name in CHART_NAMES
            if (folder / OUTPUT_FILES[f"chart_{name}"]).is_file()}


def _png_beside(path: Path) -> Path:
    png = path.with_suffix(".png")
    return png if png.is_file() else path


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path.name


def _map_image(path: Path) -> dict[str, Any]:
    """A map for report.html: {"src": data URI, "width": CSS pixels or None}.

    The PNG is preferred: it is exactly what Graphviz laid out (the SVG names the Arimo font, which
    a browser without it replaces by a wider one, so labels can overflow their boxes) and at 144 dpi
    it stays sharp when zoomed or printed. Shown at its drawn size (1 pt = 4/3 px) or narrower.
    A map without a PNG, or with a PNG over MAX_MAP_PNG_BYTES, is embedded as SVG instead."""
    path = Path(path)
    svg = path.with_suffix(".svg") if path.with_suffix(".svg").is_file() else None
    png = path.with_suffix(".png") if path.with_suffix(".png").is_file() else None
    width = _svg_width_px(svg) if svg else None
    size = _png_size(png) if png else (0, 0)
    landscape = size[0] > 1.15 * size[1]  # printed on a landscape page
    if png:
        data = png.read_bytes()  # drawn with a palette (graphviz.compact_png)
        if svg is None or len(data) <= MAX_MAP_PNG_BYTES:
            if width is None:
                width = size[0] * 96 // 144 or None
            return {"src": "data:image/png;base64," + base64.b64encode(data).decode("ascii"), "width": width,
                    "landscape": landscape}
    return {"src": data_uri(path if svg is None else svg, is_map=True), "width": width, "landscape": landscape}


def _svg_width_px(svg: Path) -> int | None:
    head = svg.read_bytes()[:2000]
    match = re.search(rb'<svg[^>]*\swidth="([0-9.]+)(pt|px)?"', head)
    if not match:
        return None
    value = float(match.group(1))
    return round(value * 4 / 3) if match.group(2) in (None, b"pt") else round(value)


def _png_size(png: Path) -> tuple[int, int]:
    with png.open("rb") as fh:
        head = fh.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return 0, 0
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def data_uri(path: Path, is_map: bool = False) -> str:
    """The image as a data: URI; in a map SVG the Arimo font gets metric-compatible fallbacks."""
    path = Path(path)
    data = path.read_bytes()
    if path.suffix.lower() == ".svg":
        if is_map:
            data = svg_for_browser(data.decode("utf-8")).encode("utf-8")
        return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    mime = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def _tidy_markdown(text: str) -> str:
    """At most one blank line in a row and one newline at the end."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _md_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _md_text(value: Any) -> str:
    """Plain text safe in Markdown paragraphs (no accidental emphasis, headings or HTML)."""
    text = str(value)
    text = re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)
    return text.replace("\n", " ")


@functools.cache
def environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = _md_text
    env.filters["cell"] = _md_cell
    return env

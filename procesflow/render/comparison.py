"""The comparison report: compare.html (self-contained), compare.json and the difference map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..outputs import write_json
from .report import data_uri, environment
from .text import fmt_count, fmt_duration, fmt_number

WORDS = {
    "en": {"title": "Comparison", "before": "before", "after": "after", "cases": "cases",
           "deltas": "What changed", "metric": "measure", "change": "change", "findings": "Findings",
           "appeared": "New findings", "disappeared": "Findings that are gone", "stayed": "Findings that remain",
           "none": "none", "map": "Difference map", "cases_word": "cases"},
    "nl": {"title": "Vergelijking", "before": "vóór", "after": "na", "cases": "zaken",
           "deltas": "Wat veranderde", "metric": "maat", "change": "verschil", "findings": "Bevindingen",
           "appeared": "Nieuwe bevindingen", "disappeared": "Verdwenen bevindingen",
           "stayed": "Gebleven bevindingen", "none": "geen", "map": "Verschilkaart", "cases_word": "zaken"},
}


def _value(unit: str, value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    if unit == "seconds":
        return fmt_duration(value, lang)
    if unit == "share":
        return fmt_number(100 * value, 1, lang) + "%"
    if unit == "count":
        return fmt_count(value, lang)
    return fmt_number(value, 2, lang)


def _context(document: dict[str, Any], lang: str) -> dict[str, Any]:
    w = WORDS[lang]
    deltas = []
    for d in document["deltas"]:
        unit = d["unit"]
        if unit == "seconds":
            change = ("+" if d["delta"] > 0 else "−" if d["delta"] < 0 else "") + fmt_duration(abs(d["delta"]), lang)
        elif unit == "share":
            change = f"{'+' if d['delta'] >= 0 else '−'}{fmt_number(abs(100 * d['delta']), 1, lang)} pp"
        else:
            change = f"{'+' if d['delta'] >= 0 else '−'}{_value(unit, abs(d['delta']), lang)}"
        deltas.append({"metric": d["metric"], "a": _value(unit, d["a"], lang), "b": _value(unit, d["b"], lang),
                       "change": change, "css": {True: "better", False: "worse"}.get(d["better"], "")})

    def items(group: str) -> list[dict[str, str]]:
        out = []
        for f in document["findings"][group]:
            detail = f"{fmt_count(f['affected_cases'], lang)} {w['cases_word']}"
            if "affected_cases_before" in f:
                detail = f"{fmt_count(f['affected_cases_before'], lang)} → {detail}"
            out.append({"title": f["title"][lang], "rule": f["rule"], "detail": detail})
        return out

    return {
        "lang": lang, "w": w, "deltas": deltas,
        "a_name": document["a"]["log"], "b_name": document["b"]["log"],
        "a_cases": fmt_count(document["a"]["cases"], lang), "b_cases": fmt_count(document["b"]["cases"], lang),
        "a_filters": "; ".join(document["a"]["filters"]), "b_filters": "; ".join(document["b"]["filters"]),
        "finding_groups": [{"title": w[g], "entries": items(g)} for g in ("disappeared", "appeared", "stayed")],
    }


def comparison_html_fragment(document: dict[str, Any], lang: str = "en") -> str:
    """The deltas and findings as HTML, for notebooks."""
    return environment().get_template("compare_body.html.j2").render(**_context(document, lang))


def write_comparison(folder: Path, document: dict[str, Any], diff_map: Any, lang: str = "en") -> dict[str, Path]:
    """compare.json, map-diff.svg/png and a self-contained compare.html in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {"json": write_json(folder / "compare.json", document),
             "svg": diff_map.save(folder / "map-diff.svg"), "png": diff_map.save(folder / "map-diff.png")}
    html = environment().get_template("compare.html.j2").render(**_context(document, lang),
                                                               map_uri=data_uri(files["png"]))
    files["html"] = folder / "compare.html"
    files["html"].write_text(html, encoding="utf-8")
    return files

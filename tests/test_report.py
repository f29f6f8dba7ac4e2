"""report.html and report.md: self-contained, complete, bilingual, and without names of people.

The reports are made the way `procesflow discover` makes them: the sample permit log → metrics.json
and findings.json → maps and charts → write_reports.
"""

from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from procesflow.render.report import OUTPUT_FILES, build_context, format_evidence, write_reports
from procesflow.render.text import COMPLEXITY_LABELS, EVIDENCE_LABELS, T, fmt_count, fmt_duration, fmt_share

CASES = 300


def build_output(folder: Path, lang: str) -> dict:
    """An output folder like `discover` writes (maps, charts, JSON, reports) for a small sample log."""
    from procesflow.lean.engine import run_rules
    from procesflow.lean.report import findings_document
    from procesflow.metrics.summary import analyse
    from procesflow.options import AnalysisOptions
    from procesflow.outputs import write_json
    from procesflow.render.charts import write_charts
    from procesflow.render.graphviz import render
    from procesflow.render.mapdata import map_input
    from procesflow.render.maps import findings_map, frequency_map, performance_map
    from procesflow.sample import write_sample
    from procesflow.session import ensure_imported, open_log

    folder.mkdir(parents=True, exist_ok=True)
    source = folder.parent / f"vergunningen-{lang}.csv"
    write_sample(source, CASES, seed=3)
    resolved = ensure_imported(str(source), folder.parent / f"store-{lang}.duckdb")
    log = open_log(resolved.db, resolved.name, None)
    try:
        options = AnalysisOptions(deadline="8w", deadline_end="Besluit verzenden")
        data = map_input(log)
        metrics = analyse(log, options, map_dfg=data.dfg).metrics
        findings = findings_document(log, run_rules(log, options), options)
    finally:
        log.store.close()
    maps = {}
    for kind, dot in (("frequency", frequency_map(data, lang)), ("performance", performance_map(data, lang)),
                      ("findings", findings_map(data, findings["findings"], lang))):
        stem = {"frequency": "map", "performance": "map-performance", "findings": "map-findings"}[kind]
        (folder / f"{stem}.svg").write_bytes(render(dot, "svg"))
        (folder / f"{stem}.png").write_bytes(render(dot, "png"))
        (folder / f"{stem}.dot").write_text(dot, encoding="utf-8")
        maps[kind] = folder / f"{stem}.svg"
    write_json(folder / "metrics.json", metrics)
    write_json(folder / "findings.json", findings)
    charts = write_charts(folder, metrics, lang)
    reports = write_reports(folder, metrics, findings, lang, maps=maps, charts=charts)
    return {"folder": folder, "metrics": metrics, "findings": findings, "reports": reports, "source": source}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    base = tmp_path_factory.mktemp("reports")
    return {lang: build_output(base / lang, lang) for lang in ("en", "nl")}


class _Page(HTMLParser):
    """Tags, attributes and visible text of an HTML page; fails on unbalanced structure tags."""

    VOID = {"meta", "img", "br", "hr", "link", "col", "input", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str, str]] = []
        self.stack: list[str] = []
        self.text: list[str] = []
        self.html_lang: str | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))
        if tag == "html":
            self.html_lang = dict(attrs).get("lang")
        if tag in ("style", "script"):
            self._skip += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text))


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    assert not page.stack, f"unclosed tags: {page.stack}"
    return page


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_html_parses_and_is_self_contained(outputs: dict, lang: str) -> None:
    html = outputs[lang]["reports"]["html"]
    assert html == outputs[lang]["folder"] / OUTPUT_FILES["report_html"]
    page = parse(html)
    assert page.html_lang == lang
    links = [(tag, name, value) for tag, name, value in page.attrs if name in ("src", "href", "srcset", "data")]
    for tag, name, value in links:
        assert value.startswith(("data:image/", "#")), f"<{tag} {name}> points outside the file: {value[:60]}"
    images = [v for tag, name, v in page.attrs if tag == "img" and name == "src"]
    assert len(images) == 7  # 3 maps + 4 charts
    text = html.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, flags=re.I)
    assert "<script" not in text.lower() and "@import" not in text and "url(" not in text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_html_has_every_finding_and_the_key_numbers(outputs: dict, lang: str) -> None:
    out = outputs[lang]
    page = parse(out["reports"]["html"])
    visible = page.visible
    assert out["findings"]["findings"], "the sample log must give findings"
    for f in out["findings"]["findings"]:
        assert re.search(rf"\b{f['number']}\b", visible)
        assert f["title"][lang] in visible
        assert f'id="finding-{f["number"]}"' in out["reports"]["html"].read_text(encoding="utf-8")
    m = out["metrics"]
    assert fmt_count(m["log"]["cases"], lang) in visible
    assert fmt_duration(m["time"]["throughput"]["median"], lang, words=True) in visible
    assert fmt_share(m["deadline"]["decided"]["share_within_term"], lang) in visible
    assert fmt_share(m["rework"]["first_time_right_share"], lang) in visible
    assert fmt_count(m["variants"]["count"], lang) in visible
    assert T[lang]["complexity_title"] in visible and T[lang]["conformance_title"] in visible
    for guidance in m["complexity"]["guidance"]:
        assert guidance["rule"].replace("7PMG-", "") in visible


def test_html_is_in_dutch(outputs: dict) -> None:
    visible = parse(outputs["nl"]["reports"]["html"]).visible
    for words in ("Samenvatting", "Bevindingen en voorstellen", "Proceskaarten", "Complexiteitsscorekaart",
                  "Datakwaliteit", "Bijlage", "zaken", "mediane doorlooptijd", "Verwachte winst", "Onderbouwing"):
        assert words in visible, words
    for english in ("Summary", "Findings and proposals", "Expected gain", "median throughput time"):
        assert english not in visible, english


def test_reports_never_name_people(outputs: dict) -> None:
    out = outputs["nl"]
    with out["source"].open(encoding="cp1252", newline="") as fh:  # the sample follows Dutch export habits
        reader = csv.DictReader(fh, delimiter=";")
        people = {row["medewerker"] for row in reader if row.get("medewerker") and row["medewerker"] != "systeem"}
    assert len(people) > 5
    for path in (out["reports"]["html"], out["reports"]["md"]):
        text = path.read_text(encoding="utf-8")
        named = sorted(p for p in people if p in text)
        assert not named, f"{path.name} names people: {named[:3]}"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_markdown_references_existing_files(outputs: dict, lang: str) -> None:
    out = outputs[lang]
    md = out["reports"]["md"]
    assert md == out["folder"] / OUTPUT_FILES["report_md"]
    text = md.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert set(images) == {"map.png", "map-findings.png", "map-performance.png", "charts/throughput.png",
                           "charts/variants.png", "charts/handoffs.png", "charts/wip.png"}
    for name in images:
        assert (out["folder"] / name).is_file(), name
    assert "data:image" not in text and "http" not in text
    for f in out["findings"]["findings"]:
        assert f["title"][lang].replace("'", "") in text.replace("\\", "").replace("'", "")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_markdown_tables_are_well_formed(outputs: dict, lang: str) -> None:
    lines = outputs[lang]["reports"]["md"].read_text(encoding="utf-8").splitlines()
    cells = lambda line: len(re.findall(r"(?<!\\)\|", line))  # noqa: E731
    for i, line in enumerate(lines):
        if re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line):
            header = lines[i - 1]
            j = i + 1
            while j < len(lines) and lines[j].startswith("|"):
                assert cells(lines[j]) == cells(header), f"row {j + 1}: {lines[j][:80]}"
                j += 1


def test_write_reports_finds_maps_and_charts_in_the_folder(outputs: dict, tmp_path: Path) -> None:
    """`discover` calls write_reports(folder, metrics, findings, lang): images are looked up by OUTPUT_FILES."""
    out = outputs["en"]
    reports = write_reports(out["folder"], out["metrics"], out["findings"], "en")
    page = parse(reports["html"])
    assert len([1 for tag, name, _ in page.attrs if tag == "img" and name == "src"]) == 7
    for key in ("map", "map_findings", "map_performance", "chart_throughput", "chart_wip_png"):
        assert (out["folder"] / OUTPUT_FILES[key]).is_file(), key


def test_map_pngs_have_a_palette_and_the_report_embeds_those_bytes(outputs: dict) -> None:
    """A map PNG is compacted once, where it is drawn (graphviz.compact_png): the file an analyst
    attaches and the image report.html embeds are the same bytes, well under Graphviz's own PNG, and
    the picture is Graphviz's (compared pixel by pixel with the full-colour rendering: about one grey
    level off on average, hardly a pixel visibly)."""
    import base64
    import io
    import subprocess

    from PIL import Image, ImageChops

    from procesflow.render.graphviz import dot_executable

    out = outputs["en"]
    html = out["reports"]["html"].read_text(encoding="utf-8")
    embedded = {base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', html)}
    for stem in ("map", "map-performance", "map-findings"):
        png = (out["folder"] / f"{stem}.png").read_bytes()
        assert png in embedded, stem
        raw = subprocess.run([dot_executable(), "-Tpng", "-Gdpi=144"], capture_output=True, check=True,
                             input=(out["folder"] / f"{stem}.dot").read_bytes()).stdout
        assert len(png) < 0.6 * len(raw), stem
        with Image.open(io.BytesIO(png)) as compact, Image.open(io.BytesIO(raw)) as full:
            assert compact.mode == "P" and compact.size == full.size, stem
            difference = ImageChops.difference(full.convert("RGB"), compact.convert("RGB")).convert("L")
        histogram = difference.histogram()  # per pixel: how far its grey level moved
        pixels = sum(histogram)
        # about one grey level (of 255) on average, and hardly a pixel visibly (measured: 1.0-1.1 and
        # at most 0.16% of the pixels off by more than 8, 0.005% by more than 16)
        assert sum(level * n for level, n in enumerate(histogram)) / pixels < 2, stem
        assert sum(histogram[9:]) / pixels < 0.01 and sum(histogram[17:]) / pixels < 0.001, stem


def test_reports_are_deterministic(outputs: dict, tmp_path: Path) -> None:
    out = outputs["nl"]
    before = {k: p.read_bytes() for k, p in out["reports"].items()}
    again = write_reports(out["folder"], out["metrics"], out["findings"], "nl")
    assert {k: p.read_bytes() for k, p in again.items()} == before


def test_write_reports_with_little_data(tmp_path: Path) -> None:
    """A log without departments, deadline, variants or findings still gives readable reports."""
    metrics = {"log": {"name": "mini", "cases": 3, "events": 6, "activities": 2,
                       "first_event": "2024-03-01T10:00:00+00:00", "last_event": "2024-03-04T10:00:00+00:00"},
               "deadline": {"computed": False, "reason": "no term"}, "citizen": {"computed": False},
               "model": {"conformance": {"alignments": {"computed": False, "reason": "too few"}}},
               "complexity": {"dfg": None, "bpmn": None, "log": None, "guidance": [], "definitions": {}}}
    findings = {"findings": [], "skipped": [{"rule": "ping-pong", "reason": "no departments"}], "suggestions": []}
    reports = write_reports(tmp_path, metrics, findings, "nl")
    visible = parse(reports["html"]).visible
    assert T["nl"]["findings_none"] in visible and "ping-pong" in visible and "mini" in visible
    assert "<img" not in reports["html"].read_text(encoding="utf-8")
    assert "no departments" in reports["md"].read_text(encoding="utf-8")


def test_build_context_is_plain_data(outputs: dict) -> None:
    out = outputs["en"]
    context = build_context(out["metrics"], out["findings"], "en")
    json.dumps({k: v for k, v in context.items() if k != "t"})  # no objects, only formatted text
    numbers = [f["number"] for f in context["findings"]]
    assert numbers == sorted(numbers)
    assert [c["key"] for c in context["cards"]][:3] == ["cases", "throughput", "term"]


@pytest.mark.parametrize(("key", "value", "lang", "expected"), [
    ("late_share", 0.1209, "en", "12%"),
    ("within_share", 0.8791, "nl", "88%"),
    ("affected_share", 0.0035, "nl", "0,4%"),
    ("median_wait_days", 9.1737, "en", "9.2 days"),
    ("median_days_late", 6.9, "nl", "6,9 dagen"),
    ("median_wait_per_handoff_days", 0.000415, "en", "36 s"),
    ("median_s", 34000.0, "en", "9.4 hours"),
    ("median_minutes", 14.95, "en", "15 min"),
    ("bounce_days_per_year", 11532.8, "nl", "11.533"),
    ("handoffs", 15185, "nl", "15.185"),
    ("concentration", 1.5835, "en", "1.58"),
    ("main_weekday", "Tuesday", "nl", "dinsdag"),
    ("department_names", "Vergunningen, Welstand", "en", "Vergunningen, Welstand"),
    ("at_risk", None, "en", "–"),
])
def test_evidence_is_formatted_for_people(key: str, value: object, lang: str, expected: str) -> None:
    assert format_evidence(key, value, lang) == expected


def test_words_exist_in_both_languages() -> None:
    assert set(T["en"]) == set(T["nl"])
    assert set(EVIDENCE_LABELS["en"]) == set(EVIDENCE_LABELS["nl"])
    assert set(COMPLEXITY_LABELS["en"]) == set(COMPLEXITY_LABELS["nl"])


def test_every_evidence_column_of_the_built_in_rules_has_a_label(outputs: dict) -> None:
    keys = {k for out in outputs.values() for f in out["findings"]["findings"] for k in f["evidence"]}
    missing = sorted(keys - set(EVIDENCE_LABELS["en"]) - {"affected_cases", "affected_share"})
    assert not missing, f"add labels to text.EVIDENCE_LABELS: {missing}"

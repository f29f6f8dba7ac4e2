"""Charts: written as SVG and PNG, valid, labelled in the report language, byte-for-byte deterministic."""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest

from procesflow.render.charts import CHART_DIR, CHART_NAMES, handoff_chart, variants_chart, write_charts
from procesflow.render.text import T

DAY = 86400.0


def metrics_fixture() -> dict:
    """A metrics.json with the sections the charts read, shaped like a permit process."""
    edges = [13 * DAY + i * 5.4 * DAY for i in range(21)]
    counts = [19, 78, 152, 241, 365, 316, 253, 206, 128, 98, 67, 31, 16, 13, 10, 3, 2, 0, 0, 2]
    open_by_day = [min(d * 3, 240) - (d % 7) for d in range(200)]
    weeks = [{"week": f"2024-W{w + 2:02d}", "week_start": (date(2024, 1, 8) + timedelta(weeks=w)).isoformat(),
              "arrivals": 30.0 + w % 5, "completions": 25.0 + w % 7, "mean_open": 100.0, "max_open": 120,
              "open_at_end": 110} for w in range(28)]
    top = []
    cumulative = 0.0
    for rank, cases in enumerate([97, 84, 63, 57, 52, 45, 27, 23, 22, 21], start=1):
        cumulative += cases / 2000
        top.append({"rank": rank, "activities": ["Aanvraag ontvangen", "Besluit verzenden"], "length": 2,
                    "cases": cases, "share": cases / 2000, "cumulative_share": cumulative,
                    "median_throughput_s": 30 * DAY})
    departments = ["Vergunningen", "Klantcontactcentrum", "Teamleiding Vergunningen", "Welstand"]
    matrix = [{"from": a, "to": b, "handoff": a != b, "count": 10 * (i + 1) + j, "cases": 5, "share": 0.1,
               "total_wait_s": 1.0, "median_wait_s": 1.0}
              for i, a in enumerate(departments) for j, b in enumerate(departments) if (i + j) % 3 != 1]
    return {
        "log": {"name": "vergunningen", "cases": 2000},
        "time": {
            "throughput": {"median": 42.9 * DAY, "p90": 63.7 * DAY, "histogram": {"edges": edges, "counts": counts}},
            "wip": {"first_day": "2024-01-08", "open_by_day": open_by_day, "weeks": weeks, "mean_open": 185.2,
                    "max_open": 240, "max_open_day": "2024-04-01"},
        },
        "deadline": {"computed": True, "term": "8w", "term_s": 56 * DAY,
                     "decided": {"cases": 1679, "within_term": 1476, "late": 203, "share_within_term": 0.879}},
        "variants": {"count": 734, "top": top},
        "handoffs": {"level": "department", "matrix": matrix},
    }


def svg_texts(path: Path) -> list[str]:
    """The texts of a matplotlib SVG (text is drawn as outlines; each one is preceded by a comment)."""
    return [t.strip() for t in re.findall(r"<!-- (.*?) -->", path.read_text(encoding="utf-8"), flags=re.S)]


def test_write_charts_writes_valid_svg_and_png(tmp_path: Path) -> None:
    written = write_charts(tmp_path, metrics_fixture(), "en")
    assert set(written) == set(CHART_NAMES) | {f"{n}_png" for n in CHART_NAMES}
    for name in CHART_NAMES:
        svg, png = written[name], written[f"{name}_png"]
        assert svg == tmp_path / CHART_DIR / f"{name}.svg" and png == svg.with_suffix(".png")
        root = ET.fromstring(svg.read_bytes())
        assert root.tag.endswith("svg")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 10_000  # a drawn chart, not an empty canvas


def test_charts_are_byte_for_byte_deterministic(tmp_path: Path) -> None:
    first = write_charts(tmp_path / "a", metrics_fixture(), "nl")
    second = write_charts(tmp_path / "b", metrics_fixture(), "nl")
    for key, path in first.items():
        assert path.read_bytes() == second[key].read_bytes(), key
    assert b"<dc:date>" not in first["throughput"].read_bytes()


def test_titles_and_labels_in_english(tmp_path: Path) -> None:
    written = write_charts(tmp_path, metrics_fixture(), "en")
    texts = svg_texts(written["throughput"])
    assert "Throughput time per case" in texts
    assert "days from the first to the last event of a case" in texts
    assert any("statutory term 8 weeks (56 days)" in t for t in texts)
    assert any("88% of decided cases within the term" in t for t in texts)
    variants = svg_texts(written["variants"])
    assert "Variants: how many cases follow each route" in variants
    assert any("the 10 most frequent of 734 variants cover" in t for t in variants)
    handoffs = svg_texts(written["handoffs"])
    assert {"Hand-offs between departments", "from department", "to department", "Teamleiding Vergunningen"} <= set(
        handoffs)
    assert "Open cases over time" in svg_texts(written["wip"])


def test_titles_and_labels_in_dutch(tmp_path: Path) -> None:
    written = write_charts(tmp_path, metrics_fixture(), "nl")
    texts = svg_texts(written["throughput"])
    assert "Doorlooptijd per zaak" in texts
    assert any("wettelijke termijn 8 weken (56 dagen)" in t for t in texts)
    assert "zaken" in texts
    assert "Overdrachten tussen afdelingen" in svg_texts(written["handoffs"])
    assert "Lopende zaken in de tijd" in svg_texts(written["wip"])
    wip = svg_texts(written["wip"])
    assert any(t.startswith("apr") or t.startswith("feb") for t in wip)  # Dutch month names on the axis
    assert any("1.200" in t or "1.400" in t for t in svg_texts(written["variants"]))  # Dutch thousands separator


def test_no_term_line_without_a_deadline(tmp_path: Path) -> None:
    metrics = metrics_fixture()
    metrics["deadline"] = {"computed": False, "reason": "no --deadline"}
    texts = svg_texts(write_charts(tmp_path, metrics, "en")["throughput"])
    assert not any("statutory term" in t for t in texts)
    assert any(t.startswith("median") for t in texts)


def test_charts_without_data_are_left_out(tmp_path: Path) -> None:
    assert write_charts(tmp_path, {}, "en") == {}
    metrics = metrics_fixture()
    metrics["handoffs"]["matrix"] = [{"from": "A", "to": "A", "handoff": False, "count": 3}]  # no hand-off at all
    assert "handoffs" not in write_charts(tmp_path, metrics, "en")


def test_handoff_matrix_stays_readable_with_15_departments(tmp_path: Path) -> None:
    names = [f"Afdeling {i} {'Publiekszaken en Dienstverlening' if i % 4 == 0 else 'Zaken'}" for i in range(15)]
    matrix = [{"from": a, "to": b, "handoff": a != b, "count": (i * 7 + j * 3) % 50 + 1}
              for i, a in enumerate(names) for j, b in enumerate(names) if (i * j) % 3 == 0]
    svg, png = handoff_chart(tmp_path, matrix, "nl")
    texts = svg_texts(svg)
    assert "van afdeling" in texts and "naar afdeling" in texts
    assert sum(1 for t in texts if t.startswith("Afdeling")) >= 15  # every department labelled (rows at least)
    from PIL import Image

    with Image.open(png) as im:
        assert im.width >= 1200 and im.height >= 1200  # grows with the departments


def test_variants_chart_marks_where_80_percent_is_reached(tmp_path: Path) -> None:
    variants = copy.deepcopy(metrics_fixture()["variants"])
    variants["top"][0].update(cases=1500, share=0.75, cumulative_share=0.75)
    for v in variants["top"][1:]:
        v["cumulative_share"] += 0.75 - 97 / 2000
    svg, _ = variants_chart(tmp_path, variants, 2000, "en")
    assert "3 variants cover 80% of cases" in svg_texts(svg)  # 75% + 4.2% + 3.2%


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_chart_words_exist_in_both_languages(lang: str) -> None:
    assert {k for k in T["en"] if k.startswith("chart_")} == {k for k in T[lang] if k.startswith("chart_")}

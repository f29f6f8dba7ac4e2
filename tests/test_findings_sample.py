"""The Lean rules on the bundled sample logs: every planted waste is found with the right rule id and
numbers that agree with an independent pandas computation, and the clean process stays silent."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from procesflow.eventlog import EventLog
from procesflow.importer import ImportRequest, import_log
from procesflow.lean.engine import run_rules
from procesflow.options import AnalysisOptions
from procesflow.sample import PLANTED
from procesflow.store import Store

from .conftest import SAMPLE_LOGS

README = SAMPLE_LOGS.parent / "README.md"

TERM = AnalysisOptions(deadline="8w", deadline_start="Aanvraag ontvangen", deadline_end="Besluit verzenden",
                       suspend_start="Opschorting gestart", suspend_end="Opschorting beëindigd")


def _run(tmp_path_factory, file: str, options: AnalysisOptions = TERM):
    db = tmp_path_factory.mktemp("sample") / "s.duckdb"
    with Store(db) as store:
        import_log(store, ImportRequest(source=str(SAMPLE_LOGS / file)))
    store = Store(db, read_only=True)
    log = EventLog(store)
    run = run_rules(log, options)
    return run, log


@pytest.fixture(scope="module")
def asis(tmp_path_factory):
    run, log = _run(tmp_path_factory, "vergunningen.csv")
    yield run
    log.store.close()


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """The as-is log read independently with pandas (Dutch CSV conventions)."""
    df = pd.read_csv(SAMPLE_LOGS / "vergunningen.csv", sep=";", encoding="cp1252", na_values=["n.v.t."])
    df["tijdstip"] = pd.to_datetime(df["tijdstip"], format="%d-%m-%Y %H:%M:%S")
    return df.sort_values(["zaaknummer", "tijdstip"], kind="stable")


def by_rule(run, rule_id):
    return [f for f in run.findings if f.rule == rule_id]


def test_every_planted_waste_is_found(asis):
    found = {f.rule for f in asis.findings}
    assert set(PLANTED) <= found, f"missing: {sorted(set(PLANTED) - found)}"
    assert not asis.skipped


def test_rework_loop_matches_the_cases_that_repeat_the_admissibility_check(asis, frame):
    (loop,) = [f for f in by_rule(asis, "rework-loop") if "Ontvankelijkheid toetsen" in f.elements["activities"]]
    # independently: the cases that do the admissibility check more than once
    repeats = frame[frame["activiteit"] == "Ontvankelijkheid toetsen"].groupby("zaaknummer").size()
    assert loop.affected_cases == int((repeats > 1).sum())
    lo, hi = PLANTED["rework-loop"]["range"]
    assert lo <= loop.affected_share <= hi
    assert set(PLANTED["rework-loop"]["activities"]) <= set(loop.elements["activities"])


def test_ping_pong_is_the_planted_pair(asis):
    (pp,) = by_rule(asis, "ping-pong")
    assert set(pp.elements["departments"]) == set(PLANTED["ping-pong"]["departments"])
    lo, hi = PLANTED["ping-pong"]["range"]
    assert lo <= pp.affected_share <= hi


def test_waiting_bottleneck_and_rubber_stamp_name_the_planted_steps(asis, frame):
    (wb,) = by_rule(asis, "waiting-bottleneck")
    assert wb.elements["activities"] == [PLANTED["waiting-bottleneck"]["activity"]]
    (rs,) = by_rule(asis, "rubber-stamp")
    assert rs.elements["activities"] == [PLANTED["rubber-stamp"]["activity"]]
    assert rs.evidence["successor"] == PLANTED["rubber-stamp"]["followed_by"]
    # independent: share of Paraaf teamleider executions directly followed by Besluit opstellen
    frame = frame.assign(volgende=frame.groupby("zaaknummer")["activiteit"].shift(-1))
    paraaf = frame[frame["activiteit"] == "Paraaf teamleider"]
    assert rs.evidence["successor_share"] == pytest.approx((paraaf["volgende"] == "Besluit opstellen").mean())


def test_late_knockout_deadline_and_others(asis):
    (ko,) = by_rule(asis, "late-knockout")
    assert ko.evidence["activity"] == PLANTED["late-knockout"]["activity"]
    assert ko.evidence["outcome"] == PLANTED["late-knockout"]["knockout"]
    lo, hi = PLANTED["late-knockout"]["range"]
    assert lo <= ko.evidence["knockout_share"] <= hi
    (dl,) = by_rule(asis, "deadline-breach")
    lo, hi = PLANTED["deadline-breach"]["range_without_suspension"]
    assert lo <= dl.evidence["late_share"] <= hi
    (fd,) = by_rule(asis, "failure-demand")
    assert fd.elements["activities"] == [PLANTED["failure-demand"]["activity"]]
    (bt,) = by_rule(asis, "batching")
    assert bt.evidence["activity"] == PLANTED["batching"]["activity"] and bt.evidence["main_weekday"] == "Tuesday"
    (par,) = by_rule(asis, "parallelizable")
    assert set(par.elements["activities"]) == set(PLANTED["parallelizable"]["activities"])
    (auto,) = by_rule(asis, "automation-candidate")
    assert auto.elements["activities"] == [PLANTED["automation-candidate"]["activity"]]
    (red,) = by_rule(asis, "redundant-activity")
    assert red.elements["activities"] == [PLANTED["redundant-activity"]["activity"]]


def test_failure_demand_typical_wait_is_the_median_gap_between_case_steps(asis, frame):
    """The rule's yardstick, independently: a case's steps are its first event and every event that
    is no contact (no channel); the gaps between consecutive steps span the contacts between them."""
    (fd,) = by_rule(asis, "failure-demand")
    pos = frame.groupby("zaaknummer").cumcount()
    steps = frame[(pos == 0) | frame["kanaal"].isna()]
    gaps = steps.groupby("zaaknummer")["tijdstip"].diff().dt.total_seconds().dropna()
    assert fd.evidence["typical_wait_days"] == pytest.approx(gaps[gaps > 0].median() / 86400)


def test_findings_are_ranked_by_expected_gain(asis):
    gains = [f.expected_gain["days_equivalent"] for f in asis.findings]
    assert gains == sorted(gains, reverse=True)
    assert [f.number for f in asis.findings] == list(range(1, len(asis.findings) + 1))


def test_clean_process_gives_no_false_alarms(tmp_path_factory):
    # the clean process has no suspensions to exclude
    clean_term = AnalysisOptions(deadline="8w", deadline_start="Aanvraag ontvangen", deadline_end="Besluit verzenden")
    run, log = _run(tmp_path_factory, "vergunningen-schoon.csv", clean_term)
    try:
        quiet = {"defects", "transport", "overprocessing"}
        assert [f.rule for f in run.findings if f.waste in quiet] == []
        assert run.findings == []
    finally:
        log.store.close()


def test_the_readme_lists_every_column_of_every_rule_view(tmp_path_factory):
    """Rule authors write SQL against the README's "Rule views" table: it names each view's columns
    exactly (notes in parentheses aside; a table ending in an ellipsis names some of them)."""
    run, log = _run(tmp_path_factory, "vergunningen.csv")  # with a term: deadline_cases exists too
    try:
        text = README.read_text(encoding="utf-8").split("**Rule views**", 1)[1].split("\n\n", 2)[1]
        rows = [line.split(" | ") for line in text.splitlines() if line.startswith("| `")]
        assert len(rows) >= 13
        for view_cell, _, columns_cell in rows:
            view = view_cell.strip("| `")
            listed = re.findall(r"`(\w+)`", re.sub(r"\([^)]*\)", "", columns_cell))
            actual = [r[0] for r in log.con.execute(f"DESCRIBE {view}").fetchall()]
            if columns_cell.rstrip(" |").endswith("…"):
                assert set(listed) <= set(actual), view
            else:  # (in an order that reads well, not necessarily the view's)
                assert sorted(listed) == sorted(actual), (view, set(listed) ^ set(actual))
    finally:
        log.store.close()

"""Statutory term: hand-computed status, net time, suspension and lateness per case."""

from __future__ import annotations

import json

import pytest

from procesflow.errors import InputError
from procesflow.metrics.deadline import NO_DEADLINE, compute_deadline, deadline_cases
from procesflow.options import AnalysisOptions

D = 86400.0
TERM = AnalysisOptions(deadline="10d", deadline_end="Besluit", suspend_start="Aanvulling gevraagd",
                       suspend_end="Aanvulling ontvangen")

# Dates are date-only (local midnight, here UTC); the log ends on 2024-01-30 (case d10).
LOG = [
    ("d1", "Aanvraag", "2024-01-01"), ("d1", "Besluit", "2024-01-08"),                        # 7 d: within
    ("d2", "Aanvraag", "2024-01-01"), ("d2", "Aanvulling gevraagd", "2024-01-03"),
    ("d2", "Aanvulling ontvangen", "2024-01-08"), ("d2", "Besluit", "2024-01-12"),            # 11 - 5 = 6 d
    ("d3", "Aanvraag", "2024-01-01"), ("d3", "Besluit", "2024-01-14"),                        # 13 d: 3 d late
    ("d4", "Aanvraag", "2024-01-01"), ("d4", "Aanvulling gevraagd", "2024-01-02"),
    ("d4", "Aanvulling gevraagd", "2024-01-04"),  # a second request while suspended changes nothing
    ("d4", "Aanvulling ontvangen", "2024-01-06"), ("d4", "Besluit", "2024-01-15"),            # 14 - 4 = 10 d: on time
    ("d5", "Aanvraag", "2024-01-21 12:00"),                                                   # open 8.5 d: at risk
    ("d6", "Aanvraag", "2024-01-10"), ("d6", "Aanvulling gevraagd", "2024-01-12"),            # open, suspended since
    ("d7", "Aanvraag", "2024-01-05"),                                                         # open 25 d: overdue
    ("d8", "Aanvraag", "2024-01-01"), ("d8", "Aanvulling gevraagd", "2024-01-05"),
    ("d8", "Besluit", "2024-01-20"),                          # unclosed suspension until the decision: 19 - 15 = 4 d
    ("d9", "Aanvraag", "2024-01-01"), ("d9", "Aanvulling ontvangen", "2024-01-03"),
    ("d9", "Besluit", "2024-01-13"),                          # resume without suspension ignored: 12 d, 2 d late
    ("d10", "Aanvraag", "2024-01-25"), ("d10", "Besluit", "2024-01-30"),                      # 5 d
]
EXPECTED = {  # case: (status, net days, suspended days)
    "d1": ("within", 7, 0), "d2": ("within", 6, 5), "d3": ("late", 13, 0), "d4": ("within", 10, 4),
    "d5": ("at_risk", 8.5, 0), "d6": ("running", 2, 18), "d7": ("overdue", 25, 0), "d8": ("within", 4, 15),
    "d9": ("late", 12, 0), "d10": ("within", 5, 0),
}


def test_per_case_status_by_hand(tiny_log):
    cases = deadline_cases(tiny_log(LOG), TERM).set_index("case_id")
    got = {c: (r.status, r.net_s / D, r.suspended_s / D) for c, r in cases.iterrows()}
    assert got == EXPECTED
    assert cases.loc["d3", "late_s"] == 3 * D and cases.loc["d9", "late_s"] == 2 * D
    assert cases.loc["d5", "term_share"] == pytest.approx(0.85)
    assert cases.loc["d6", "unclosed_suspensions"] == 1 and cases.loc["d8", "unclosed_suspensions"] == 1
    assert cases.loc["d4", "suspensions"] == 1
    assert set(cases.loc[cases["state"] == "open"].index) == {"d5", "d6", "d7"}
    assert cases.loc[cases["state"] == "open", "decision_ts"].isna().all()


def test_section_by_hand(tiny_log):
    s = compute_deadline(tiny_log(LOG), TERM)
    assert s["computed"] and s["term_s"] == 10 * D and s["cases"] == 10
    assert s["decided"]["cases"] == 7 and s["decided"]["within_term"] == 5 and s["decided"]["late"] == 2
    assert s["decided"]["share_within_term"] == pytest.approx(5 / 7)
    assert s["decided"]["net_time"]["median"] == 7 * D  # 4 5 6 7 10 12 13
    late = s["late"]
    assert (late["count"], late["min"], late["median"], late["max"]) == (2, 2 * D, 2.5 * D, 3 * D)
    assert sum(late["histogram"]["counts"]) == 2
    o = s["open"]
    assert (o["cases"], o["running"], o["at_risk"], o["overdue"]) == (3, 1, 1, 1)
    assert o["reference_ts"].startswith("2024-01-30T00:00:00")
    assert o["term_share"]["median"] == pytest.approx(0.85)
    susp = s["suspension"]
    assert (susp["cases_suspended"], susp["unclosed"], susp["total_suspended_s"]) == (4, 2, 42 * D)
    assert s["clock"]["all_cases_decided"] is False
    assert [(m["month"], m["decided"], m["late"]) for m in s["by_month"]] == [("2024-01", 7, 2)]
    assert json.loads(json.dumps(s, allow_nan=False)) == s


def test_at_risk_threshold(tiny_log):
    s = compute_deadline(tiny_log(LOG), AnalysisOptions(deadline="10d", deadline_end="Besluit", at_risk_pct=90))
    assert (s["open"]["running"], s["open"]["at_risk"], s["open"]["overdue"]) == (1, 0, 2)  # d6 unsuspended: 20 d


def test_without_end_activity_every_case_is_decided(tiny_log):
    s = compute_deadline(tiny_log(LOG), AnalysisOptions(deadline="10d"))
    assert s["clock"]["all_cases_decided"] is True and s["clock"]["note"]
    assert s["open"]["cases"] == 0 and s["decided"]["cases"] == 10
    cases = deadline_cases(tiny_log(LOG), AnalysisOptions(deadline="10d")).set_index("case_id")
    assert cases.loc["d5", "net_s"] == 0  # a single event: decided at once
    assert cases.loc["d6", "net_s"] == 2 * D
    assert s["suspension"] is None


def test_start_activity_and_cases_without_it(tiny_log):
    rows = [
        ("a", "Aanvraag", "2024-01-01"), ("a", "Ontvankelijk", "2024-01-03"), ("a", "Besluit", "2024-01-09"),
        ("b", "Aanvraag", "2024-01-01"), ("b", "Besluit", "2024-01-02"),
        # the decision before the clock starts does not stop it; the next one does
        ("c", "Besluit", "2024-01-01"), ("c", "Ontvankelijk", "2024-01-02"), ("c", "Besluit", "2024-01-04"),
    ]
    opts = AnalysisOptions(deadline="1w", deadline_start="Ontvankelijk", deadline_end="Besluit")
    cases = deadline_cases(tiny_log(rows), opts).set_index("case_id")
    assert cases["status"].to_dict() == {"a": "within", "b": "no_start", "c": "within"}
    assert cases.loc["a", "net_s"] == 6 * D and cases.loc["c", "net_s"] == 2 * D
    s = compute_deadline(tiny_log(rows), opts)
    assert s["cases"] == 2 and s["cases_without_start_activity"] == 1


def test_ties_and_single_event_decision(tiny_log):
    rows = [
        # end activity tied with the start in time but later in source order: decided after 0 s
        ("t", "Aanvraag", "2024-01-01 10:00"), ("t", "Besluit", "2024-01-01 10:00"),
        # a case whose only event is the decision: the clock starts there, no decision after it
        ("s", "Besluit", "2024-01-01 10:00"),
        ("z", "Aanvraag", "2024-01-03 10:00"),
    ]
    cases = deadline_cases(tiny_log(rows), AnalysisOptions(deadline="1d", deadline_end="Besluit")).set_index("case_id")
    assert cases.loc["t", "status"] == "within" and cases.loc["t", "net_s"] == 0
    assert cases.loc["s", "status"] == "overdue" and cases.loc["s", "net_s"] == 2 * D


def test_no_deadline_is_never_assumed(tiny_log):
    assert compute_deadline(tiny_log(LOG), AnalysisOptions()) == {"computed": False, "reason": NO_DEADLINE}
    assert NO_DEADLINE == "no statutory term given; use --deadline (e.g. 8w for a regular permit)"
    with pytest.raises(InputError):
        deadline_cases(tiny_log(LOG), AnalysisOptions())


def test_misspelt_activity_is_named(tiny_log):
    with pytest.raises(InputError, match=r"--deadline-end 'Besluiten'.*did you mean 'Besluit'"):
        compute_deadline(tiny_log(LOG), AnalysisOptions(deadline="8w", deadline_end="Besluiten"))

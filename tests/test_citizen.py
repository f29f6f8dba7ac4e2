"""Citizen view: contacts, repeat contacts, contacts while waiting, channel switches,
first-time-right and channel mix — hand-computed on a tiny log."""

from __future__ import annotations

import json

import pytest

from procesflow.metrics.citizen import FTR_DEFINITION, citizen_cases, compute_citizen, contact_events

COLUMNS = ("case", "activity", "timestamp", "channel")
D = 86400.0
LOG = [
    # c1: web application, a phone call while waiting, switch web -> phone
    ("c1", "Aanvraag", "2024-01-01 10:00", "web"), ("c1", "Beoordelen", "2024-01-02 10:00", ""),
    ("c1", "Telefoon", "2024-01-03 10:00", "phone"), ("c1", "Besluit", "2024-01-05 10:00", ""),
    # c2: two e-mails while waiting (one switch web -> email; email -> email is none); Mail twice: not FTR
    ("c2", "Aanvraag", "2024-01-01 10:00", "web"), ("c2", "Mail", "2024-01-02 10:00", "email"),
    ("c2", "Mail", "2024-01-03 10:00", "email"), ("c2", "Besluit", "2024-01-04 10:00", ""),
    # c3: a complaint at the same moment as the closing event: after the first event, not while waiting
    ("c3", "Aanvraag", "2024-01-01 10:00", ""), ("c3", "Besluit", "2024-01-02 10:00", ""),
    ("c3", "Klacht", "2024-01-02 10:00", "phone"),
    # c4: a single event that is a contact
    ("c4", "Aanvraag", "2024-01-01 10:00", "phone"),
    # c5: no contact at all
    ("c5", "Aanvraag", "2024-01-01 10:00", ""), ("c5", "Besluit", "2024-01-03 10:00", ""),
    # c6: a counter visit tagged `contact`, without a channel
    ("c6", "Aanvraag", "2024-01-01 10:00", ""), ("c6", "Balie", "2024-01-02 10:00", ""),
    ("c6", "Besluit", "2024-01-03 10:00", ""),
    # c7: a call tied in time with the first event but after it in source order: while waiting
    ("c7", "Aanvraag", "2024-01-01 10:00", ""), ("c7", "Telefoon", "2024-01-01 10:00", "phone"),
    ("c7", "Besluit", "2024-01-02 10:00", ""),
]
TAGS = {"contact": ["Balie"]}


@pytest.fixture
def log(tiny_log):
    return tiny_log(LOG, columns=COLUMNS, tags=TAGS)


def test_per_case_by_hand(log):
    cases = citizen_cases(log).set_index("case_id")
    cols = ["contacts", "contacts_after_first", "contacts_while_waiting", "channel_switches", "first_time_right"]
    assert {c: tuple(r) for c, r in cases[cols].iterrows()} == {
        "c1": (2, 1, 1, 1, True), "c2": (3, 2, 2, 1, False), "c3": (1, 1, 0, 0, True), "c4": (1, 0, 0, 0, True),
        "c5": (0, 0, 0, 0, True), "c6": (1, 1, 1, 0, True), "c7": (1, 1, 1, 0, True),
    }


def test_section_by_hand(log):
    s = compute_citizen(log)
    assert s["computed"] and s["cases"] == 7
    assert s["contact_definition"] == {"channel": "events with a channel", "tagged_activities": ["Balie"]}
    c = s["contacts"]
    assert (c["total"], c["cases_with_contact"], c["median_per_case"], c["max_per_case"]) == (9, 6, 1.0, 3)
    assert c["mean_per_case"] == pytest.approx(9 / 7)
    assert c["distribution"] == [{"contacts": 0, "cases": 1}, {"contacts": 1, "cases": 4},
                                 {"contacts": 2, "cases": 1}, {"contacts": 3, "cases": 1}]
    after = s["contact_after_first_event"]
    assert (after["contacts"], after["cases"], after["share_of_cases"]) == (6, 5, pytest.approx(5 / 7))
    w = s["contact_while_waiting"]
    assert (w["contacts"], w["cases"], w["share_of_cases"]) == (5, 4, pytest.approx(4 / 7))
    assert w["waiting_for"] == [{"waiting_for": "Besluit", "contacts": 5, "cases": 4}]
    assert w["median_throughput_with_s"] == 2.5 * D  # c1 4 d, c2 3 d, c6 2 d, c7 1 d
    assert w["median_throughput_without_s"] == 1 * D  # c3 1 d, c4 0, c5 2 d
    sw = s["channel_switches"]
    assert (sw["total"], sw["cases_with_switch"], sw["median_per_case"]) == (2, 2, 0.0)
    assert sw["mean_per_case"] == pytest.approx(2 / 7)
    assert s["first_time_right"] == {"definition": FTR_DEFINITION, "cases": 6, "share": pytest.approx(6 / 7)}
    mix = {m["channel"]: (m["contacts"], m["cases"], m["first_event"]) for m in s["channel_mix"]}
    assert mix == {"phone": (4, 4, 1), "web": (2, 2, 2), "email": (2, 1, 0), None: (1, 1, 0)}
    assert sum(m["share"] for m in s["channel_mix"]) == pytest.approx(1.0)
    assert json.loads(json.dumps(s, allow_nan=False)) == s


def test_contact_events_name_what_the_case_waited_for(log):
    ev = contact_events(log)
    assert list(ev.loc[ev["while_waiting"], "waiting_for"]) == ["Besluit"] * 5
    assert ev.loc[ev["case_id"] == "c1", "switch"].tolist() == [False, True]


def test_without_contact_information_only_first_time_right(tiny_log):
    s = compute_citizen(tiny_log([("a", "A", "2024-01-01 10:00"), ("a", "A", "2024-01-02 10:00"),
                                  ("b", "A", "2024-01-01 10:00")]))
    assert s["computed"] is False and "--channel" in s["reason"]
    assert (s["first_time_right"]["cases"], s["first_time_right"]["share"]) == (1, 0.5)

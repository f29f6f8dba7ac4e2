"""The citizen's view: how often people have to get in touch, through which channels, and whether
their case is done right the first time. SQL in `sql/citizen_*.sql`.

Definitions (case order = ts, then source order):

* a **contact** is an event with a channel (the `channel` role: phone, e-mail, counter, web ...)
  or an event of an activity tagged `contact` in the mapping (`[tags] contact = [...]`), with or
  without a channel;
* **contacts after the first event**: contacts that are not the case's first event — the first
  event is usually the application itself; every later contact is extra demand;
* **contact while waiting**: a contact that is not the case's first event and whose timestamp is
  before the timestamp of the case's last event (so a contact at the same moment as the closing
  event does not count; one tied with the first event but later in source order does). These are
  the typical failure demand: "where is my permit?"; `waiting_for` names the next non-contact
  activity after each such contact;
* **channel switch**: two consecutive contacts-with-a-channel of a case (contacts without a
  channel are skipped) with different channels;
* **first-time-right**: no activity occurs more than once in the case (the same definition as the
  rework metric);
* **channel mix**: contact events per channel.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..eventlog import EventLog
from ..frames import frame
from ..options import AnalysisOptions
from ..sqlfiles import sql_text
from .timing import jsonable, records

FTR_DEFINITION = "a case is first-time-right when no activity occurs more than once in it"


def compute_citizen(log: EventLog, options: AnalysisOptions | None = None) -> dict[str, Any]:
    """The `citizen` section of metrics.json. Without any contact information (no channel role and
    no activities tagged `contact`) only first-time-right is computed."""
    tagged = contact_activities(log)
    _prepare(log, tagged)
    s = log.one("citizen_summary")
    cases = int(s["cases"])
    ftr = {
        "definition": FTR_DEFINITION,
        "cases": int(s["first_time_right"]),
        "share": int(s["first_time_right"]) / cases if cases else None,
    }
    has_channel = bool(log.con.execute("SELECT count(*) FROM pf_citizen_event WHERE channel IS NOT NULL")
                       .fetchone()[0])
    contact_definition = {
        "channel": "events with a channel" if has_channel else "no event in the log has a channel",
        "tagged_activities": tagged,
    }
    if not s["contacts"]:
        return jsonable({
            "computed": False,
            "reason": ("no contact events: map a channel column (--channel) or tag contact activities in the "
                       "mapping file ([tags] contact = [...])") if not (has_channel or tagged) else
                      "no contact events in the (filtered) log",
            "cases": cases,
            "contact_definition": contact_definition,
            "first_time_right": ftr,
        })

    def share(n: Any) -> float | None:
        return int(n) / cases if cases else None

    result = {
        "computed": True,
        "cases": cases,
        "contact_definition": contact_definition,
        "contacts": {
            "total": int(s["contacts"]),
            "cases_with_contact": int(s["cases_with_contact"]),
            "mean_per_case": s["mean_contacts"],
            "median_per_case": s["median_contacts"],
            "p90_per_case": s["p90_contacts"],
            "max_per_case": int(s["max_contacts"]),
            "distribution": records(log.df("citizen_distribution")),
        },
        "contact_after_first_event": {
            "definition": "a contact that is not the case's first event",
            "contacts": int(s["contacts_after_first"]),
            "cases": int(s["cases_contact_after_first"]),
            "share_of_cases": share(s["cases_contact_after_first"]),
        },
        "contact_while_waiting": {
            "definition": ("a contact that is not the case's first event and whose timestamp is before the "
                           "timestamp of the case's last event"),
            "contacts": int(s["contacts_while_waiting"]),
            "cases": int(s["cases_contact_while_waiting"]),
            "share_of_cases": share(s["cases_contact_while_waiting"]),
            "median_throughput_with_s": s["median_throughput_with_waiting_contact_s"],
            "median_throughput_without_s": s["median_throughput_without_waiting_contact_s"],
            "waiting_for": records(log.df("citizen_waiting_for")),
        },
        "channel_switches": {
            "definition": "consecutive contacts with a channel, in case order, whose channels differ",
            "total": int(s["channel_switches"]),
            "mean_per_case": s["mean_channel_switches"],
            "median_per_case": s["median_channel_switches"],
            "cases_with_switch": int(s["cases_with_switch"]),
            "share_of_cases": share(s["cases_with_switch"]),
        },
        "first_time_right": ftr,
        "channel_mix": records(log.df("citizen_channels")),
    }
    return jsonable(result)


def contact_activities(log: EventLog) -> list[str]:
    """Activities tagged `contact` in the mapping."""
    return sorted(log.tags.get("contact", []))


def citizen_cases(log: EventLog, options: AnalysisOptions | None = None) -> pd.DataFrame:
    """Per case: case_id, events, contacts, contacts_after_first, contacts_while_waiting,
    channel_switches, channels, first_time_right, throughput_s — the input of `failure-demand`
    (join with `timing.case_times` for waiting and working time)."""
    _prepare(log, contact_activities(log))
    return frame(log.con, "SELECT * EXCLUDE (case_key) FROM pf_citizen_case ORDER BY case_key")


def contact_events(log: EventLog, options: AnalysisOptions | None = None) -> pd.DataFrame:
    """Every contact event: case_id, activity, ts, seq, pos, channel, while_waiting, switch, waiting_for."""
    _prepare(log, contact_activities(log))
    return frame(log.con, "SELECT * EXCLUDE (case_key, is_contact) FROM pf_citizen_event ORDER BY case_key, pos")


def _prepare(log: EventLog, tagged: list[str]) -> None:
    log.ensure("activities")
    log.con.execute(sql_text("citizen_events"), {"contact_acts": tagged})
    log.con.execute(sql_text("citizen_cases"))

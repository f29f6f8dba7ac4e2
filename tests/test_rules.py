"""Every rule file: valid, with a triggering and a silent example log that behave as declared."""

from __future__ import annotations

import pytest

from procesflow.lean.examples import check_example
from procesflow.lean.rulefile import builtin_rule_paths, load_rule

RULES = [load_rule(p) for p in builtin_rule_paths()]
CASES = [(r, ex) for r in RULES for ex in r.examples]


def test_every_rule_has_a_trigger_and_a_silent_example():
    for rule in RULES:
        kinds = {ex.expect for ex in rule.examples}
        assert kinds == {"trigger", "silent"}, f"{rule.path}: needs a 'trigger' and a 'silent' example"


@pytest.mark.parametrize(("rule", "example"), CASES, ids=[f"{r.id}:{e.name}" for r, e in CASES])
def test_rule_example(rule, example):
    problem = check_example(rule, example)
    assert problem is None, f"{rule.path} example {example.name!r}: {problem}"


def test_batching_counts_a_meeting_that_runs_over_two_hours_as_one_batch():
    """A committee meets every other Tuesday from 14:00 to 16:00: four meetings of seven cases (four
    in the first hour, three in the second), 14 days apart — not eight batches half a meeting apart."""
    from procesflow.lean.examples import run_example
    from procesflow.lean.rulefile import Example

    rows, case = ["case;activity;timestamp"], 0
    for meeting in ("2024-01-02", "2024-01-16", "2024-01-30", "2024-02-13"):
        for minute in ("14:05", "14:20", "14:35", "14:50", "15:10", "15:30", "15:50"):
            case += 1
            rows += [f"{case};Apply;2023-12-{case:02d} {8 + case % 9:02d}:00",
                     f"{case};Committee advice;{meeting} {minute}"]
    (rule,) = [r for r in RULES if r.id == "batching"]
    example = Example(name="two-hour meeting", expect="trigger", log="\n".join(rows) + "\n", params={"min_events": 6})
    (finding,) = run_example(rule, example)
    ev = finding.evidence
    assert (ev["activity"], ev["batches"], ev["mean_batch_size"]) == ("Committee advice", 4, 7)
    assert ev["main_weekday"] == "Tuesday"
    assert ev["mean_gap_days"] == 14 and ev["main_hour"] == "14:00" and ev["main_hour_share"] == pytest.approx(4 / 7)
    assert finding.affected_cases == 28 and ev["batched_share"] == 1

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

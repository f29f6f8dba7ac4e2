"""Lean rules: declarative rule files (`rules/`), their validation and the engine that runs them."""

from .engine import Finding, RuleRun, run_rules
from .rulefile import Rule, load_rules

__all__ = ["Finding", "Rule", "RuleRun", "load_rules", "run_rules"]

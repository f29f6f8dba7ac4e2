"""Conformance of a Petri net against the log, computed from the variants with pm4py.

Every measure works on **the variants** and weights the result by each variant's number of cases, so
the cost grows with the variants, not the events. The results equal pm4py's log-level functions on
the event dataframe:

* token-based replay fitness == `pm4py.fitness_token_based_replay` (log_fitness, perc_fit_traces,
  average_trace_fitness; per variant the same produced/consumed/missing/remaining tokens and trace
  fitness as pm4py's replay of that trace). pm4py's per-trace replay handles each event according to
  the marking reached and the activity only, so `TokenReplayer` memoises that step per (marking,
  activity) and walks the prefix tree of the variants: pm4py itself runs once per distinct (marking,
  activity) and once per distinct marking reached at the end of a variant (a few thousand times for
  the 14,111 variants of a 5M-event log), everything else is a dictionary look-up per tree node.
  Where that would not be exact (pm4py's trace caches enabled) pm4py replays every variant.
* precision (ETConformance, token-based; Muñoz-Gama & Carmona 2010) == `pm4py.precision_token_based_replay`.
  pm4py only needs, per log prefix, the set of activities that follow it and how many traces reach
  it (plus the start activities and the number of cases); these come from the variants' prefix
  tree (prefix counts weighted by case counts), and each prefix's replay is one memoised step from
  its parent prefix.
* alignments == `pm4py.fitness_alignments` — only below `alignment_max_variants` variants and
  within `alignment_seconds`; otherwise `{"computed": False, "reason": ...}`.
"""

from __future__ import annotations

import math
import time
import warnings
from copy import copy
from typing import Any, NamedTuple

import pandas as pd

from ..eventlog import EventLog
from ..options import AnalysisOptions
from .models import Model
from .variants import discover_variants

_ACT = "concept:name"  # the activity key of the one-trace-per-variant logs handed to pm4py


class Conformance(NamedTuple):
    """`summary`: plain data for metrics.json; `per_variant`: one row per variant."""

    summary: dict[str, Any]
    per_variant: pd.DataFrame


def _items(variants: pd.DataFrame) -> list[tuple[tuple[str, ...], int]]:
    return [(tuple(v), int(n)) for v, n in zip(variants["variant"], variants["cases"], strict=True)]


def _trace(variant: tuple[str, ...]):
    from pm4py.objects.log.obj import Event, Trace

    return Trace([Event({_ACT: a}) for a in variant])


# -- token-based replay ----------------------------------------------------------------------------
def memoised_replay_is_exact() -> bool:
    """pm4py's trace caches are off (only `is_reduction` replays read them), so a trace's replay does not
    depend on the traces replayed before it (see `TokenReplayer`)."""
    from pm4py.algo.conformance.tokenreplay.variants import token_replay as tr

    tp = tr.TechnicalParameters
    return not (tp.ENABLE_POSTFIX_CACHE.value or tp.ENABLE_MARKTOACT_CACHE.value)


class TokenReplayer:
    """pm4py's token-based replay on one net, memoised per (marking, activity): replay costs a dictionary
    look-up per event once a marking and activity have been seen.

    Why this is exact (pm4py 2.7, `token_replay.apply_trace` with the fitness and precision parameters):
    how an event is handled depends only on the marking reached before it and its activity — the set of
    hidden transitions visited is fresh per event, the lists of fired transitions and visited markings are
    only appended to, and the two caches pm4py shares between traces (post-fix, marking-to-activity) are
    written but only read when `is_reduction` is set (`TechnicalParameters.ENABLE_*_CACHE` are False).
    The token counts of a trace are Σ(initial marking) + the sum of what each event adds + what the end of
    the trace adds (firing hidden transitions towards the final marking, consuming it, counting the
    deficit as missing and the rest as remaining), and the end depends only on the marking reached.
    So a trace's replay is a fold of memoised per-event steps plus a memoised end, and a marking is
    identified by its items *in order* (pm4py's own iteration order over a marking decides some ties).
    The prefix tree of the variants can share only the state before the end: the end is per variant.
    `exact` is False when that does not hold (the caches would be read); callers then fall back to
    pm4py's replay of every variant (or prefix). The step follows pm4py 2.7.23 (the pinned version);
    tests/test_conformance.py compares every variant's tokens with pm4py's own replay.

    * `step(state, activity)`: the body of apply_trace's event loop (walk through hidden transitions to
      enable the transition of the activity, else add the missing tokens, then fire it), built from
      pm4py's own helper functions.
    * `end(state)`: pm4py's apply_trace itself on an empty trace started in the marking reached.
    * `visible(state)`: the activities enabled, possibly through hidden transitions (precision).
    """

    def __init__(self, net, im, fm):
        from pm4py.algo.conformance.tokenreplay.variants import token_replay as tr

        self.net, self.im, self.fm = net, im, fm
        tp = tr.TechnicalParameters
        self.exact = memoised_replay_is_exact()
        # what apply_log sets up: shortest hidden paths between places, one transition per label
        self.paths = tr.get_places_shortest_path_by_hidden(net, tp.MAX_REC_DEPTH.value)
        self.trans_map = {}
        for t in sorted(net.transitions, key=lambda x: x.name):
            self.trans_map[t.label] = t
        self.markings: list = []
        self._state_of: dict[tuple, int] = {}
        self._steps: dict[tuple[int, str], tuple[int, int, int, int, bool]] = {}
        self._ends: dict[int, tuple[int, int, int, int]] = {}
        self._visible: dict[int, frozenset[str]] = {}
        self.start = self._state(copy(im))
        self.im_tokens = sum(im[p] for p in im)
        self.fm_tokens = sum(fm[p] for p in fm)

    def _state(self, marking) -> int:
        key = tuple(marking.items())
        sid = self._state_of.get(key)
        if sid is None:
            sid = self._state_of[key] = len(self.markings)
            self.markings.append(marking)
        return sid

    def step(self, sid: int, activity: str) -> tuple[int, int, int, int, bool]:
        """(state reached, missing, consumed, produced, enabled without missing tokens) of one event."""
        hit = self._steps.get((sid, activity))
        if hit is None:
            hit = self._steps[(sid, activity)] = self._step(sid, activity)
        return hit

    def _step(self, sid: int, activity: str) -> tuple[int, int, int, int, bool]:
        from pm4py.algo.conformance.tokenreplay.variants import token_replay as tr
        from pm4py.objects.petri_net import semantics

        net, marking = self.net, self.markings[sid]
        if activity not in self.trans_map:  # not in the model: skipped (not counted in fitness)
            return sid, 0, 0, 0, True
        # an enabled transition with the label if there is one, else always the same one (trans_map)
        enabled = [x for x in semantics.enabled_transitions(net, marking) if x.label == activity]
        t = enabled[0] if enabled else self.trans_map[activity]
        missing = consumed = produced = 0
        if not semantics.is_enabled(t, net, marking):
            _, marking, fired, _ = tr.apply_hidden_trans(t, net, copy(marking), self.paths, [], 0, set(), [], False)
            for h in fired:
                consumed += tr.get_consumed_tokens(h)[0]
                produced += tr.get_produced_tokens(h)[0]
        ok = semantics.is_enabled(t, net, marking)
        if not ok:
            marking = copy(marking)  # add_missing_tokens changes it in place; a memoised marking must not change
            missing += tr.add_missing_tokens(t, marking)[0]
        consumed += tr.get_consumed_tokens(t)[0]
        produced += tr.get_produced_tokens(t)[0]
        if semantics.is_enabled(t, net, marking):
            marking = semantics.execute(t, net, marking)
        return self._state(marking), missing, consumed, produced, ok

    def end(self, sid: int) -> tuple[int, int, int, int]:
        """(missing, consumed, remaining, produced) added by the end of a trace that reached `sid`."""
        hit = self._ends.get(sid)
        if hit is None:
            from pm4py.algo.conformance.tokenreplay.variants import token_replay as tr
            from pm4py.objects.log.obj import Trace

            marking = self.markings[sid]
            r = tr.apply_trace(Trace(), self.net, marking, self.fm, self.trans_map, False, {}, {}, {}, self.paths,
                               True, activity_key=_ACT, try_to_reach_final_marking_through_hidden=True,
                               stop_immediately_unfit=False, walk_through_hidden_trans=True,
                               post_fix_caching=tr.PostFixCaching(),
                               marking_to_activity_caching=tr.MarkingToActivityCaching())
            # r: fit, fitness, fired, problems, reached, visible, missing, consumed, remaining, produced;
            # apply_trace counts its start marking as produced: that part was produced by the events
            hit = self._ends[sid] = (r[6], r[7], r[8], r[9] - sum(marking[p] for p in marking))
        return hit

    def visible(self, sid: int) -> frozenset[str]:
        """Labels of the visible transitions enabled in `sid`, possibly after hidden ones."""
        hit = self._visible.get(sid)
        if hit is None:
            from pm4py.objects.petri_net.utils.align_utils import get_visible_transitions_eventually_enabled_by_marking

            hit = self._visible[sid] = frozenset(
                t.label for t in get_visible_transitions_eventually_enabled_by_marking(self.net, self.markings[sid])
                if t.label is not None)
        return hit

    def replay(self, variant: tuple[str, ...]) -> tuple[float, bool, int, int, int, int]:
        """(trace fitness, fit, produced, consumed, missing, remaining) of one trace, as pm4py's apply_trace."""
        sid, missing, consumed, produced = self.start, 0, 0, self.im_tokens
        for a in variant:
            sid, m, c, p, _ = self.step(sid, a)
            missing, consumed, produced = missing + m, consumed + c, produced + p
        return self._result(sid, missing, consumed, produced)

    def replay_all(self, items: list[tuple[tuple[str, ...], int]]) -> dict[tuple[str, ...], tuple]:
        """`replay` of every variant, walking their prefix tree: one step per tree node."""
        steps, step = self._steps, self._step
        path = [(self.start, 0, 0, self.im_tokens)]  # state and counts after each activity of the variant
        out = {}
        for variant, _, shared in _prefix_tree(items):
            del path[shared + 1:]
            sid, missing, consumed, produced = path[-1]
            for a in variant[shared:]:
                hit = steps.get((sid, a))
                if hit is None:
                    hit = steps[(sid, a)] = step(sid, a)
                sid, missing, consumed, produced = hit[0], missing + hit[1], consumed + hit[2], produced + hit[3]
                path.append((sid, missing, consumed, produced))
            out[variant] = self._result(sid, missing, consumed, produced)
        return out

    def _result(self, sid: int, missing: int, consumed: int, produced: int) -> tuple[float, bool, int, int, int, int]:
        m, c, remaining, p = self.end(sid)
        is_fit = missing == 0 and remaining == 0  # pm4py decides before adding the final marking's deficit
        missing += m
        consumed += c
        produced += p
        if consumed > 0 and produced > 0:  # pm4py's expression, so the float is the same
            fitness = 0.5 * (1.0 - float(missing) / float(consumed)) + 0.5 * (1.0 - float(remaining) / float(produced))
        else:
            fitness = 1.0
        return fitness, is_fit, produced, consumed, missing, remaining


def _prefix_tree(items: list[tuple[tuple[str, ...], int]]):
    """The variants in order (variant, cases, n): a depth-first walk of their prefix tree, where the
    first n activities are the path shared with the variant before."""
    prev: tuple[str, ...] = ()
    for variant, cases in sorted(items):
        n = 0
        for x, y in zip(prev, variant, strict=False):
            if x != y:
                break
            n += 1
        yield variant, cases, n
        prev = variant


def token_replay(variants: pd.DataFrame, net, im, fm,
                 replayer: TokenReplayer | None = None) -> tuple[dict[str, Any], pd.DataFrame]:
    """Token-based replay fitness, one replay per variant weighted by its cases.

    Returns (`{"log_fitness", "average_trace_fitness", "perc_fit_traces", "fitting_cases", "cases",
    "variants", "produced", "consumed", "missing", "remaining"}`, per-variant DataFrame with
    variant, cases, fitness, fit, produced, consumed, missing, remaining).

    log_fitness = ½(1 − Σmissing/Σconsumed) + ½(1 − Σremaining/Σproduced) over all cases
    (van der Aalst; pm4py's definition, remaining tokens included).
    Each variant is replayed with `TokenReplayer` (memoised per marking and activity); when that is not
    exact (`replayer.exact` False) pm4py replays every variant itself.
    `replayer`: a `TokenReplayer(net, im, fm)` to share its memo (with `precision`).
    """
    replayer = replayer or TokenReplayer(net, im, fm)
    items = sorted(_items(variants), key=lambda x: (x[1], x[0]), reverse=True)  # pm4py's order
    cols = ["variant", "cases", "fitness", "fit", "produced", "consumed", "missing", "remaining"]
    if replayer.exact:
        result = replayer.replay_all(items)
        rows = [(variant, cases, *result[variant]) for variant, cases in items]
    else:
        rows = _token_replay_pm4py(items, net, im, fm)
    per = pd.DataFrame(rows, columns=cols)
    n = int(per["cases"].sum())
    tot = {k: int((per[k] * per["cases"]).sum()) for k in ("produced", "consumed", "missing", "remaining")}
    fitting = int(per.loc[per["fit"], "cases"].sum())
    log_fitness = perc = avg = 0.0
    if n > 0 and tot["consumed"] > 0 and tot["produced"] > 0:  # pm4py's guard
        perc = 100.0 * fitting / n
        avg = math.fsum(per["fitness"] * per["cases"]) / n
        log_fitness = 0.5 * (1 - tot["missing"] / tot["consumed"]) + 0.5 * (1 - tot["remaining"] / tot["produced"])
    summary = {"log_fitness": log_fitness, "average_trace_fitness": avg, "perc_fit_traces": perc,
               "fitting_cases": fitting, "cases": n, "variants": len(per), **tot}
    return summary, per


def _token_replay_pm4py(items: list[tuple[tuple[str, ...], int]], net, im, fm) -> list[tuple]:
    """pm4py's replay of every variant, as its apply_log runs it for fitness: same order, shared caches."""
    from pm4py.algo.conformance.tokenreplay.variants import token_replay as tr

    post_fix_cache = tr.PostFixCaching()
    marking_to_activity_cache = tr.MarkingToActivityCaching()
    shortest_paths = tr.get_places_shortest_path_by_hidden(net, tr.TechnicalParameters.MAX_REC_DEPTH.value)
    trans_map = {}
    for t in sorted(net.transitions, key=lambda x: x.name):
        trans_map[t.label] = t
    rows = []
    for variant, cases in items:
        runner = tr.ApplyTraceTokenReplay(
            _trace(variant), net, im, fm, trans_map,
            False, {}, {}, {},  # no place/transition diagnostics
            shortest_paths,
            True,  # consider remaining tokens in fitness
            activity_key=_ACT,
            reach_mark_through_hidden=True,
            stop_immediately_when_unfit=False,
            walk_through_hidden_trans=True,
            post_fix_caching=post_fix_cache,
            marking_to_activity_caching=marking_to_activity_cache,
            is_reduction=False,
            thread_maximum_ex_time=tr.TechnicalParameters.MAX_DEF_THR_EX_TIME.value,
            cleaning_token_flood=False,
            s_components=[],
            trace_occurrences=cases,
            consider_activities_not_in_model_in_fitness=False,
            exhaustive_invisible_exploration=False,
        )
        runner.run()
        r = tr.transcribe_result(runner, return_object_names=False)
        rows.append((variant, cases, float(r["trace_fitness"]), bool(r["trace_is_fit"]), r["produced_tokens"],
                     r["consumed_tokens"], r["missing_tokens"], r["remaining_tokens"]))
    return rows


# -- precision ---------------------------------------------------------------------------------------
def variant_prefixes(variants: pd.DataFrame) -> tuple[dict[str, set[str]], dict[str, int]]:
    """Per proper non-empty prefix: the activities that follow it, and how many cases pass it.

    Keyed like pm4py's `precision.utils.get_log_prefixes` (activities joined with ","), so the
    result is that function's on the event log, computed from the variants weighted by cases
    (walking their prefix tree: one string per distinct prefix).
    """
    from pm4py.util import constants

    sep = constants.DEFAULT_VARIANT_SEP
    follows: dict[str, set[str]] = {}
    count: dict[str, int] = {}
    path: list[list] = []  # the tree nodes on the current path: [key, next activities, cases through, ending]

    def close(n: int) -> None:
        while len(path) > n:
            key, after, through, ending = path.pop()
            if path:
                path[-1][2] += through
            if through > ending:
                if key in follows:  # only when activities contain the separator: pm4py merges them too
                    follows[key].update(after)
                    count[key] += through - ending
                else:
                    follows[key], count[key] = after, through - ending

    for variant, cases, shared in _prefix_tree(_items(variants)):
        if not variant:
            continue
        close(shared)
        for a in variant[shared:]:
            if path:
                path[-1][1].add(a)
            path.append([path[-1][0] + sep + a if path else a, set(), 0, 0])
        path[-1][2] += cases
        path[-1][3] += cases
    close(0)
    return follows, count


def _prefix_states(keys, replayer: TokenReplayer) -> dict[str, int]:
    """State reached by each prefix key, or -1 when its replay needs a missing token.

    pm4py's precision replays `key.split(",")` with `stop_immediately_unfit` (a prefix is fit when no
    event needs a missing token; the events before that are handled as in the fitness replay), so
    the state of a key is one step from the state of the key up to its last separator.
    """
    from pm4py.util import constants

    sep = constants.DEFAULT_VARIANT_SEP
    states: dict[str, int] = {}
    for key in keys:
        chain, k, sid = [], key, replayer.start
        while True:
            known = states.get(k)
            if known is not None:
                sid = known
                break
            i = k.rfind(sep)
            chain.append((k, k[i + len(sep):] if i >= 0 else k))
            if i < 0:
                break
            k = k[:i]
        for k, a in reversed(chain):
            if sid >= 0:
                nxt, _, _, _, ok = replayer.step(sid, a)
                sid = nxt if ok else -1
            states[k] = sid
    return states


def precision(variants: pd.DataFrame, net, im, fm,
              prefixes: tuple[dict[str, set[str]], dict[str, int]] | None = None,
              replayer: TokenReplayer | None = None) -> float:
    """ETConformance precision (token-based), as pm4py's `precision_token_based_replay` computes it.

    For every log prefix (and the empty one) the transitions the model enables after replaying it
    are compared with the activities that follow it in the log; precision = 1 − Σ escaping edges /
    Σ enabled transitions, both weighted by the number of cases that pass the prefix.
    `prefixes`: a `variant_prefixes(variants)` result, if already computed. `replayer`: a
    `TokenReplayer(net, im, fm)` to share (each prefix is one memoised step from its parent prefix);
    when it is not exact, pm4py replays every prefix itself.
    """
    from pm4py.objects.petri_net.utils.align_utils import get_visible_transitions_eventually_enabled_by_marking

    follows, count = prefixes if prefixes is not None else variant_prefixes(variants)
    replayer = replayer or TokenReplayer(net, im, fm)
    items = _items(variants)
    n_cases = sum(n for _, n in items)
    starts = {v[0] for v, _ in items if v}
    initially = {t.label for t in get_visible_transitions_eventually_enabled_by_marking(net, im)}
    sum_at = n_cases * len(initially)
    sum_ee = n_cases * len(initially - starts)
    if replayer.exact:
        states = _prefix_states(follows, replayer)
        enabled_after = {key: replayer.visible(sid) for key, sid in states.items() if sid >= 0 and key in follows}
    else:
        enabled_after = _precision_replay_pm4py(list(follows), net, im, fm)
    for key, enabled in enabled_after.items():
        sum_at += len(enabled) * count[key]
        sum_ee += len(enabled - follows[key]) * count[key]
    return 1 - sum_ee / sum_at if sum_at > 0 else 1.0


def _precision_replay_pm4py(keys: list[str], net, im, fm) -> dict[str, set[str]]:
    """pm4py's replay of every prefix (its fake log): the enabled activities after each fit prefix."""
    from pm4py.algo.conformance.tokenreplay import algorithm as executor
    from pm4py.algo.conformance.tokenreplay.variants import token_replay as tr
    from pm4py.algo.evaluation.precision import utils as precision_utils

    fake_log = precision_utils.form_fake_log(keys, activity_key=_ACT)
    replayed = executor.apply(fake_log, net, im, fm, variant=executor.Variants.TOKEN_REPLAY, parameters={
        tr.Parameters.SHOW_PROGRESS_BAR: False,
        tr.Parameters.CONSIDER_REMAINING_IN_FITNESS: False,
        tr.Parameters.TRY_TO_REACH_FINAL_MARKING_THROUGH_HIDDEN: False,
        tr.Parameters.STOP_IMMEDIATELY_UNFIT: True,
        tr.Parameters.WALK_THROUGH_HIDDEN_TRANS: True,
        tr.Parameters.CLEANING_TOKEN_FLOOD: False,
        tr.Parameters.ACTIVITY_KEY: _ACT,
    })
    return {key: {t.label for t in r["enabled_transitions_in_marking"] if t.label is not None}
            for key, r in zip(keys, replayed, strict=True) if r["trace_is_fit"]}


# -- alignments --------------------------------------------------------------------------------------
def alignments(variants: pd.DataFrame, net, im, fm, max_variants: int = 500,
               seconds: float = 30.0) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """Alignment-based fitness, one alignment per variant weighted by its cases (pm4py default variant).

    Computed only when there are fewer than `max_variants` variants and all alignments finish within
    `seconds`; otherwise `({"computed": False, "reason": ...}, None)`. When computed: log_fitness
    (1 − Σ cost / Σ best-worst cost), average_trace_fitness, perc_fit_traces, fitting_cases, cost
    (Σ standard alignment cost over cases: 1 per log or model move of a visible step) and seconds.
    """
    from pm4py.algo.conformance.alignments.petri_net import algorithm as align
    from pm4py.objects.petri_net.utils import check_soundness
    from pm4py.util.lp import solver

    items = sorted(_items(variants), key=lambda x: (-x[1], x[0]))  # most cases first
    n_var = len(items)
    if n_var >= max_variants:
        return {"computed": False, "variants": n_var, "max_variants": max_variants,
                "reason": f"{n_var} variants; alignments run only below {max_variants} "
                          "(alignment_max_variants)"}, None
    variant_impl = align.DEFAULT_VARIANT
    with warnings.catch_warnings():  # pm4py's LP code uses numpy.matrix (PendingDeprecationWarning per call)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        if solver.DEFAULT_LP_SOLVER_VARIANT is not None and \
                not check_soundness.check_easy_soundness_net_in_fin_marking(net, im, fm):
            return {"computed": False, "variants": n_var,
                    "reason": "the model is not an easy-sound Petri net, so it has no alignments"}, None
        return _align_all(items, net, im, fm, variant_impl, seconds)


def _align_all(items, net, im, fm, variant_impl, seconds: float) -> tuple[dict[str, Any], pd.DataFrame | None]:
    from pm4py.algo.conformance.alignments.petri_net import algorithm as align
    from pm4py.util import exec_utils

    n_var = len(items)
    started = time.monotonic()
    P = align.Parameters
    best_worst = exec_utils.get_variant(variant_impl).get_best_worst_cost(net, im, fm, parameters={})
    rows = []
    for i, (variant, cases) in enumerate(items):
        left = seconds - (time.monotonic() - started)
        result = None
        if left > 0:
            result = align.apply_trace(_trace(variant), net, im, fm, variant=variant_impl, parameters={
                P.ACTIVITY_KEY: _ACT, P.BEST_WORST_COST_INTERNAL: best_worst, P.PARAM_MAX_ALIGN_TIME_TRACE: left})
        if result is None or time.monotonic() - started > seconds:
            covered = sum(n for _, n in items[:i])
            total = sum(n for _, n in items)
            return {"computed": False, "variants": n_var, "seconds_budget": seconds, "variants_aligned": i,
                    "cases_aligned_share": covered / total,
                    "reason": f"time budget of {seconds:g} s (alignment_seconds) ran out after aligning "
                              f"{i} of {n_var} variants ({covered / total:.0%} of cases)"}, None
        rows.append({"variant": variant, "cases": cases, "alignment_fitness": float(result["fitness"]),
                     "alignment_cost": int(result["cost"]) // align.align_utils.STD_MODEL_LOG_MOVE_COST,
                     "_cost": result["cost"], "_bwc": result["bwc"]})
    per = pd.DataFrame(rows)
    n = int(per["cases"].sum())
    sum_bwc = float((per["_bwc"] * per["cases"]).sum())
    sum_cost = float((per["_cost"] * per["cases"]).sum())
    fitting = int(per.loc[per["alignment_fitness"] == 1.0, "cases"].sum())
    summary = {
        "computed": True,
        "log_fitness": 1.0 - (sum_cost / sum_bwc if sum_bwc > 0 else 0.0),
        "average_trace_fitness": math.fsum(per["alignment_fitness"] * per["cases"]) / n if n else 0.0,
        "perc_fit_traces": 100.0 * fitting / n if n else 0.0,
        "fitting_cases": fitting,
        "cost": int((per["alignment_cost"] * per["cases"]).sum()),
        "variants": n_var,
        "seconds": round(time.monotonic() - started, 3),
    }
    return summary, per.drop(columns=["_cost", "_bwc"])


# -- all together ------------------------------------------------------------------------------------
PRECISION_MAX_PREFIX_EVENTS = 1_000_000  # pm4py replays roughly 10-20 thousand prefix events per second


def check_conformance(log: EventLog | None, model: Model, options: AnalysisOptions | None = None, *,
                      variants: pd.DataFrame | None = None,
                      precision_max_prefix_events: int = PRECISION_MAX_PREFIX_EVENTS) -> Conformance:
    """Token replay, precision and (when affordable) alignments of `model` against the log.

    Returns `Conformance(summary, per_variant)` with summary
    `{"model": kind, "token_replay": {...}, "precision": float | None, "precision_info": {"computed",
    "prefixes", "replayed_events"[, "reason"]}, "alignments": {...}}` and one row per variant:
    variant, cases, length, fitness, fit, produced, consumed, missing, remaining, alignment_fitness,
    alignment_cost (NaN when alignments were not computed). Precision replays every distinct log
    prefix once; it is skipped (None, with the reason) when that means more than
    `precision_max_prefix_events` events.
    """
    options = options or AnalysisOptions()
    if variants is None:
        if log is None:
            raise ValueError("give a log or its variants")
        variants = discover_variants(log)
    replayer = TokenReplayer(model.net, model.im, model.fm)
    tbr, per = token_replay(variants, model.net, model.im, model.fm, replayer=replayer)
    prefixes = variant_prefixes(variants)
    # memoised: one step per distinct prefix (from its parent prefix); pm4py: every prefix from the start
    replayed = len(prefixes[0]) if replayer.exact else sum(k.count(",") + 1 for k in prefixes[0])
    size = {"prefixes": len(prefixes[0]), "replayed_events": replayed}
    if size["replayed_events"] <= precision_max_prefix_events:
        prec = precision(variants, model.net, model.im, model.fm, prefixes=prefixes, replayer=replayer)
        prec_info = {"computed": True, **size}
    else:
        prec = None
        prec_info = {"computed": False, **size,
                     "reason": f"replaying the {size['prefixes']:,} distinct prefixes means "
                               f"{size['replayed_events']:,} events, more than the {precision_max_prefix_events:,} "
                               "allowed"}
    ali, ali_per = alignments(variants, model.net, model.im, model.fm,
                              max_variants=options.alignment_max_variants, seconds=options.alignment_seconds)
    if ali_per is not None:
        per = per.merge(ali_per.drop(columns=["cases"]), on="variant", how="left")
    else:
        per = per.assign(alignment_fitness=float("nan"), alignment_cost=float("nan"))
    per = per.sort_values(["cases", "variant"], ascending=[False, True]).reset_index(drop=True)
    per.insert(2, "length", per["variant"].map(len))
    return Conformance({"model": model.kind, "token_replay": tbr, "precision": prec, "precision_info": prec_info,
                        "alignments": ali}, per)

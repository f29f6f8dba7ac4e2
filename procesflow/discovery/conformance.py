"""Conformance of a Petri net against the log, computed per variant with pm4py.

Every measure replays or aligns **one trace per variant** and weights the result by the variant's
number of cases, so the cost grows with the number of variants, not events. The results equal
pm4py's log-level functions on the event dataframe:

* token-based replay fitness == `pm4py.fitness_token_based_replay` (log_fitness, perc_fit_traces,
  average_trace_fitness). pm4py itself replays one trace per variant, in the order (cases, variant)
  descending, sharing two caches between variants; we replay in that same order with the same
  caches, so even cache-dependent choices are identical.
* precision (ETConformance, token-based; Muñoz-Gama & Carmona 2010) == `pm4py.precision_token_based_replay`.
  pm4py only needs, per log prefix, the set of activities that follow it and how many traces reach
  it (plus the start activities and the number of cases); these come from the variant collection
  (prefix counts weighted by case counts).
* alignments == `pm4py.fitness_alignments` — only below `alignment_max_variants` variants and
  within `alignment_seconds`; otherwise `{"computed": False, "reason": ...}`.
"""

from __future__ import annotations

import math
import time
import warnings
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
def token_replay(variants: pd.DataFrame, net, im, fm) -> tuple[dict[str, Any], pd.DataFrame]:
    """Token-based replay fitness, one replay per variant weighted by its cases.

    Returns (`{"log_fitness", "average_trace_fitness", "perc_fit_traces", "fitting_cases", "cases",
    "variants", "produced", "consumed", "missing", "remaining"}`, per-variant DataFrame with
    variant, cases, fitness, fit, produced, consumed, missing, remaining).

    log_fitness = ½(1 − Σmissing/Σconsumed) + ½(1 − Σremaining/Σproduced) over all cases
    (van der Aalst; pm4py's definition, remaining tokens included).
    """
    from pm4py.algo.conformance.tokenreplay.variants import token_replay as tr

    # exactly what pm4py's token_replay.apply_log sets up for fitness (replay_fitness TOKEN_BASED)
    post_fix_cache = tr.PostFixCaching()
    marking_to_activity_cache = tr.MarkingToActivityCaching()
    shortest_paths = tr.get_places_shortest_path_by_hidden(net, tr.TechnicalParameters.MAX_REC_DEPTH.value)
    trans_map = {}
    for t in sorted(net.transitions, key=lambda x: x.name):
        trans_map[t.label] = t
    rows = []
    for variant, cases in sorted(_items(variants), key=lambda x: (x[1], x[0]), reverse=True):
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
        rows.append({"variant": variant, "cases": cases, "fitness": float(r["trace_fitness"]),
                     "fit": bool(r["trace_is_fit"]), "produced": r["produced_tokens"],
                     "consumed": r["consumed_tokens"], "missing": r["missing_tokens"],
                     "remaining": r["remaining_tokens"]})
    per = pd.DataFrame(rows, columns=["variant", "cases", "fitness", "fit", "produced", "consumed",
                                      "missing", "remaining"])
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


# -- precision ---------------------------------------------------------------------------------------
def variant_prefixes(variants: pd.DataFrame) -> tuple[dict[str, set[str]], dict[str, int]]:
    """Per proper non-empty prefix: the activities that follow it, and how many cases pass it.

    Keyed like pm4py's `precision.utils.get_log_prefixes` (activities joined with ","), so the
    result is that function's on the event log, computed from the variants weighted by cases.
    """
    from pm4py.util import constants

    sep = constants.DEFAULT_VARIANT_SEP
    follows: dict[str, set[str]] = {}
    count: dict[str, int] = {}
    for variant, cases in _items(variants):
        prefix = ""
        for i in range(1, len(variant)):
            prefix = variant[0] if i == 1 else prefix + sep + variant[i - 1]
            follows.setdefault(prefix, set()).add(variant[i])
            count[prefix] = count.get(prefix, 0) + cases
    return follows, count


def precision(variants: pd.DataFrame, net, im, fm,
              prefixes: tuple[dict[str, set[str]], dict[str, int]] | None = None) -> float:
    """ETConformance precision (token-based), as pm4py's `precision_token_based_replay` computes it.

    For every log prefix (and the empty one) the transitions the model enables after replaying it
    are compared with the activities that follow it in the log; precision = 1 − Σ escaping edges /
    Σ enabled transitions, both weighted by the number of cases that pass the prefix.
    `prefixes`: a `variant_prefixes(variants)` result, if already computed.
    """
    from pm4py.algo.conformance.tokenreplay import algorithm as executor
    from pm4py.algo.conformance.tokenreplay.variants import token_replay as tr
    from pm4py.algo.evaluation.precision import utils as precision_utils
    from pm4py.objects.petri_net.utils.align_utils import get_visible_transitions_eventually_enabled_by_marking

    follows, count = prefixes if prefixes is not None else variant_prefixes(variants)
    keys = list(follows)
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
    items = _items(variants)
    n_cases = sum(n for _, n in items)
    starts = {v[0] for v, _ in items if v}
    initially = {t.label for t in get_visible_transitions_eventually_enabled_by_marking(net, im)}
    sum_at = n_cases * len(initially)
    sum_ee = n_cases * len(initially - starts)
    for key, result in zip(keys, replayed, strict=True):
        if result["trace_is_fit"]:
            enabled = {t.label for t in result["enabled_transitions_in_marking"] if t.label is not None}
            sum_at += len(enabled) * count[key]
            sum_ee += len(enabled - follows[key]) * count[key]
    return 1 - sum_ee / sum_at if sum_at > 0 else 1.0


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
    tbr, per = token_replay(variants, model.net, model.im, model.fm)
    prefixes = variant_prefixes(variants)
    size = {"prefixes": len(prefixes[0]), "replayed_events": sum(k.count(",") + 1 for k in prefixes[0])}
    if size["replayed_events"] <= precision_max_prefix_events:
        prec = precision(variants, model.net, model.im, model.fm, prefixes=prefixes)
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

"""Variants: the distinct activity sequences, computed in DuckDB (`sql/variants.sql`).

The variant collection is the compact summary pm4py's miners and conformance checkers receive,
so their cost grows with the number of variants, not events. Equal to `pm4py.get_variants`.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from ..eventlog import EventLog


def discover_variants(log: EventLog) -> pd.DataFrame:
    """One row per variant: variant (tuple of activities), length, cases, share, cumulative_share,
    median_throughput_s, mean_throughput_s — most frequent first."""
    if "variants" not in log.memo:
        df = log.df("variants")
        df["variant"] = df["variant"].map(tuple)
        log.memo["variants"] = df
    return log.memo["variants"].copy()


def variant_counter(variants: pd.DataFrame) -> Counter[tuple[str, ...]]:
    """`Counter({variant: cases})` — what pm4py's inductive miner works on."""
    return Counter({v: int(n) for v, n in zip(variants["variant"], variants["cases"], strict=True)})

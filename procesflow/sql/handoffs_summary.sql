-- Hand-off summary at one level (the chain in {{steps}} and its runs in {{runs}}: department or
-- resource), one row. The chain of a case: its events with a known unit, in ts then seq order
-- (unknown ones are left out). A transition is a pair of consecutive chain events; a hand-off is a
-- transition whose two values differ, the others are within one unit.
-- Per-case figures are over the measured cases (at least one event with a known unit): hand-offs
-- are the case's runs minus one, units its distinct values; the distributions are MAPs
-- value -> number of cases.
-- Wait of a transition: from the completion (ts) of the first event to the start (start_ts) of
-- the next where it has one, else to its completion (ts); overlapping work (the next started
-- before the first completed) counts as 0.
WITH c AS (
    SELECT case_key, count(*) - 1 AS handoffs, count(DISTINCT who) AS units
    FROM {{runs}}  -- handoffs_runs.sql
    GROUP BY case_key
),
t AS (
    SELECT count(*)                                              AS known_events,
           count(next_who)                                       AS transitions,
           count(*) FILTER (WHERE next_who IS NOT NULL AND next_has_start) AS transitions_to_start,
           count(*) FILTER (WHERE next_who <> who)               AS handoff_transitions,
           sum(wait_s) FILTER (WHERE next_who <> who)            AS handoff_wait_total_s,
           median(wait_s) FILTER (WHERE next_who <> who)         AS handoff_wait_median_s,
           avg(wait_s) FILTER (WHERE next_who <> who)            AS handoff_wait_mean_s,
           count(*) FILTER (WHERE next_who = who)                AS within_transitions,
           sum(wait_s) FILTER (WHERE next_who = who)             AS within_wait_total_s,
           median(wait_s) FILTER (WHERE next_who = who)          AS within_wait_median_s,
           avg(wait_s) FILTER (WHERE next_who = who)             AS within_wait_mean_s
    FROM {{steps}}  -- handoffs_steps.sql
),
cs AS (
    SELECT count(*)                                  AS measured_cases,
           count(*) FILTER (WHERE handoffs > 0)      AS cases_with_handoff,
           sum(handoffs)::BIGINT                     AS handoffs,
           avg(handoffs)                             AS mean_handoffs,
           median(handoffs)                          AS median_handoffs,
           max(handoffs)                             AS max_handoffs,
           avg(units)                                AS mean_units,
           median(units)                             AS median_units,
           max(units)                                AS max_units
    FROM c
)
SELECT (SELECT count(*) FROM pf_cases)               AS cases,
       (SELECT sum(n) FROM pf_cases)::BIGINT         AS events,
       t.known_events, cs.measured_cases, cs.cases_with_handoff, cs.handoffs, cs.mean_handoffs,
       cs.median_handoffs, cs.max_handoffs, (SELECT histogram(handoffs) FROM c) AS handoffs_distribution,
       cs.mean_units, cs.median_units, cs.max_units, (SELECT histogram(units) FROM c) AS units_distribution,
       t.transitions, t.transitions_to_start, t.handoff_transitions,
       t.handoff_wait_total_s, t.handoff_wait_median_s, t.handoff_wait_mean_s, t.within_transitions,
       t.within_wait_total_s, t.within_wait_median_s, t.within_wait_mean_s
FROM t, cs;

-- Hand-off summary at one level (the chain in {{steps}}: department or resource), one row.
-- The chain of a case: its events with a known unit, in ts then seq order (unknown ones are
-- left out). A transition is a pair of consecutive chain events; a hand-off is a transition
-- whose two values differ, the others are within one unit.
-- Per-case figures are over the measured cases (at least one event with a known unit);
-- the distributions are MAPs value -> number of cases.
-- Wait of a transition: from the completion (ts) of the first event to the start (start_ts) of
-- the next where it has one, else to its completion (ts); overlapping work (the next started
-- before the first completed) counts as 0.
WITH s AS (
    SELECT * FROM {{steps}}  -- handoffs_steps.sql
),
c AS (
    SELECT case_id,
           count(*) FILTER (WHERE next_who <> who)   AS handoffs,
           count(DISTINCT who)                       AS units
    FROM s
    GROUP BY case_id
),
t AS (
    SELECT next_who <> who AS handoff, wait_s, next_has_start
    FROM s
    WHERE next_who IS NOT NULL
)
SELECT (SELECT count(DISTINCT case_id) FROM pf_ev)                          AS cases,
       (SELECT count(*) FROM pf_ev)                                         AS events,
       (SELECT count(*) FROM s)                                             AS known_events,
       (SELECT count(*) FROM c)                                             AS measured_cases,
       (SELECT count(*) FILTER (WHERE handoffs > 0) FROM c)                 AS cases_with_handoff,
       (SELECT sum(handoffs) FROM c)::BIGINT                                AS handoffs,
       (SELECT avg(handoffs) FROM c)                                        AS mean_handoffs,
       (SELECT median(handoffs) FROM c)                                     AS median_handoffs,
       (SELECT max(handoffs) FROM c)                                        AS max_handoffs,
       (SELECT histogram(handoffs) FROM c)                                  AS handoffs_distribution,
       (SELECT avg(units) FROM c)                                           AS mean_units,
       (SELECT median(units) FROM c)                                        AS median_units,
       (SELECT max(units) FROM c)                                           AS max_units,
       (SELECT histogram(units) FROM c)                                     AS units_distribution,
       (SELECT count(*) FROM t)                                             AS transitions,
       (SELECT count(*) FILTER (WHERE next_has_start) FROM t)               AS transitions_to_start,
       (SELECT count(*) FILTER (WHERE handoff) FROM t)                      AS handoff_transitions,
       (SELECT sum(wait_s) FILTER (WHERE handoff) FROM t)                   AS handoff_wait_total_s,
       (SELECT median(wait_s) FILTER (WHERE handoff) FROM t)                AS handoff_wait_median_s,
       (SELECT avg(wait_s) FILTER (WHERE handoff) FROM t)                   AS handoff_wait_mean_s,
       (SELECT count(*) FILTER (WHERE NOT handoff) FROM t)                  AS within_transitions,
       (SELECT sum(wait_s) FILTER (WHERE NOT handoff) FROM t)               AS within_wait_total_s,
       (SELECT median(wait_s) FILTER (WHERE NOT handoff) FROM t)            AS within_wait_median_s,
       (SELECT avg(wait_s) FILTER (WHERE NOT handoff) FROM t)               AS within_wait_mean_s;

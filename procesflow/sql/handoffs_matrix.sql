-- Handover matrix over the filtered events at one level (the chain in {{steps}}, handoffs_steps.sql:
-- department or resource).
-- Events whose the unit is unknown are left out; the remaining events of a case, in ts then seq
-- order, form its chain, and every pair of consecutive events in it is one transfer from -> to.
-- Pairs with from = to (work staying in one unit) are rows too, so the matrix equals pm4py's
-- handover-of-work network (beta = 0): share = count / all pairs. A hand-off is a row with
-- from <> to.
-- Wait of a pair: from the completion (ts) of the first event to the start (start_ts) of the next
-- where it has one, else to its completion (ts); a next event that started before the first one
-- completed (overlapping work) counts as no wait (0).
WITH s AS (
    SELECT case_key, who AS source, next_who AS target, wait_s
    FROM {{steps}}  -- handoffs_steps.sql
    WHERE next_who IS NOT NULL
)
SELECT source,
       target,
       source <> target                 AS handoff,
       count(*)                         AS count,
       count(DISTINCT case_key)         AS cases,
       count(*) / sum(count(*)) OVER () AS share,
       sum(wait_s)                      AS total_wait_s,
       median(wait_s)                   AS median_wait_s
FROM s
GROUP BY source, target
ORDER BY count DESC, source, target;

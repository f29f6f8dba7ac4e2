-- Directly-follows graph edges over the filtered events (pf_steps, steps.sql).
-- Order within a case: timestamp, then source order (seq). Times are seconds between the
-- completion timestamps of the two events, as pm4py's performance DFG measures them.
WITH t AS (
    SELECT case_id,
           activity                                          AS source,
           next_activity                                     AS target,
           (epoch_us(next_ts) - epoch_us(ts)) / 1e6          AS seconds
    FROM pf_steps
    WHERE next_activity IS NOT NULL
)
SELECT source, target,
       count(*)                        AS count,
       count(DISTINCT case_id)         AS cases,
       avg(seconds)                    AS mean_s,
       median(seconds)                 AS median_s,
       quantile_cont(seconds, 0.9)     AS p90_s,
       min(seconds)                    AS min_s,
       max(seconds)                    AS max_s,
       sum(seconds)                    AS total_s
FROM t
GROUP BY source, target
ORDER BY count DESC, source, target;

-- Directly-follows graph edges over the filtered events (pf_ev).
-- Order within a case: timestamp, then source order (seq). Times are seconds between the
-- completion timestamps of the two events, as pm4py's performance DFG measures them.
WITH t AS (
    SELECT case_id,
           activity                     AS source,
           lead(activity) OVER w        AS target,
           (epoch_us(lead(ts) OVER w) - epoch_us(ts)) / 1e6 AS seconds
    FROM pf_ev
    WINDOW w AS (PARTITION BY case_id ORDER BY ts, seq)
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
WHERE target IS NOT NULL
GROUP BY source, target
ORDER BY count DESC, source, target;

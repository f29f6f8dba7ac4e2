-- Per activity, what a map shows in its box: how often, in how many cases, the median waiting
-- time before it (previous event's end to this event's start, or end when there is no start),
-- and its usual department (the most frequent one).
WITH e AS (
    SELECT activity, case_id, department,
           (epoch_us(coalesce(start_ts, ts)) - epoch_us(lag(ts) OVER w)) / 1e6 AS wait_s
    FROM pf_ev
    WINDOW w AS (PARTITION BY case_id ORDER BY ts, seq)
)
SELECT activity,
       count(*)                AS count,
       count(DISTINCT case_id) AS cases,
       median(wait_s)          AS median_wait_s,
       mode(department)        AS department
FROM e
GROUP BY activity
ORDER BY activity;

-- Ping-pong per case and pair at one level ({{who}}: department or resource column): the same
-- runs and X, Y, X triples as handoffs_pingpong.sql, one row per (case, X, Y) with the number of
-- occurrences and their time (completion of the last event of the X run to completion of the first
-- event of the returning X run, summed).
WITH k AS (
    SELECT case_id, ts, seq, {{who}} AS who
    FROM pf_handoff_ev  -- handoffs_events.sql: no contacts after the first event
    WHERE {{who}} IS NOT NULL
),
f AS (
    SELECT *,
           CASE WHEN lag(who) OVER w IS DISTINCT FROM who THEN 1 ELSE 0 END AS new_run
    FROM k
    WINDOW w AS (PARTITION BY case_id ORDER BY ts, seq)
),
r AS (
    SELECT *,
           sum(new_run) OVER (PARTITION BY case_id ORDER BY ts, seq ROWS UNBOUNDED PRECEDING) AS run
    FROM f
),
runs AS (
    SELECT case_id, run, any_value(who) AS who, min(ts) AS first_ts, max(ts) AS last_ts
    FROM r
    GROUP BY case_id, run
),
p AS (
    SELECT case_id,
           who                                                     AS x,
           lead(who) OVER w                                        AS y,
           lead(who, 2) OVER w                                     AS back,
           (epoch_us(lead(first_ts, 2) OVER w) - epoch_us(last_ts)) / 1e6 AS seconds
    FROM runs
    WINDOW w AS (PARTITION BY case_id ORDER BY run)
)
SELECT case_id,
       x,
       y,
       count(*)       AS occurrences,
       sum(seconds)   AS seconds
FROM p
WHERE back = x
GROUP BY case_id, x, y
ORDER BY occurrences DESC, seconds DESC, case_id, x, y;

-- Work in progress per local day ($tz) (TEMP TABLE pf_time_day): a case is open from the local day
-- of its first event up to and including the local day of its last event. Arrivals are cases
-- whose first event falls on the day, completions cases whose last event does. Every day from the
-- first arrival to the last completion has a row.
CREATE OR REPLACE TEMP TABLE pf_time_day AS
WITH c AS (
    SELECT CAST(timezone($tz, first_ts) AS DATE) AS d1,
           CAST(timezone($tz, last_ts) AS DATE)  AS d2
    FROM pf_cases  -- steps.sql
),
delta AS (
    SELECT d1 AS day, 1 AS change, 1 AS arrivals, 0 AS completions FROM c
    UNION ALL
    SELECT CAST(d2 + INTERVAL 1 DAY AS DATE), -1, 0, 0 FROM c
    UNION ALL
    SELECT d2, 0, 0, 1 FROM c
),
agg AS (
    SELECT day, sum(change) AS change, sum(arrivals) AS arrivals, sum(completions) AS completions
    FROM delta GROUP BY day
),
days AS (
    SELECT CAST(unnest(generate_series(min(d1), max(d2), INTERVAL 1 DAY)) AS DATE) AS day FROM c
)
SELECT d.day,
       CAST(sum(coalesce(a.change, 0)) OVER (ORDER BY d.day) AS BIGINT) AS open,
       CAST(coalesce(a.arrivals, 0) AS BIGINT)                          AS arrivals,
       CAST(coalesce(a.completions, 0) AS BIGINT)                       AS completions
FROM days d LEFT JOIN agg a USING (day)
ORDER BY d.day;

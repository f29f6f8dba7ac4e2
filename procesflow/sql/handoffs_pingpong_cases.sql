-- Ping-pong per case and pair at one level, from the occurrences in {{occurrences}}
-- (handoffs_pingpong_occurrences.sql): one row per (case, X, Y) with the number of occurrences and
-- their time (completion of the last event of the X run to completion of the first event of the
-- returning X run, summed).
SELECT any_value(case_id)  AS case_id,
       x,
       y,
       count(*)            AS occurrences,
       sum(seconds)        AS seconds
FROM {{occurrences}}
GROUP BY case_key, x, y
ORDER BY occurrences DESC, seconds DESC, case_key, x, y;

-- Ping-pong per pair (X, Y) at one level, from the occurrences in {{occurrences}}
-- (handoffs_pingpong_occurrences.sql): occurrences, cases, the time away from X per occurrence
-- (total, median, mean), and example_cases: the first $examples case ids (in case id order).
SELECT x,
       y,
       count(*)                  AS occurrences,
       count(DISTINCT case_key)  AS cases,
       sum(seconds)              AS total_s,
       median(seconds)           AS median_s,
       avg(seconds)              AS mean_s,
       min(DISTINCT case_id, greatest($examples, 1))[1:$examples] AS example_cases  -- the first ids
FROM {{occurrences}}
GROUP BY x, y
ORDER BY occurrences DESC, cases DESC, x, y;

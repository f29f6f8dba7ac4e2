-- Rework over all cases of the filtered events, one row: first-time-right cases (no activity occurs
-- more than once), rework cases (the others) and extra executions (occurrences of an activity in a
-- case minus one, summed), with their spread over the rework cases. Whether a case has rework
-- depends only on its variant (pf_variant_seq, steps.sql).
WITH c AS (
    SELECT c.n AS events, c.n - v.activities AS extra
    FROM pf_cases c JOIN pf_variant_seq v USING (vkey)
)
SELECT count(*)                                        AS cases,
       sum(events)::BIGINT                             AS events,
       count(*) FILTER (WHERE extra = 0)               AS first_time_right_cases,
       count(*) FILTER (WHERE extra > 0)               AS rework_cases,
       sum(extra)::BIGINT                              AS extra_executions,
       avg(extra) FILTER (WHERE extra > 0)             AS mean_extra_per_rework_case,
       median(extra) FILTER (WHERE extra > 0)          AS median_extra_per_rework_case,
       max(extra)::BIGINT                              AS max_extra_in_case
FROM c;

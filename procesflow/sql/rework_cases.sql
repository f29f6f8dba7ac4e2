-- Rework per case over the filtered events. A case is first-time-right when no activity occurs more
-- than once in it (a single-event case is first-time-right); the counts come from its variant
-- (pf_variant_seq, steps.sql).
SELECT c.case_id,
       c.n::BIGINT                             AS events,
       v.activities,
       (c.n - v.activities)::BIGINT            AS extra_executions,
       v.repeated                              AS repeated_activities,
       v.repeated = 0                          AS first_time_right
FROM pf_cases c JOIN pf_variant_seq v USING (vkey)
ORDER BY c.case_key;

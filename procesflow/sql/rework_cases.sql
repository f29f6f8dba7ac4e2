-- Rework per case over the filtered events (pf_ev). A case is first-time-right when no activity
-- occurs more than once in it (a single-event case is first-time-right).
WITH ca AS (
    SELECT case_id, activity, count(*) AS n
    FROM pf_ev
    GROUP BY case_id, activity
)
SELECT case_id,
       sum(n)::BIGINT                          AS events,
       count(*)                                AS activities,
       sum(n - 1)::BIGINT                      AS extra_executions,
       count(*) FILTER (WHERE n > 1)           AS repeated_activities,
       count(*) FILTER (WHERE n > 1) = 0       AS first_time_right
FROM ca
GROUP BY case_id
ORDER BY case_id;

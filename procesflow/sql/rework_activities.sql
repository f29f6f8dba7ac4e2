-- Rework per activity over the filtered events (pf_ev). Order within a case: ts, then seq.
-- {{who}} is the column a repetition is compared on (resource, or department when the log has no
-- resources, or NULL when it has neither); it is filled in by procesflow/metrics/rework.py.
--
-- `occurrence` numbers the executions of one activity within one case: 1, 2, 3, ...
-- Every execution with occurrence > 1 is one extra execution, and is exactly one of
--   self-loop         the event directly before it in the case is the same activity (a -> a);
--   after other steps other activities lie between it and the previous execution;
-- and exactly one of
--   repeat            same {{who}} as the previous execution of this activity in this case;
--   redo              a different {{who}} (both known);
--   unknown           the {{who}} of either execution is unknown.
WITH e AS (
    SELECT case_id,
           activity,
           {{who}}                                                         AS who,
           prev_activity,
           row_number() OVER (PARTITION BY case_id, activity ORDER BY pos) AS occurrence,
           lag({{who}}) OVER (PARTITION BY case_id, activity ORDER BY pos) AS prev_who
    FROM pf_steps  -- steps.sql
)
SELECT activity,
       count(*)                                                            AS events,
       count(DISTINCT case_id)                                             AS cases,
       count(*) FILTER (WHERE occurrence = 2)                              AS cases_with_repeat,
       count(*) FILTER (WHERE occurrence > 1)                              AS extra_executions,
       count(*) FILTER (WHERE occurrence > 1 AND prev_activity = activity) AS self_loops,
       count(*) FILTER (WHERE occurrence > 1 AND prev_activity <> activity) AS after_other_steps,
       count(*) FILTER (WHERE occurrence > 1 AND who = prev_who)           AS repeat_same,
       count(*) FILTER (WHERE occurrence > 1 AND who <> prev_who)          AS redo_other,
       count(*) FILTER (WHERE occurrence > 1 AND (who IS NULL OR prev_who IS NULL)) AS unknown_performer,
       max(occurrence)                                                     AS max_in_case
FROM e
GROUP BY activity
ORDER BY extra_executions DESC, events DESC, activity;

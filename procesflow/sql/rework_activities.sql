-- Rework per activity over the filtered events. Order within a case: ts, then seq.
-- {{who}} is the column a repetition is compared on (resource, or department when the log has no
-- resources, or NULL when it has neither); it is filled in by procesflow/metrics/rework.py.
--
-- The executions of one activity within one case are numbered 1, 2, 3, ... (`occ`, per variant in
-- pf_variant_steps). Every execution after the first is one extra execution, and is exactly one of
--   self-loop         the event directly before it in the case is the same activity (a -> a);
--   after other steps other activities lie between it and the previous execution;
-- and exactly one of (compared on the two executions' own events, pf_rework_occurrences)
--   repeat            same {{who}} as the previous execution of this activity in this case;
--   redo              a different {{who}} (both known);
--   unknown           the {{who}} of either execution is unknown.
WITH shape AS (  -- per activity, from the variants weighted by their cases
    SELECT v.activity,
           CAST(sum(k.cases) FILTER (WHERE v.occ = 2) AS BIGINT)                            AS cases_with_repeat,
           CAST(sum(k.cases) FILTER (WHERE v.occ > 1) AS BIGINT)                            AS extra_executions,
           CAST(sum(k.cases) FILTER (WHERE v.occ > 1 AND v.prev_occ_pos = v.pos - 1) AS BIGINT) AS self_loops,
           CAST(sum(k.cases) FILTER (WHERE v.occ > 1 AND v.prev_occ_pos < v.pos - 1) AS BIGINT) AS after_other_steps,
           max(v.occ)                                                                       AS max_in_case
    FROM pf_variant_steps v JOIN pf_variant_keys k USING (vkey)
    GROUP BY v.activity
),
who AS (
    SELECT activity,
           count(*) FILTER (WHERE {{who}} = {{prev_who}})                           AS repeat_same,
           count(*) FILTER (WHERE {{who}} <> {{prev_who}})                          AS redo_other,
           count(*) FILTER (WHERE {{who}} IS NULL OR {{prev_who}} IS NULL)          AS unknown_performer
    FROM pf_rework_occurrences
    GROUP BY activity
)
SELECT a.activity,
       a.count                                     AS events,
       a.cases,
       coalesce(s.cases_with_repeat, 0)            AS cases_with_repeat,
       coalesce(s.extra_executions, 0)             AS extra_executions,
       coalesce(s.self_loops, 0)                   AS self_loops,
       coalesce(s.after_other_steps, 0)            AS after_other_steps,
       coalesce(w.repeat_same, 0)                  AS repeat_same,
       coalesce(w.redo_other, 0)                   AS redo_other,
       coalesce(w.unknown_performer, 0)            AS unknown_performer,
       s.max_in_case
FROM pf_activities a
JOIN shape s USING (activity)
LEFT JOIN who w USING (activity)
ORDER BY extra_executions DESC, events DESC, a.activity;

-- Rework paths: for every extra execution of an activity (not its first in the case), the steps
-- from the previous execution of that activity to this one, both included (a -> a for a
-- self-loop, a -> x -> y -> a when x and y lie between). Order within a case: ts, then seq.
-- Per (activity, path): occurrences, cases, and the time from the completion of the previous
-- execution to the completion of this one (total and median); most frequent first, $top rows.
-- Reads pf_rework_occurrences (rework_occurrences.sql), one row per extra execution.
-- Grouped on the path's number (pf_rework_path_keys), the list joined to the few groups.
WITH g AS (
    SELECT activity,
           path_id,
           count(*)                  AS occurrences,
           count(DISTINCT case_key)  AS cases,
           sum(seconds)              AS total_s,
           median(seconds)           AS median_s
    FROM pf_rework_occurrences
    GROUP BY activity, path_id
)
SELECT g.activity, k.path, g.occurrences, g.cases, g.total_s, g.median_s
FROM g JOIN pf_rework_path_keys k USING (path_id)
ORDER BY g.occurrences DESC, g.cases DESC, g.activity, array_to_string(k.path, chr(31))
LIMIT $top;

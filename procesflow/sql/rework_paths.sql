-- Rework paths: for every extra execution of an activity (not its first in the case), the steps
-- from the previous execution of that activity to this one, both included (a -> a for a
-- self-loop, a -> x -> y -> a when x and y lie between). Order within a case: ts, then seq.
-- Per (activity, path): occurrences, cases, and the time from the completion of the previous
-- execution to the completion of this one (total and median); most frequent first, $top rows.
-- Reads pf_rework_occurrences (rework_occurrences.sql), one row per extra execution.
SELECT activity,
       path,
       count(*)                  AS occurrences,
       count(DISTINCT case_key)  AS cases,
       sum(seconds)              AS total_s,
       median(seconds)           AS median_s
FROM pf_rework_occurrences
GROUP BY activity, path
ORDER BY occurrences DESC, cases DESC, activity, array_to_string(path, chr(31))
LIMIT $top;

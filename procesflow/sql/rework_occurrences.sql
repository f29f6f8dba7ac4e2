-- One row per extra execution of an activity in a case (every execution after its first), with the
-- rework path that led back to it: the steps from the previous execution of the same activity to
-- this one, both included (a -> a for a self-loop, a -> x -> y -> a when x and y lie between),
-- the time between the two completions, and `loop`: the path's distinct activities, sorted, so
-- that rotations of the same cycle share one key. Order within a case: ts, then seq.
-- The paths depend only on the activity sequence: they are built once per variant
-- (pf_variant_rework, from pf_variant_steps) and joined to the cases of the variant; the times,
-- channels, departments and resources come from the two executions' own events (pf_steps).
CREATE OR REPLACE TEMP TABLE pf_variant_rework AS
SELECT r.vkey, r.activity, r.pos, r.prev_occ_pos,
       list(CAST(s.activity AS VARCHAR) ORDER BY s.pos) AS path,
       list_sort(list_distinct(list(CAST(s.activity AS VARCHAR))))  AS loop
FROM pf_variant_steps r
JOIN pf_variant_steps s ON s.vkey = r.vkey AND s.pos BETWEEN r.prev_occ_pos AND r.pos
WHERE r.occ > 1
GROUP BY r.vkey, r.activity, r.pos, r.prev_occ_pos;

CREATE OR REPLACE TEMP TABLE pf_rework_occurrences AS
WITH o AS (
    SELECT c.case_key, c.case_id, r.activity, r.pos, r.prev_occ_pos, r.path, r.loop
    FROM pf_cases c JOIN pf_variant_rework r USING (vkey)
)
SELECT o.case_key, o.case_id, o.activity, o.pos,
       (epoch_us(cur.ts) - epoch_us(prev.ts)) / 1e6                       AS seconds,
       cur.channel,
       cur.department IS NULL OR prev.department IS NULL
           OR cur.department = prev.department                            AS same_department,
       cur.resource, prev.resource AS prev_resource,
       cur.department, prev.department AS prev_department,
       o.path,
       o.loop
FROM o
JOIN pf_steps cur ON cur.case_key = o.case_key AND cur.pos = o.pos
JOIN pf_steps prev ON prev.case_key = o.case_key AND prev.pos = o.prev_occ_pos;

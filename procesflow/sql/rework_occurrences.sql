-- One row per extra execution of an activity in a case (every execution after its first), with the
-- rework path that led back to it: the steps from the previous execution of the same activity to
-- this one, both included (a -> a for a self-loop, a -> x -> y -> a when x and y lie between),
-- the time between the two completions, and `loop`: the path's distinct activities, sorted, so
-- that rotations of the same cycle share one key. Order within a case: ts, then seq.
-- The paths depend only on the activity sequence: they are built once per variant
-- (pf_variant_rework, from pf_variant_steps) and joined to the cases of the variant; the times,
-- channels, departments and resources come from the two executions' own events (pf_steps).
-- A log has a few hundred distinct paths against millions of extra executions, so each path is
-- written once (pf_rework_path_keys) and an occurrence carries its number, `path_id`: copying the
-- lists into every row cost more than the rest of the table.
CREATE OR REPLACE TEMP TABLE pf_variant_rework_paths AS
SELECT r.vkey, r.activity, r.pos, r.prev_occ_pos,
       list(CAST(s.activity AS VARCHAR) ORDER BY s.pos) AS path
FROM pf_variant_steps r
JOIN pf_variant_steps s ON s.vkey = r.vkey AND s.pos BETWEEN r.prev_occ_pos AND r.pos
WHERE r.occ > 1
GROUP BY r.vkey, r.activity, r.pos, r.prev_occ_pos;

CREATE OR REPLACE TEMP TABLE pf_rework_path_keys AS
SELECT CAST(row_number() OVER (ORDER BY path) AS INTEGER) AS path_id, path,
       list_sort(list_distinct(path))                    AS loop
FROM (SELECT DISTINCT path FROM pf_variant_rework_paths);

CREATE OR REPLACE TEMP TABLE pf_variant_rework AS
SELECT r.vkey, r.activity, r.pos, r.prev_occ_pos, k.path_id
FROM pf_variant_rework_paths r JOIN pf_rework_path_keys k ON k.path = r.path;

CREATE OR REPLACE TEMP TABLE pf_rework_occurrences AS
WITH o AS (
    SELECT c.case_key, c.case_id, r.activity, r.pos, r.prev_occ_pos, r.path_id
    FROM pf_cases c JOIN pf_variant_rework r USING (vkey)
)
SELECT o.case_key, o.case_id, o.activity, o.pos,
       (epoch_us(cur.ts) - epoch_us(prev.ts)) / 1e6                       AS seconds,
       cur.channel,
       cur.department IS NULL OR prev.department IS NULL
           OR cur.department = prev.department                            AS same_department,
       cur.resource, prev.resource AS prev_resource,
       cur.department, prev.department AS prev_department,
       o.path_id                                                          -- pf_rework_path_keys
FROM o
JOIN pf_steps cur ON cur.case_key = o.case_key AND cur.pos = o.pos
JOIN pf_steps prev ON prev.case_key = o.case_key AND prev.pos = o.prev_occ_pos;

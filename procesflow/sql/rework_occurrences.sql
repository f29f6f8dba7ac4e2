-- One row per extra execution of an activity in a case (every execution after its first), with the
-- rework path that led back to it: the steps from the previous execution of the same activity to
-- this one, both included (a -> a for a self-loop, a -> x -> y -> a when x and y lie between),
-- the time between the two completions, and `loop`: the path's distinct activities, sorted, so
-- that rotations of the same cycle share one key. Order within a case: ts, then seq.
CREATE OR REPLACE TEMP TABLE pf_rework_occurrences AS
WITH e AS (
    SELECT case_id, activity, ts, channel, department, pos
    FROM pf_steps  -- steps.sql
),
repeated AS (  -- only activities done more than once in a case can have extra executions
    SELECT case_id, activity FROM e GROUP BY case_id, activity HAVING count(*) > 1
),
r AS (
    SELECT case_id, activity, pos, channel,
           department IS NULL OR lag(department) OVER w IS NULL
               OR department = lag(department) OVER w          AS same_department,
           lag(pos) OVER w                                     AS prev_pos,
           (epoch_us(ts) - epoch_us(lag(ts) OVER w)) / 1e6     AS seconds
    FROM e SEMI JOIN repeated USING (case_id, activity)
    WINDOW w AS (PARTITION BY case_id, activity ORDER BY pos)
),
p AS (
    SELECT r.case_id, r.activity, r.pos, r.seconds, r.channel, r.same_department,
           list(e.activity ORDER BY e.pos) AS path
    FROM r
    JOIN e ON e.case_id = r.case_id AND e.pos BETWEEN r.prev_pos AND r.pos
    WHERE r.prev_pos IS NOT NULL
    GROUP BY r.case_id, r.activity, r.pos, r.seconds, r.channel, r.same_department
)
SELECT case_id, activity, pos, seconds, channel, same_department, path, list_sort(list_distinct(path)) AS loop
FROM p;

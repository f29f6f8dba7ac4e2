-- Per activity (TEMP TABLE pf_activities), everything the DFG, the maps and the rules show about
-- it, in one pass over the steps (pf_steps, steps.sql): events, processing time where start times
-- exist (ts - start_ts), the waiting time before it (pf_wait_s, macros.sql), its usual department
-- (the most frequent), how many resources and departments do it, and where it lies in the case.
-- `cases` (cases with the activity) is counted over the variants (pf_variant_steps).
CREATE OR REPLACE TEMP TABLE pf_activities AS
WITH e AS (
    SELECT activity,
           count(*)                                                    AS count,
           count(start_ts)                                             AS with_start,
           median((epoch_us(ts) - epoch_us(start_ts)) / 1e6)           AS median_processing_s,
           avg((epoch_us(ts) - epoch_us(start_ts)) / 1e6)              AS mean_processing_s,
           stddev_pop((epoch_us(ts) - epoch_us(start_ts)) / 1e6)       AS sd_processing_s,
           median(wait_s)                                              AS median_wait_s,
           avg(wait_s)                                                 AS mean_wait_s,
           coalesce(sum(wait_s), 0)                                    AS total_wait_s,
           mode(department)                                            AS department,
           count(DISTINCT resource)                                    AS resources,
           count(DISTINCT department)                                  AS departments,
           avg(pos / n)                                                AS mean_relative_position
    FROM pf_steps
    GROUP BY activity
),
c AS (
    SELECT v.activity, CAST(sum(k.cases) AS BIGINT) AS cases
    FROM (SELECT DISTINCT vkey, activity FROM pf_variant_steps) v JOIN pf_variant_keys k USING (vkey)
    GROUP BY v.activity
)
SELECT e.*, c.cases
FROM e JOIN c USING (activity);

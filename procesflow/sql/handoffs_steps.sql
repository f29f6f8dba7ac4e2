-- The hand-off chain of every case at one level ({{who}}: department or resource column), as TEMP
-- TABLE {{steps}}: the events of pf_handoff_ev (handoffs_events.sql) with a known {{who}}, in case
-- order, each with the next chain event. Built once per level and shared by the matrix, the
-- summary, the per-case counts and the runs (handoffs_runs.sql) — one sort of the events.
-- Wait to the next chain event: from this event's completion (ts) to the next one's start
-- (start_ts) where it has one, else to its completion; overlap counts as 0 (pf_wait_s, macros.sql).
-- `new_run` marks the first event of a run (the value differs from the event before), `run_end`
-- the last (it differs from the event after).
CREATE OR REPLACE TEMP TABLE {{steps}} AS
SELECT case_key, ts, pos, activity, who,
       lead(activity) OVER w                                   AS next_activity,
       lead(who) OVER w                                        AS next_who,
       lead(start_ts) OVER w IS NOT NULL                       AS next_has_start,
       pf_wait_s(ts, lead(start_ts) OVER w, lead(ts) OVER w)   AS wait_s,
       lag(who) OVER w IS DISTINCT FROM who                    AS new_run,
       lead(who) OVER w IS DISTINCT FROM who                   AS run_end
FROM (SELECT case_key, ts, start_ts, pos, activity, {{who}} AS who
      FROM pf_handoff_ev WHERE {{who}} IS NOT NULL)
WINDOW w AS (PARTITION BY case_key ORDER BY pos);

-- The statutory term per case (TEMP TABLE pf_deadline_case); definitions in
-- procesflow/metrics/deadline.py. Parameters: $start_act, $end_act, $susp_start, $susp_end
-- (activity names or NULL), $term_s (the term in seconds, or NULL for a term per case: TEMP TABLE
-- pf_case_term(case_id, months, days, micros), added to the clock start), $at_risk (share of the
-- term, 0..1) and $ref_ts (the log's last timestamp: "now" for cases still open).
-- Case order is (ts, seq); `pos` is the event's place in it (pf_steps, steps.sql).
CREATE OR REPLACE TEMP TABLE pf_deadline_case AS
WITH started AS (   -- the clock starts at the first event, or at the first $start_act
    SELECT case_key, any_value(n) AS n, min(pos) AS start_pos, arg_min(ts, pos) AS start_ts
    FROM pf_steps  -- steps.sql
    WHERE CAST($start_act AS VARCHAR) IS NULL OR activity = $start_act
    GROUP BY case_key
),
decision AS (       -- the first $end_act after the clock start; without $end_act the last event
    SELECT s.case_key, c.last_ts AS end_ts
    FROM started s JOIN pf_cases c USING (case_key)
    WHERE CAST($end_act AS VARCHAR) IS NULL
    UNION ALL
    SELECT s.case_key, arg_min(e.ts, e.pos) AS end_ts
    FROM pf_steps e JOIN started s USING (case_key)
    WHERE CAST($end_act AS VARCHAR) IS NOT NULL AND e.activity = $end_act AND e.pos > s.start_pos
    GROUP BY s.case_key
),
stop AS (           -- the clock stops at the decision, or runs on to $ref_ts
    SELECT s.case_key, s.start_ts, d.end_ts,
           coalesce(d.end_ts, CAST($ref_ts AS TIMESTAMPTZ)) AS stop_ts
    FROM started s LEFT JOIN decision d USING (case_key)
),
marks AS (      -- suspension markers; S = suspend, E = resume
    SELECT case_key, pos, ts,
           CASE WHEN activity = CAST($susp_start AS VARCHAR) THEN 'S' ELSE 'E' END AS kind
    FROM pf_steps
    WHERE activity = CAST($susp_start AS VARCHAR) OR activity = CAST($susp_end AS VARCHAR)
),
m AS (
    SELECT *,
           lag(kind) OVER (PARTITION BY case_key ORDER BY pos) AS prev_kind,
           first_value(CASE WHEN kind = 'E' THEN ts END IGNORE NULLS)
               OVER (PARTITION BY case_key ORDER BY pos ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
                                                             AS resume_ts
    FROM marks
),
intervals AS (  -- a suspension begins at a suspend activity while the clock runs (a repeated
                -- suspend before the resume changes nothing) and ends at the next resume activity;
                -- unclosed (no resume) it runs until the clock stops
    SELECT case_key, ts AS from_ts, resume_ts AS to_ts
    FROM m
    WHERE kind = 'S' AND (prev_kind IS NULL OR prev_kind = 'E')
),
susp AS (       -- only the part of each suspension between clock start and stop counts
    SELECT t.case_key,
           count(*) FILTER (WHERE least(coalesce(i.to_ts, t.stop_ts), t.stop_ts) > greatest(i.from_ts, t.start_ts))
                                                             AS suspensions,
           count(*) FILTER (WHERE i.to_ts IS NULL AND i.from_ts < t.stop_ts) AS unclosed,
           sum(greatest(0, epoch_us(least(coalesce(i.to_ts, t.stop_ts), t.stop_ts))
                           - epoch_us(greatest(i.from_ts, t.start_ts)))) / 1e6 AS suspended_s
    FROM stop t JOIN intervals i ON i.case_key = t.case_key
    GROUP BY t.case_key
),
net AS (
    SELECT c.case_key, c.case_id, t.start_ts, t.end_ts, t.stop_ts,
           (epoch_us(t.stop_ts) - epoch_us(t.start_ts)) / 1e6                              AS elapsed_s,
           coalesce(u.suspended_s, 0)                                                      AS suspended_s,
           coalesce(u.suspensions, 0)                                                      AS suspensions,
           coalesce(u.unclosed, 0)                                                         AS unclosed_suspensions,
           (epoch_us(t.stop_ts) - epoch_us(t.start_ts)) / 1e6 - coalesce(u.suspended_s, 0) AS net_s,
           CASE WHEN k.case_id IS NOT NULL
                THEN (epoch_us(t.start_ts + to_months(k.months) + to_days(k.days) + to_microseconds(k.micros))
                      - epoch_us(t.start_ts)) / 1e6
                ELSE CAST($term_s AS DOUBLE) END                                           AS term_s
    FROM pf_cases c
    LEFT JOIN stop t ON t.case_key = c.case_key
    LEFT JOIN susp u ON u.case_key = c.case_key
    LEFT JOIN pf_case_term k ON k.case_id = c.case_id
)
SELECT case_key, case_id,
       CASE WHEN start_ts IS NULL THEN 'no_start'
            WHEN term_s IS NULL THEN 'no_term'
            WHEN end_ts IS NOT NULL THEN 'decided' ELSE 'open' END                     AS state,
       CASE WHEN start_ts IS NULL THEN 'no_start'
            WHEN term_s IS NULL THEN 'no_term'
            WHEN end_ts IS NOT NULL AND net_s <= term_s THEN 'within'
            WHEN end_ts IS NOT NULL THEN 'late'
            WHEN net_s > term_s THEN 'overdue'
            WHEN net_s >= $at_risk * term_s THEN 'at_risk'
            ELSE 'running' END                                                          AS status,
       start_ts                                                                         AS clock_start,
       end_ts                                                                           AS decision_ts,
       stop_ts                                                                          AS clock_stop,
       elapsed_s, suspended_s, suspensions, unclosed_suspensions, net_s,
       term_s,
       net_s / term_s                                                                   AS term_share,
       CASE WHEN net_s > term_s THEN net_s - term_s END                                 AS late_s,
       term_s - net_s                                                                   AS remaining_s
FROM net
ORDER BY case_key;

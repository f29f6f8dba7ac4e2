-- The statutory term per case (TEMP TABLE pf_deadline_case); definitions in
-- procesflow/metrics/deadline.py. Parameters: $start_act, $end_act, $susp_start, $susp_end
-- (activity names or NULL), $term_s (the term in seconds, or NULL for a term per case: TEMP TABLE
-- pf_case_term(case_id, months, days, micros), added to the clock start), $at_risk (share of the
-- term, 0..1) and $ref_ts (the log's last timestamp: "now" for cases still open).
-- Case order is (ts, seq); `pos` is the event's place in it.
CREATE OR REPLACE TEMP TABLE pf_deadline_case AS
WITH ev AS (
    SELECT case_id, activity, ts, pos, n FROM pf_steps  -- steps.sql
),
cases AS (
    SELECT DISTINCT case_id FROM ev
),
clock AS (      -- the clock starts at the first event, or at the first $start_act
    SELECT case_id, min(pos) AS start_pos
    FROM ev
    WHERE CAST($start_act AS VARCHAR) IS NULL OR activity = $start_act
    GROUP BY case_id
),
started AS (
    SELECT c.case_id, c.start_pos, e.ts AS start_ts, e.n
    FROM clock c JOIN ev e ON e.case_id = c.case_id AND e.pos = c.start_pos
),
decision AS (   -- the first $end_act after the clock start; without $end_act the last event
    SELECT s.case_id, min(e.pos) AS end_pos
    FROM started s JOIN ev e ON e.case_id = s.case_id
    WHERE CASE WHEN CAST($end_act AS VARCHAR) IS NULL THEN e.pos = s.n
               ELSE e.activity = $end_act AND e.pos > s.start_pos END
    GROUP BY s.case_id
),
stop AS (       -- the clock stops at the decision, or runs on to $ref_ts
    SELECT s.case_id, s.start_ts, e.ts AS end_ts,
           coalesce(e.ts, CAST($ref_ts AS TIMESTAMPTZ)) AS stop_ts
    FROM started s
    LEFT JOIN decision d ON d.case_id = s.case_id
    LEFT JOIN ev e ON e.case_id = d.case_id AND e.pos = d.end_pos
),
marks AS (      -- suspension markers; S = suspend, E = resume
    SELECT case_id, pos, ts,
           CASE WHEN activity = CAST($susp_start AS VARCHAR) THEN 'S' ELSE 'E' END AS kind
    FROM ev
    WHERE activity = CAST($susp_start AS VARCHAR) OR activity = CAST($susp_end AS VARCHAR)
),
m AS (
    SELECT *,
           lag(kind) OVER (PARTITION BY case_id ORDER BY pos) AS prev_kind,
           first_value(CASE WHEN kind = 'E' THEN ts END IGNORE NULLS)
               OVER (PARTITION BY case_id ORDER BY pos ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
                                                             AS resume_ts
    FROM marks
),
intervals AS (  -- a suspension begins at a suspend activity while the clock runs (a repeated
                -- suspend before the resume changes nothing) and ends at the next resume activity;
                -- unclosed (no resume) it runs until the clock stops
    SELECT case_id, ts AS from_ts, resume_ts AS to_ts
    FROM m
    WHERE kind = 'S' AND (prev_kind IS NULL OR prev_kind = 'E')
),
susp AS (       -- only the part of each suspension between clock start and stop counts
    SELECT t.case_id,
           count(*) FILTER (WHERE least(coalesce(i.to_ts, t.stop_ts), t.stop_ts) > greatest(i.from_ts, t.start_ts))
                                                             AS suspensions,
           count(*) FILTER (WHERE i.to_ts IS NULL AND i.from_ts < t.stop_ts) AS unclosed,
           sum(greatest(0, epoch_us(least(coalesce(i.to_ts, t.stop_ts), t.stop_ts))
                           - epoch_us(greatest(i.from_ts, t.start_ts)))) / 1e6 AS suspended_s
    FROM stop t JOIN intervals i ON i.case_id = t.case_id
    GROUP BY t.case_id
),
net AS (
    SELECT c.case_id, t.start_ts, t.end_ts, t.stop_ts,
           (epoch_us(t.stop_ts) - epoch_us(t.start_ts)) / 1e6                              AS elapsed_s,
           coalesce(u.suspended_s, 0)                                                      AS suspended_s,
           coalesce(u.suspensions, 0)                                                      AS suspensions,
           coalesce(u.unclosed, 0)                                                         AS unclosed_suspensions,
           (epoch_us(t.stop_ts) - epoch_us(t.start_ts)) / 1e6 - coalesce(u.suspended_s, 0) AS net_s,
           CASE WHEN k.case_id IS NOT NULL
                THEN (epoch_us(t.start_ts + to_months(k.months) + to_days(k.days) + to_microseconds(k.micros))
                      - epoch_us(t.start_ts)) / 1e6
                ELSE CAST($term_s AS DOUBLE) END                                           AS term_s
    FROM cases c
    LEFT JOIN stop t ON t.case_id = c.case_id
    LEFT JOIN susp u ON u.case_id = c.case_id
    LEFT JOIN pf_case_term k ON k.case_id = c.case_id
)
SELECT case_id,
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
ORDER BY case_id;

-- Handover matrix over the filtered events (pf_ev) at one level: {{who}} is the department or the
-- resource column (filled in by procesflow/metrics/handoffs.py).
-- Events whose {{who}} is unknown are left out; the remaining events of a case, in ts then seq
-- order, form its chain, and every pair of consecutive events in it is one transfer from -> to.
-- Pairs with from = to (work staying in one unit) are rows too, so the matrix equals pm4py's
-- handover-of-work network (beta = 0): share = count / all pairs. A hand-off is a row with
-- from <> to.
-- Wait of a pair: from the completion (ts) of the first event to the start (start_ts) of the next
-- where it has one, else to its completion (ts); a next event that started before the first one
-- completed (overlapping work) counts as no wait (0).
WITH k AS (
    SELECT case_id, ts, start_ts, seq, {{who}} AS who
    FROM pf_handoff_ev  -- handoffs_events.sql: no contacts after the first event
    WHERE {{who}} IS NOT NULL
),
s AS (
    SELECT case_id,
           who                          AS source,
           lead(who) OVER w             AS target,
           greatest(0, epoch_us(coalesce(lead(start_ts) OVER w, lead(ts) OVER w)) - epoch_us(ts)) / 1e6
                                        AS wait_s
    FROM k
    WINDOW w AS (PARTITION BY case_id ORDER BY ts, seq)
)
SELECT source,
       target,
       source <> target                 AS handoff,
       count(*)                         AS count,
       count(DISTINCT case_id)          AS cases,
       count(*) / sum(count(*)) OVER () AS share,
       sum(wait_s)                      AS total_wait_s,
       median(wait_s)                   AS median_wait_s
FROM s
WHERE target IS NOT NULL
GROUP BY source, target
ORDER BY count DESC, source, target;

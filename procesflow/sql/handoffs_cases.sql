-- Hand-offs per case at one level ({{who}}: department or resource column), every case of the
-- filtered events (pf_ev). Events whose {{who}} is unknown are left out of the chain; a hand-off
-- is a pair of consecutive events of the chain (ts, then seq order) with a different {{who}}.
-- known_events: events with a known {{who}}; units: distinct known values; runs: maximal stretches
-- of consecutive chain events with the same value (runs = hand-offs + 1 when known_events > 0).
WITH k AS (
    SELECT case_id, ts, seq, {{who}} AS who
    FROM pf_handoff_ev  -- handoffs_events.sql: no contacts after the first event
    WHERE {{who}} IS NOT NULL
),
s AS (
    SELECT case_id, who, lead(who) OVER (PARTITION BY case_id ORDER BY ts, seq) AS next_who
    FROM k
),
h AS (
    SELECT case_id,
           count(*)                                    AS known_events,
           count(*) FILTER (WHERE next_who <> who)     AS handoffs,
           count(DISTINCT who)                         AS units
    FROM s
    GROUP BY case_id
),
c AS (
    SELECT case_id, count(*) AS events FROM pf_ev GROUP BY case_id
)
SELECT c.case_id,
       c.events,
       coalesce(h.known_events, 0)                                      AS known_events,
       coalesce(h.handoffs, 0)                                          AS handoffs,
       coalesce(h.units, 0)                                             AS units,
       CASE WHEN h.known_events > 0 THEN h.handoffs + 1 ELSE 0 END      AS runs
FROM c LEFT JOIN h USING (case_id)
ORDER BY handoffs DESC, c.case_id;

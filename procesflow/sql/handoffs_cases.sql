-- Hand-offs per case at one level (the chain in {{steps}}: department or resource), every case
-- of the filtered events. Events whose unit is unknown are left out of the chain; a hand-off
-- is a pair of consecutive events of the chain (ts, then seq order) with a different unit.
-- known_events: events with a known unit; units: distinct known values; runs: maximal stretches
-- of consecutive chain events with the same value (runs = hand-offs + 1 when known_events > 0).
WITH s AS (
    SELECT case_id, who, next_who FROM {{steps}}  -- handoffs_steps.sql
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
    SELECT case_id, n AS events FROM pf_cases  -- steps.sql
)
SELECT c.case_id,
       c.events,
       coalesce(h.known_events, 0)                                      AS known_events,
       coalesce(h.handoffs, 0)                                          AS handoffs,
       coalesce(h.units, 0)                                             AS units,
       CASE WHEN h.known_events > 0 THEN h.handoffs + 1 ELSE 0 END      AS runs
FROM c LEFT JOIN h USING (case_id)
ORDER BY handoffs DESC, c.case_id;

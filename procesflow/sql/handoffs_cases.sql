-- Hand-offs per case at one level (the chain in {{steps}}: department or resource), every case
-- of the filtered events. Events whose unit is unknown are left out of the chain; a hand-off
-- is a pair of consecutive events of the chain (ts, then seq order) with a different unit.
-- known_events: events with a known unit; units: distinct known values; runs: maximal stretches
-- of consecutive chain events with the same value (runs = hand-offs + 1 when known_events > 0).
WITH h AS (
    SELECT case_key,
           count(*)                                    AS known_events,
           count(*) FILTER (WHERE new_run)             AS runs,
           count(DISTINCT who)                         AS units
    FROM {{steps}}  -- handoffs_steps.sql
    GROUP BY case_key
)
SELECT c.case_id,
       c.n                                                              AS events,
       coalesce(h.known_events, 0)                                      AS known_events,
       coalesce(h.runs - 1, 0)                                          AS handoffs,
       coalesce(h.units, 0)                                             AS units,
       coalesce(h.runs, 0)                                              AS runs
FROM pf_cases c LEFT JOIN h USING (case_key)  -- steps.sql
ORDER BY handoffs DESC, c.case_key;

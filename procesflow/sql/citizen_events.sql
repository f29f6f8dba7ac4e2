-- The citizen's contacts (TEMP TABLE pf_citizen_event); definitions in procesflow/metrics/citizen.py.
-- A contact is an event with a channel, or an event of an activity in $contact_acts (activities
-- tagged `contact`). Case order is (ts, seq). Only contacts are rows — they are a small part of the
-- events, so the windows below sort little:
--   while_waiting   a contact that is not the case's first event and whose ts is before the ts of
--                   the case's last event
--   switch          a contact with a channel whose previous contact-with-a-channel in the case
--                   had a different channel
--   waiting_for     the next non-contact activity of the case (NULL if none): consecutive contacts
--                   form an island (pos - their rank is constant), and the event after the island's
--                   last contact is that activity (its next_activity in pf_steps)
CREATE OR REPLACE TEMP TABLE pf_citizen_event AS
WITH c AS (
    SELECT s.case_key, s.activity, s.ts, s.seq, s.pos, s.channel, s.next_activity,
           s.pos - row_number() OVER (PARTITION BY s.case_key ORDER BY s.pos)     AS island,
           lag(s.channel) OVER (PARTITION BY s.case_key, s.channel IS NOT NULL ORDER BY s.pos)
                                                                                  AS prev_channel
    FROM pf_steps s  -- steps.sql
    WHERE s.channel IS NOT NULL
       OR s.activity IN (SELECT activity FROM pf_activities  -- activities.sql: the tagged ones
                         WHERE list_contains(CAST($contact_acts AS VARCHAR[]), CAST(activity AS VARCHAR)))
)
SELECT c.case_key, k.case_id, c.activity, c.ts, c.seq, c.pos, c.channel,
       true                                                                       AS is_contact,
       c.pos > 1 AND c.ts < k.last_ts                                             AS while_waiting,
       c.channel IS NOT NULL AND c.prev_channel IS NOT NULL
           AND c.channel <> c.prev_channel                                        AS switch,
       last_value(c.next_activity) OVER (PARTITION BY c.case_key, c.island ORDER BY c.pos
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
                                                                                  AS waiting_for
FROM c JOIN pf_cases k USING (case_key);

-- The citizen's view of each event (TEMP TABLE pf_citizen_event); definitions in
-- procesflow/metrics/citizen.py. A contact is an event with a channel, or an event of an
-- activity in $contact_acts (activities tagged `contact`). Case order is (ts, seq).
--   while_waiting   a contact that is not the case's first event and whose ts is before the ts of
--                   the case's last event
--   switch          a contact with a channel whose previous contact-with-a-channel in the case
--                   had a different channel
--   waiting_for     for contacts: the next non-contact activity of the case (NULL if none)
CREATE OR REPLACE TEMP TABLE pf_citizen_event AS
WITH e AS (
    SELECT s.case_id, s.activity, s.ts, s.seq,
           nullif(trim(s.channel), '')                                        AS channel,
           nullif(trim(s.channel), '') IS NOT NULL
               OR list_contains(CAST($contact_acts AS VARCHAR[]), s.activity) AS is_contact,
           s.pos,
           c.last_ts
    FROM pf_steps s JOIN pf_cases c USING (case_id)  -- steps.sql
),
n AS (
    SELECT *,
           first_value(CASE WHEN NOT is_contact THEN activity END IGNORE NULLS)
               OVER (PARTITION BY case_id ORDER BY pos ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
                                                                              AS next_activity,
           lag(channel) OVER (PARTITION BY case_id, is_contact AND channel IS NOT NULL ORDER BY pos)
                                                                              AS prev_channel
    FROM e
)
SELECT case_id, activity, ts, seq, pos, channel, is_contact,
       is_contact AND pos > 1 AND ts < last_ts                                AS while_waiting,
       is_contact AND channel IS NOT NULL AND prev_channel IS NOT NULL
           AND channel <> prev_channel                                        AS switch,
       CASE WHEN is_contact THEN next_activity END                            AS waiting_for
FROM n
ORDER BY case_id, pos;

-- The events hand-off analysis looks at (TEMP VIEW pf_handoff_ev): every event of pf_ev except
-- citizen contacts after the first event. A status call answered by the contact centre is the
-- citizen reaching out, not the case moving to another department; the first event (the
-- application, often with a channel) does count, as the case starts there.
CREATE OR REPLACE TEMP VIEW pf_handoff_ev AS
SELECT case_key, activity, ts, start_ts, resource, department, channel, seq, pos
FROM pf_steps  -- steps.sql
WHERE channel IS NULL OR pos = 1;

-- Per case (TEMP TABLE pf_citizen_case), from pf_citizen_event: contacts, contacts after the first
-- event, contacts while waiting, channel switches, first-time-right (no activity occurs more than
-- once: from the case's variant, steps.sql) and throughput (last ts - first ts).
CREATE OR REPLACE TEMP TABLE pf_citizen_case AS
WITH k AS (
    SELECT case_key,
           count(*)                                                   AS contacts,
           count(*) FILTER (WHERE pos > 1)                            AS contacts_after_first,
           count(*) FILTER (WHERE while_waiting)                      AS contacts_while_waiting,
           count(*) FILTER (WHERE switch)                             AS channel_switches,
           count(DISTINCT channel)                                    AS channels
    FROM pf_citizen_event
    GROUP BY case_key
)
SELECT c.case_key,
       c.case_id,
       c.n                                                        AS events,
       coalesce(k.contacts, 0)                                    AS contacts,
       coalesce(k.contacts_after_first, 0)                        AS contacts_after_first,
       coalesce(k.contacts_while_waiting, 0)                      AS contacts_while_waiting,
       coalesce(k.channel_switches, 0)                            AS channel_switches,
       coalesce(k.channels, 0)                                    AS channels,
       v.activities = c.n                                         AS first_time_right,
       c.throughput_s
FROM pf_cases c JOIN pf_variant_seq v USING (vkey) LEFT JOIN k USING (case_key)
ORDER BY c.case_key;

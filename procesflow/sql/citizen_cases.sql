-- Per case (TEMP TABLE pf_citizen_case), from pf_citizen_event: contacts, contacts after the first
-- event, contacts while waiting, channel switches, first-time-right (no activity occurs more than
-- once) and throughput (last ts - first ts).
CREATE OR REPLACE TEMP TABLE pf_citizen_case AS
SELECT case_id,
       count(*)                                                   AS events,
       count(*) FILTER (WHERE is_contact)                         AS contacts,
       count(*) FILTER (WHERE is_contact AND pos > 1)             AS contacts_after_first,
       count(*) FILTER (WHERE while_waiting)                      AS contacts_while_waiting,
       count(*) FILTER (WHERE switch)                             AS channel_switches,
       count(DISTINCT channel)                                    AS channels,
       count(*) = count(DISTINCT activity)                        AS first_time_right,
       (epoch_us(max(ts)) - epoch_us(min(ts))) / 1e6              AS throughput_s
FROM pf_citizen_event
GROUP BY case_id
ORDER BY case_id;

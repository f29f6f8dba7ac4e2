-- Channel mix over contact events (channel NULL: a tagged contact activity without a channel).
SELECT channel,
       count(*)                                   AS contacts,
       count(DISTINCT case_key)                   AS cases,
       count(*) / sum(count(*)) OVER ()           AS share,
       count(*) FILTER (WHERE pos = 1)            AS first_event,
       count(*) FILTER (WHERE while_waiting)      AS while_waiting
FROM pf_citizen_event
WHERE is_contact
GROUP BY channel
ORDER BY contacts DESC, channel NULLS LAST;

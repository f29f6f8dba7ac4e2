-- Contacts while waiting by the activity the case was waiting for (its next non-contact activity).
SELECT waiting_for,
       count(*)                AS contacts,
       count(DISTINCT case_key) AS cases
FROM pf_citizen_event
WHERE while_waiting
GROUP BY waiting_for
ORDER BY contacts DESC, waiting_for NULLS LAST;

-- Cases by number of contacts (0, 1, 2, ...), every count from 0 to the maximum.
WITH n AS (SELECT contacts, count(*) AS cases FROM pf_citizen_case GROUP BY contacts)
SELECT g.contacts, coalesce(n.cases, 0) AS cases
FROM (SELECT unnest(range(0, (SELECT max(contacts) + 1 FROM pf_citizen_case))) AS contacts) g
LEFT JOIN n USING (contacts)
ORDER BY g.contacts;

-- Decisions per local calendar month ($tz) of the decision: decided, within term, late.
SELECT strftime(timezone($tz, decision_ts), '%Y-%m')      AS month,
       count(*)                                            AS decided,
       count(*) FILTER (WHERE status = 'within')           AS within_term,
       count(*) FILTER (WHERE status = 'late')             AS late,
       count(*) FILTER (WHERE status = 'within') / count(*) AS share_within_term
FROM pf_deadline_case
WHERE state = 'decided'
GROUP BY ALL
ORDER BY month;

-- Log complexity over the filtered events (pf_ev): cases, events, variants, trace lengths,
-- variant entropy and top-10 variant coverage. A variant is the activity sequence of a case
-- (timestamp, then source order). entropy = -sum(p * ln p) over variants, p = cases / all cases.
WITH c AS (
    SELECT case_id,
           list(activity ORDER BY ts, seq) AS variant,
           count(*)                        AS len
    FROM pf_ev
    GROUP BY case_id
),
v AS (
    SELECT variant, count(*) AS n
    FROM c
    GROUP BY variant
),
top AS (
    SELECT n
    FROM v
    ORDER BY n DESC, array_to_string(variant, chr(31))
    LIMIT 10
),
tot AS (
    SELECT count(*)      AS cases,
           sum(len)      AS events,
           min(len)      AS len_min,
           avg(len)      AS len_mean,
           median(len)   AS len_median,
           max(len)      AS len_max
    FROM c
)
SELECT tot.cases,
       tot.events,
       (SELECT count(*) FROM v)                                             AS variants,
       (SELECT -sum((n / tot.cases) * ln(n / tot.cases)) FROM v)            AS entropy,
       tot.len_min, tot.len_mean, tot.len_median, tot.len_max,
       (SELECT sum(n) FROM top)                                             AS top10_cases
FROM tot;

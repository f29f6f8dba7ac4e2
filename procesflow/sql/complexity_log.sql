-- Log complexity over the filtered events (pf_ev): cases, events, variants, trace lengths,
-- variant entropy and top-10 variant coverage. A variant is the activity sequence of a case
-- (timestamp, then source order). entropy = -sum(p * ln p) over variants, p = cases / all cases.
WITH v AS (
    SELECT cases AS n FROM pf_variant_keys  -- steps.sql: one row per variant
),
top AS (
    SELECT n FROM v ORDER BY n DESC LIMIT 10  -- ties do not change the sum
),
tot AS (
    SELECT count(*)      AS cases,
           sum(n)        AS events,
           min(n)        AS len_min,
           avg(n)        AS len_mean,
           median(n)     AS len_median,
           max(n)        AS len_max
    FROM pf_cases
)
SELECT tot.cases,
       tot.events,
       (SELECT count(*) FROM v)                                             AS variants,
       (SELECT -sum((v.n / t.cases) * ln(v.n / t.cases)) FROM v, tot t)            AS entropy,
       tot.len_min, tot.len_mean, tot.len_median, tot.len_max,
       (SELECT sum(n) FROM top)                                             AS top10_cases
FROM tot;

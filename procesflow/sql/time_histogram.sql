-- Histogram of one numeric column: $bins equal-width bins from its min to its max (the last bin
-- includes the max; one bin when all values are equal). Returns every bin, empty ones with 0.
WITH v AS (
    SELECT CAST({{column}} AS DOUBLE) AS x FROM {{table}} WHERE ({{where}}) AND {{column}} IS NOT NULL
),
r AS (
    SELECT min(x) AS lo, max(x) AS hi,
           CASE WHEN max(x) > min(x) THEN CAST($bins AS BIGINT) ELSE 1 END AS n
    FROM v
),
b AS (
    SELECT CASE WHEN r.n = 1 THEN 0
                ELSE least(CAST(floor((v.x - r.lo) / (r.hi - r.lo) * r.n) AS BIGINT), r.n - 1) END AS bin,
           count(*) AS count
    FROM v, r
    GROUP BY ALL
)
SELECT g.bin,
       r.lo + (r.hi - r.lo) * g.bin / r.n                                          AS lower,
       CASE WHEN g.bin = r.n - 1 THEN r.hi ELSE r.lo + (r.hi - r.lo) * (g.bin + 1) / r.n END AS upper,
       coalesce(b.count, 0)                                                         AS count
FROM r, (SELECT unnest(range(0, (SELECT n FROM r))) AS bin) g
LEFT JOIN b ON b.bin = g.bin
WHERE r.lo IS NOT NULL
ORDER BY g.bin;

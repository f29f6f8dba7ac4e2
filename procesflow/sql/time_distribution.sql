-- Distribution of one numeric column of a table: count, mean, min, p10, p25, median, p75, p90,
-- max, total. Percentiles interpolate linearly (quantile_cont = pandas' default).
SELECT count({{column}})                                             AS count,
       avg({{column}})                                               AS mean,
       min({{column}})                                               AS min,
       quantile_cont({{column}}, [0.1, 0.25, 0.5, 0.75, 0.9])        AS q,
       max({{column}})                                               AS max,
       sum({{column}})                                               AS total
FROM {{table}}
WHERE {{where}};

-- Working seconds between `start` and `end` of each row of `pf_calendar_intervals` (i, start, end):
-- W(end) - W(start), see calendar_table.sql.
WITH a AS (
    SELECT x.i, x."end",
           pf_work_at(x.start, k.cum_before_s, k.open_utc, k.work_s) AS w_start
    FROM pf_calendar_intervals x
    ASOF JOIN pf_calendar k ON x.start >= k.day_start_utc
)
SELECT a.i,
       round(pf_work_at(a."end", k.cum_before_s, k.open_utc, k.work_s) - a.w_start, 6) AS working_s
FROM a
ASOF JOIN pf_calendar k ON a."end" >= k.day_start_utc
ORDER BY a.i;

-- Working seconds between `start` and `end` of each row of `pf_calendar_intervals` (i, start, end):
-- W(end) - W(start), see calendar_table.sql.
SELECT x.i,
       round(pf_work(x."end", e.boundary, e.a_cum, e.a_open, e.a_work, e.b_cum, e.b_open, e.b_work)
             - pf_work(x.start, s.boundary, s.a_cum, s.a_open, s.a_work, s.b_cum, s.b_open, s.b_work), 6)
           AS working_s
FROM pf_calendar_intervals x
JOIN pf_calendar_hours s ON s.hour = pf_hour(x.start)
JOIN pf_calendar_hours e ON e.hour = pf_hour(x."end")
ORDER BY x.i;

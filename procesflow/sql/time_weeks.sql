-- Arrivals, completions and open cases per ISO week (Monday to Sunday, local days) from
-- pf_time_day (time_wip.sql). `open_at_end`: open on the week's last day in the log.
SELECT strftime(date_trunc('week', day), '%G-W%V')       AS week,
       CAST(date_trunc('week', day) AS DATE)              AS week_start,
       sum(arrivals)                                      AS arrivals,
       sum(completions)                                   AS completions,
       avg(open)                                          AS mean_open,
       max(open)                                          AS max_open,
       arg_max(open, day)                                 AS open_at_end
FROM pf_time_day
GROUP BY ALL
ORDER BY week_start;

-- Processing time per activity (ts - start_ts) over events with a start time not after their ts.
SELECT activity,
       count(*)                                                          AS count,
       count(start_ts)                                                   AS with_start,
       count(*) FILTER (WHERE start_ts > ts)                             AS start_after_end,
       median((epoch_us(ts) - epoch_us(start_ts)) / 1e6) FILTER (WHERE start_ts <= ts)     AS median_s,
       avg((epoch_us(ts) - epoch_us(start_ts)) / 1e6) FILTER (WHERE start_ts <= ts)        AS mean_s,
       quantile_cont((epoch_us(ts) - epoch_us(start_ts)) / 1e6, 0.9) FILTER (WHERE start_ts <= ts) AS p90_s,
       coalesce(sum((epoch_us(ts) - epoch_us(start_ts)) / 1e6) FILTER (WHERE start_ts <= ts), 0) AS total_s
FROM pf_steps  -- steps.sql
GROUP BY activity
ORDER BY total_s DESC, activity;

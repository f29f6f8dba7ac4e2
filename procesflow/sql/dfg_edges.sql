-- The directly-follows edges (pf_dfg, dfg.sql), most frequent first.
SELECT source, target, count, cases, mean_s, median_s, p90_s, min_s, max_s, total_s
FROM pf_dfg
ORDER BY count DESC, source, target;

-- Variants: the activity sequence of each case (timestamp, then source order), with the number
-- of cases, share, cumulative share (most frequent first) and throughput times.
WITH c AS (
    SELECT case_id,
           list(activity ORDER BY ts, seq)                      AS variant,
           (epoch_us(max(ts)) - epoch_us(min(ts))) / 1e6        AS throughput_s
    FROM pf_ev
    GROUP BY case_id
),
v AS (
    SELECT variant,
           count(*)               AS cases,
           median(throughput_s)   AS median_throughput_s,
           avg(throughput_s)      AS mean_throughput_s
    FROM c
    GROUP BY variant
)
SELECT variant,
       len(variant)                                    AS length,
       cases,
       cases / sum(cases) OVER ()                      AS share,
       sum(cases) OVER (ORDER BY cases DESC, array_to_string(variant, chr(31))
                        ROWS UNBOUNDED PRECEDING) / sum(cases) OVER () AS cumulative_share,
       median_throughput_s,
       mean_throughput_s
FROM v
ORDER BY cases DESC, array_to_string(variant, chr(31));

-- Variants: the activity sequence of each case (timestamp, then source order), with the number
-- of cases, share, cumulative share (most frequent first) and throughput times. Cases are grouped
-- by their variant key (pf_variant_keys, steps.sql); the sequence comes from one representative.
SELECT q.variant,
       k.n                                             AS length,
       k.cases,
       k.cases / sum(k.cases) OVER ()                  AS share,
       sum(k.cases) OVER (ORDER BY k.cases DESC, array_to_string(q.variant, chr(31))
                          ROWS UNBOUNDED PRECEDING) / sum(k.cases) OVER () AS cumulative_share,
       k.median_throughput_s,
       k.mean_throughput_s
FROM pf_variant_keys k JOIN pf_variant_seq q USING (vkey)
ORDER BY k.cases DESC, array_to_string(q.variant, chr(31));

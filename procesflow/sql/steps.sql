-- The step table (TEMP TABLE pf_steps): every event of the filtered log pf_ev with its place in the
-- case and its neighbours, computed in ONE window pass and shared by every metric, rule and map —
-- so no other query sorts the events of a case again. Order within a case: ts, then seq.
CREATE OR REPLACE TEMP TABLE pf_steps AS
SELECT
    case_id, activity, ts, start_ts, resource, department, channel, lifecycle, seq, ts_precision,
    timezone({{tz}}, ts)                        AS local_ts,  -- wall clock in the log's time zone
    row_number() OVER w                         AS pos,       -- 1-based place in the case
    count(*) OVER (PARTITION BY case_id)        AS n,         -- events in the case
    lag(activity) OVER w                        AS prev_activity,
    lag(ts) OVER w                              AS prev_ts,
    lag(department) OVER w                      AS prev_department,
    lag(resource) OVER w                        AS prev_resource,
    lead(activity) OVER w                       AS next_activity,
    lead(ts) OVER w                             AS next_ts,
    lead(department) OVER w                     AS next_department,
    lead(activity, 2) OVER w                    AS next2_activity,
    pf_wait_s(lag(ts) OVER w, start_ts, ts)     AS wait_s     -- macros.sql
FROM pf_ev
WINDOW w AS (PARTITION BY case_id ORDER BY ts, seq);

-- The case table (TEMP TABLE pf_cases): one row per case, from pf_steps. `vkey` identifies the
-- variant (the activity sequence) without building the sequence: an order-sensitive hash of the
-- (activity, position) pairs, XOR-ed; with the length `n` it tells variants apart (a collision of
-- two different sequences of the same length has a probability of about v²/2⁶⁴ for v variants).
-- Sequences are built only for one representative case per variant (variants.sql).
CREATE OR REPLACE TEMP TABLE pf_cases AS
SELECT
    case_id,
    any_value(n)                                         AS n,
    bit_xor(hash(hash(activity, pos)))                   AS vkey,
    min(ts)                                              AS first_ts,
    max(ts)                                              AS last_ts,
    (epoch_us(max(ts)) - epoch_us(min(ts))) / 1e6        AS throughput_s,
    arg_min(activity, pos)                               AS first_activity,
    arg_max(activity, pos)                               AS last_activity
FROM pf_steps
GROUP BY case_id;

-- The variant table (TEMP TABLE pf_variant_cases): one row per variant key with its cases and a
-- representative case (the smallest case id), and the variants' sequences.
CREATE OR REPLACE TEMP TABLE pf_variant_keys AS
SELECT vkey, n, count(*) AS cases, min(case_id) AS rep,
       median(throughput_s) AS median_throughput_s, avg(throughput_s) AS mean_throughput_s
FROM pf_cases
GROUP BY vkey, n;

CREATE OR REPLACE TEMP TABLE pf_variant_seq AS
SELECT k.vkey, list(s.activity ORDER BY s.pos) AS variant
FROM pf_variant_keys k JOIN pf_steps s ON s.case_id = k.rep
GROUP BY k.vkey;

-- The step table (TEMP TABLE pf_steps): every event of the filtered log pf_ev with its place in the
-- case and its neighbours, computed in ONE pass and shared by every metric, rule and map — so no
-- other query sorts the events of a case again. Order within a case: ts, then seq.
-- Cases are partitioned by `case_key` (an integer per case on DuckDB, in case id order); the text
-- roles are dictionary codes (ENUMs) that read as text.
--
-- The wall clock in the log's time zone (`local_ts`) is looked up per UTC hour: where the zone's
-- offset is the same at both ends of the hour, local = UTC + offset; only the hours around a change
-- of offset use the time-zone function on every event (a per-event conversion costs seconds at 5M).
CREATE OR REPLACE TEMP TABLE pf_zone_hours AS
WITH h AS (
    SELECT hour, make_timestamptz(CAST(hour * 3600e6 AS BIGINT)) AS h_start,
           make_timestamptz(CAST(hour * 3600e6 + 3599999999 AS BIGINT)) AS h_end
    FROM (SELECT DISTINCT floor(epoch_us(ts) / 3600e6) AS hour FROM pf_ev)  -- hours since 1970, UTC
)
SELECT hour,
       epoch_us(CAST(timezone({{tz}}, h_start) AS TIMESTAMPTZ)) - epoch_us(h_start)   AS offset_us,
       epoch_us(CAST(timezone({{tz}}, h_start) AS TIMESTAMPTZ)) - epoch_us(h_start)
           = epoch_us(CAST(timezone({{tz}}, h_end) AS TIMESTAMPTZ)) - epoch_us(h_end) AS stable
FROM h;

CREATE OR REPLACE TEMP TABLE pf_steps AS
WITH e AS (
    SELECT e.*,
           CASE WHEN z.stable THEN make_timestamp(epoch_us(e.ts) + z.offset_us)
                ELSE timezone({{tz}}, e.ts) END                   AS local_ts
    FROM pf_ev e JOIN pf_zone_hours z ON z.hour = floor(epoch_us(e.ts) / 3600e6)
)
SELECT
    case_key, activity, ts, start_ts, resource, department, channel, seq, ts_precision,
    local_ts,                                                 -- wall clock in the log's time zone
    row_number() OVER w                         AS pos,       -- 1-based place in the case
    count(*) OVER (PARTITION BY case_key)       AS n,         -- events in the case
    lag(activity) OVER w                        AS prev_activity,
    lag(ts) OVER w                              AS prev_ts,
    lag(department) OVER w                      AS prev_department,
    lag(resource) OVER w                        AS prev_resource,
    lead(activity) OVER w                       AS next_activity,
    lead(ts) OVER w                             AS next_ts,
    lead(department) OVER w                     AS next_department,
    lead(channel) OVER w                        AS next_channel,
    lead(activity, 2) OVER w                    AS next2_activity,
    pf_wait_s(lag(ts) OVER w, start_ts, ts)     AS wait_s     -- macros.sql
FROM e
WINDOW w AS (PARTITION BY case_key ORDER BY ts, seq);

-- The case table (TEMP TABLE pf_cases): one row per case, from pf_steps. `vkey` identifies the
-- variant (the activity sequence) without building the sequence: an order-sensitive hash of the
-- (activity, position) pairs, XOR-ed; with the length `n` it tells variants apart (a collision of
-- two different sequences of the same length has a probability of about v²/2⁶⁴ for v variants).
-- Sequences are built only for one representative case per variant (pf_variant_steps).
CREATE OR REPLACE TEMP TABLE pf_cases AS
WITH c AS (
SELECT
    case_key,
    any_value(n)                                         AS n,
    bit_xor(hash(hash(CAST(activity AS VARCHAR), pos)))  AS vkey,
    min(ts)                                              AS first_ts,
    max(ts)                                              AS last_ts,
    (epoch_us(max(ts)) - epoch_us(min(ts))) / 1e6        AS throughput_s,
    arg_min(activity, pos)                               AS first_activity,
    arg_max(activity, pos)                               AS last_activity
FROM pf_steps
GROUP BY case_key
)
SELECT c.case_key, i.case_id, c.* EXCLUDE (case_key)  -- the case id from the store's cases (pf_case_ids)
FROM c JOIN pf_case_ids i USING (case_key);

-- The variants (TEMP TABLE pf_variant_keys): one row per variant key with its cases and a
-- representative case (the first in case id order).
CREATE OR REPLACE TEMP TABLE pf_variant_keys AS
SELECT vkey, n, count(*) AS cases, min(case_key) AS rep,
       median(throughput_s) AS median_throughput_s, avg(throughput_s) AS mean_throughput_s
FROM pf_cases
GROUP BY vkey, n;

-- The steps of each variant (TEMP TABLE pf_variant_steps), from its representative case: what only
-- depends on the activity sequence is computed here, per variant, and weighted by its cases —
-- cost grows with the variants, not the events. `occ` numbers the executions of an activity within
-- the sequence (1, 2, 3, ...: occ > 1 is an extra execution, rework) and `prev_occ_pos` is the place
-- of the execution before it.
CREATE OR REPLACE TEMP TABLE pf_variant_steps AS
WITH r AS (
    SELECT k.vkey, s.pos, s.activity, s.next_activity
    FROM pf_variant_keys k JOIN pf_steps s ON s.case_key = k.rep
)
SELECT r.*,
       row_number() OVER o                          AS occ,
       lag(pos) OVER o                              AS prev_occ_pos
FROM r
WINDOW o AS (PARTITION BY vkey, activity ORDER BY pos);

-- Per variant (TEMP TABLE pf_variant_seq): the sequence, its distinct activities and the activities
-- it repeats.
CREATE OR REPLACE TEMP TABLE pf_variant_seq AS
SELECT vkey,
       list(CAST(activity AS VARCHAR) ORDER BY pos)       AS variant,
       count(*) FILTER (WHERE occ = 1)                    AS activities,
       count(*) FILTER (WHERE occ = 2)                    AS repeated
FROM pf_variant_steps
GROUP BY vkey;

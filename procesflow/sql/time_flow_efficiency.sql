-- Flow efficiency per case = processing time / the case's span from its first start time to its
-- last completion (pf_time_case.work_first_ts .. last_ts), only over cases whose events all have a
-- start time not after their completion; cases with a zero span are left out (undefined).
-- Above 1 only when activities of a case overlap in time (parallel work).
CREATE OR REPLACE TEMP TABLE pf_time_flow AS
SELECT case_key,
       processing_s,
       (epoch_us(last_ts) - epoch_us(work_first_ts)) / 1e6 AS span_s,
       processing_s / nullif((epoch_us(last_ts) - epoch_us(work_first_ts)) / 1e6, 0) AS flow_efficiency
FROM pf_time_case
WHERE events_with_start = events AND start_after_end = 0
ORDER BY case_key;

-- The canonical procesflow event store (schema version 2).
-- Every timestamp is a TIMESTAMPTZ holding the UTC instant; connections run with TimeZone = 'UTC'.
-- One import creates (or replaces) one log.

CREATE TABLE IF NOT EXISTS store_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS import_ids START 1;

-- One row per import. `active` is false once a later import replaced the log.
CREATE TABLE IF NOT EXISTS imports (
    import_id     BIGINT PRIMARY KEY,
    log           VARCHAR NOT NULL,
    active        BOOLEAN NOT NULL,
    source        VARCHAR NOT NULL,     -- path or URL, never with credentials
    sha256        VARCHAR,              -- of the source file, NULL for databases and APIs
    connector     VARCHAR NOT NULL,     -- csv, excel, parquet, xes, ocel, ...
    mapping       JSON NOT NULL,        -- column roles, time zone and formats, options; attribute columns
    tz            VARCHAR NOT NULL,     -- zone in which naive timestamps were read
    rows_read     BIGINT NOT NULL,
    rows_loaded   BIGINT NOT NULL,      -- events stored (after start/complete pairing)
    rows_rejected BIGINT NOT NULL,
    imported_at   TIMESTAMPTZ NOT NULL,
    duration_s    DOUBLE NOT NULL,
    quality       JSON NOT NULL         -- the data-quality report (see procesflow/sql/quality.sql)
);

CREATE TYPE IF NOT EXISTS pf_ts_precision AS ENUM ('time', 'day');

-- The events of a log live in a table of their own, `events_<import_id>` (procesflow/sql/log_table.sql),
-- one row per event, stored sorted by (case_no, ts, seq). Text roles are dictionary-coded: a case is
-- its number in `cases`, the other roles' type is an ENUM of the log's own values
-- (`pf_activity_<import_id>`, ...) in sort order (a role with more than 65,535 values stays text):
--
--   case_no      INTEGER               NOT NULL  the case: cases.case_no (numbered in case id order)
--   activity     pf_activity_<id>      NOT NULL
--   ts           TIMESTAMPTZ           NOT NULL  when the event happened (completion), UTC
--   start_ts     TIMESTAMPTZ                     when the work started, if known, UTC
--   resource     pf_resource_<id>                person or system that did it (personal data!)
--   department   pf_department_<id>              organisational unit, team or group
--   channel      pf_channel_<id>                 contact channel (phone, e-mail, counter, web, ...)
--   lifecycle    pf_lifecycle_<id>               original lifecycle value (complete, start+complete, ...)
--   seq          BIGINT                NOT NULL  1..n in source order; breaks ties between equal timestamps
--   ts_precision pf_ts_precision       NOT NULL  'day' for date-only values, else 'time'
--   "attr:<key>" VARCHAR                         one column per other event attribute, as text
--
-- Reading codes instead of text is what makes analysis fast (a group by activity compares bytes,
-- not strings), and a dictionary-coded column costs a fraction of a text column to write.
-- The view `events` shows every active log with the text columns of schema version 1 (log, case_id,
-- activity, ..., attrs as a MAP); procesflow.store.refresh_events_view keeps it up to date.

-- One row per case: its number in the log's events table, its id and its case-level attributes
-- (XES trace attributes, CSV `case:` columns).
CREATE TABLE IF NOT EXISTS cases (
    log     VARCHAR NOT NULL,
    case_no INTEGER NOT NULL,
    case_id VARCHAR NOT NULL,
    attrs   MAP(VARCHAR, VARCHAR)
);

-- Every source row that could not become an event, with the reason.
CREATE TABLE IF NOT EXISTS rejects (
    import_id  BIGINT NOT NULL,
    log        VARCHAR NOT NULL,
    source_row BIGINT,                  -- as a spreadsheet numbers it: the header is row 1
    raw        VARCHAR NOT NULL,        -- the row as read, JSON object or original text
    reason     VARCHAR NOT NULL
);

-- Optional activity tags from the mapping (approval, check, contact, decision, suspension) that
-- sharpen the Lean rules; rules work without them.
CREATE TABLE IF NOT EXISTS activity_tags (
    log      VARCHAR NOT NULL,
    activity VARCHAR NOT NULL,
    tag      VARCHAR NOT NULL
);

-- The canonical procesflow event store (schema version 1).
-- Every timestamp is a TIMESTAMPTZ holding the UTC instant; connections run with TimeZone = 'UTC'.
-- Logs are separated by the `log` column; one import creates (or replaces) one log.

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
    mapping       JSON NOT NULL,        -- column roles, time zone, formats and options used
    tz            VARCHAR NOT NULL,     -- zone in which naive timestamps were read
    rows_read     BIGINT NOT NULL,
    rows_loaded   BIGINT NOT NULL,      -- events stored (after start/complete pairing)
    rows_rejected BIGINT NOT NULL,
    imported_at   TIMESTAMPTZ NOT NULL,
    duration_s    DOUBLE NOT NULL,
    quality       JSON NOT NULL         -- the data-quality report (see procesflow/sql/quality.sql)
);

-- One row per event, stored ordered by (log, case_id, ts, seq).
CREATE TABLE IF NOT EXISTS events (
    log          VARCHAR NOT NULL,
    case_id      VARCHAR NOT NULL,
    activity     VARCHAR NOT NULL,
    ts           TIMESTAMPTZ NOT NULL,  -- when the event happened (completion), UTC
    start_ts     TIMESTAMPTZ,           -- when the work started, if known, UTC
    resource     VARCHAR,               -- person or system that did it (personal data!)
    department   VARCHAR,               -- organisational unit, team or group
    channel      VARCHAR,               -- contact channel (phone, e-mail, counter, web, ...)
    lifecycle    VARCHAR,               -- original lifecycle value (complete, start+complete, ...)
    seq          BIGINT NOT NULL,       -- 1..n in source order; breaks ties between equal timestamps
    ts_precision VARCHAR NOT NULL,      -- 'day' for date-only values, else 'time'
    attrs        MAP(VARCHAR, VARCHAR)  -- every other event attribute, as text
);

-- Case-level attributes (XES trace attributes, CSV `case:` columns), one row per case.
CREATE TABLE IF NOT EXISTS cases (
    log     VARCHAR NOT NULL,
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

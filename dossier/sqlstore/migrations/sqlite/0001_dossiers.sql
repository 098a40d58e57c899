-- Dossiers, their append-only events and the per-agency daily sequences.
--
-- Times are INTEGER microseconds since the Unix epoch (UTC), the precision
-- PostgreSQL keeps; NULL is unset. Dates are TEXT 'YYYY-MM-DD', which sorts
-- as the dates do. JSON columns are TEXT.

-- One row per dossier. The code is also kept as its parts so that List can
-- order by agency, day and sequence number as dossier.Code.Compare does
-- (numerically: …-10000 after …-9999), which the text alone cannot do.
CREATE TABLE dossiers (
    id                TEXT PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    agency            TEXT NOT NULL,
    day               TEXT NOT NULL,
    seq               INTEGER NOT NULL,
    procedure_code    TEXT NOT NULL,
    procedure_version TEXT,
    time_limit        TEXT NOT NULL,    -- as published, "15 ngày làm việc"; '' when unset
    regime            TEXT NOT NULL,    -- 'pause' or 'restart'
    applicant         TEXT NOT NULL,
    channel           INTEGER NOT NULL, -- the portal's channel codes 1–3; 0 unset
    return_channel    INTEGER NOT NULL,
    submitted_at      INTEGER,
    received_at       INTEGER,
    due               INTEGER,
    original_due      INTEGER,
    finished_at       INTEGER,
    returned_at       INTEGER,
    pauses            TEXT NOT NULL,
    handovers         TEXT NOT NULL,
    status            INTEGER NOT NULL, -- the portal's status codes 1–10
    version           INTEGER NOT NULL
);

-- List's order, so that a period is one range scan with no sort (NULLs come
-- first in SQLite's ascending order).
CREATE INDEX dossiers_received ON dossiers (received_at, agency, day, seq);
-- The filters, each with the receipt time so that a filter and a period
-- together stay one range scan.
CREATE INDEX dossiers_status ON dossiers (status, received_at);
CREATE INDEX dossiers_procedure ON dossiers (procedure_code, received_at);
CREATE INDEX dossiers_channel ON dossiers (channel, received_at);

-- Every change of every dossier, in order (n counts from 0). Rows are only
-- ever inserted: the triggers below refuse to change or delete one.
CREATE TABLE dossier_events (
    dossier_id  TEXT NOT NULL REFERENCES dossiers (id),
    n           INTEGER NOT NULL,
    occurred_at INTEGER,
    kind        INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    from_status INTEGER NOT NULL,
    to_status   INTEGER NOT NULL,
    note        TEXT NOT NULL,
    PRIMARY KEY (dossier_id, n)
) WITHOUT ROWID;

CREATE TRIGGER dossier_events_no_update BEFORE UPDATE ON dossier_events
BEGIN
    SELECT RAISE(ABORT, 'dossier events are append-only: UPDATE refused');
END;
CREATE TRIGGER dossier_events_no_delete BEFORE DELETE ON dossier_events
BEGIN
    SELECT RAISE(ABORT, 'dossier events are append-only: DELETE refused');
END;

-- The last sequence number issued per agency per day (Circular
-- 01/2018/TT-VPCP: the number restarts every day for each agency).
CREATE TABLE dossier_sequences (
    agency   TEXT NOT NULL,
    day      TEXT NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (agency, day)
) WITHOUT ROWID;

-- Dossiers, their append-only events and the per-agency daily sequences.

-- One row per dossier. The code is also kept as its parts so that List can
-- order by agency, day and sequence number as dossier.Code.Compare does
-- (numerically: …-10000 after …-9999), which the text alone cannot do.
-- Times are instants (timestamptz); a NULL time is unset. The agency is
-- compared byte by byte (COLLATE "C"), as Go compares strings, whatever the
-- database's locale.
CREATE TABLE dossiers (
    id                uuid PRIMARY KEY,
    code              text NOT NULL UNIQUE,
    agency            text COLLATE "C" NOT NULL,
    day               date NOT NULL,
    seq               integer NOT NULL,
    procedure_code    text NOT NULL,
    procedure_version date,
    time_limit        text NOT NULL,     -- as published, "15 ngày làm việc"; '' when unset
    regime            text NOT NULL,     -- 'pause' or 'restart'
    applicant         jsonb NOT NULL,
    channel           smallint NOT NULL, -- the portal's channel codes 1–3; 0 unset
    return_channel    smallint NOT NULL,
    submitted_at      timestamptz,
    received_at       timestamptz,
    due               timestamptz,
    original_due      timestamptz,
    finished_at       timestamptz,
    returned_at       timestamptz,
    pauses            jsonb NOT NULL,
    handovers         jsonb NOT NULL,
    status            smallint NOT NULL, -- the portal's status codes 1–10
    version           integer NOT NULL
);

-- List's order, so that a period is one range scan with no sort.
CREATE INDEX dossiers_received ON dossiers (received_at NULLS FIRST, agency, day, seq);
-- The filters, each with the receipt time so that a filter and a period
-- together stay one range scan.
CREATE INDEX dossiers_status ON dossiers (status, received_at);
CREATE INDEX dossiers_procedure ON dossiers (procedure_code, received_at);
CREATE INDEX dossiers_channel ON dossiers (channel, received_at);

-- Every change of every dossier, in order (n counts from 0). Rows are only
-- ever inserted: the triggers below refuse to change or delete one.
CREATE TABLE dossier_events (
    dossier_id  uuid NOT NULL REFERENCES dossiers (id),
    n           integer NOT NULL,
    occurred_at timestamptz,
    kind        smallint NOT NULL,
    actor       text NOT NULL,
    from_status smallint NOT NULL,
    to_status   smallint NOT NULL,
    note        text NOT NULL,
    PRIMARY KEY (dossier_id, n)
);

CREATE FUNCTION dossier_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'dossier events are append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER dossier_events_no_update BEFORE UPDATE OR DELETE ON dossier_events
    FOR EACH ROW EXECUTE FUNCTION dossier_events_append_only();
CREATE TRIGGER dossier_events_no_truncate BEFORE TRUNCATE ON dossier_events
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_events_append_only();

-- The last sequence number issued per agency per day (Circular
-- 01/2018/TT-VPCP: the number restarts every day for each agency).
CREATE TABLE dossier_sequences (
    agency   text COLLATE "C" NOT NULL,
    day      date NOT NULL,
    last_seq integer NOT NULL,
    PRIMARY KEY (agency, day)
);

-- The history is the record. Each event keeps, as columns, the facts it
-- decided; the dossier's state is what dossier.Dossier.Apply makes of its
-- events, and the dossiers row keeps, beside the registration facts, the
-- facts that reports read (dossier.Facts), rewritten in the transaction
-- of every create and append.
--
-- The events written by migrations 0001 and 0002 kept their facts in a
-- free-text note, and the rows kept the derived pauses and control slip as
-- JSON. Migrate converts them, in the same transaction as this file, with
-- the Go code of legacy.go: it reads the old events from
-- dossier_events_0002, writes them typed into dossier_events, fills the
-- new columns of the rows, then drops dossier_events_0002 and the columns
-- that are no longer the record (pauses, handovers, time_limit, regime).

DROP TRIGGER dossier_events_no_update ON dossier_events;
DROP TRIGGER dossier_events_no_truncate ON dossier_events;
ALTER TABLE dossier_events RENAME TO dossier_events_0002;
ALTER INDEX dossier_events_pkey RENAME TO dossier_events_0002_pkey;

-- Every event of every dossier, numbered from 1. Rows are only ever
-- inserted: the triggers below refuse to change or delete one.
CREATE TABLE dossier_events (
    dossier_id        uuid NOT NULL REFERENCES dossiers (id),
    n                 integer NOT NULL,  -- 1, 2, 3, …: the dossier's version after the event
    occurred_at       timestamptz NOT NULL,
    kind              smallint NOT NULL, -- dossier.Kind
    actor             text NOT NULL,
    from_status       smallint NOT NULL,
    to_status         smallint NOT NULL,
    clock_skew        bigint NOT NULL,   -- nanoseconds
    reason            text NOT NULL,
    receiver          text NOT NULL,
    step              text NOT NULL,
    step_due          timestamptz,
    due               timestamptz,
    legal_due         timestamptz,
    procedure_version date,
    time_limit        text NOT NULL,     -- as published, "15 ngày làm việc"; '' when unset
    regime            smallint NOT NULL, -- 0 pause, 1 restart
    PRIMARY KEY (dossier_id, n)
);

CREATE TRIGGER dossier_events_no_update BEFORE UPDATE OR DELETE ON dossier_events
    FOR EACH ROW EXECUTE FUNCTION dossier_events_append_only();
CREATE TRIGGER dossier_events_no_truncate BEFORE TRUNCATE ON dossier_events
    FOR EACH STATEMENT EXECUTE FUNCTION dossier_events_append_only();

-- The report facts. legal_due is the legal due time (it was original_due);
-- due stays the current appointment; registered_at is the first event's
-- time; paused_since is the start of the pause under way; outcome is the
-- status that ended processing (dossier.Facts.Outcome), 0 while open;
-- facts packs them all.
ALTER TABLE dossiers RENAME COLUMN original_due TO legal_due;
ALTER TABLE dossiers ADD COLUMN registered_at timestamptz;
ALTER TABLE dossiers ADD COLUMN paused_since timestamptz;
ALTER TABLE dossiers ADD COLUMN outcome smallint NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN supplements integer NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN facts bytea;

-- ListFacts reads the dossiers that a period can count (not finished
-- before its start, registered before its end) from this index alone:
-- it holds facts, the same facts packed in one value (see facts.go), as
-- reading one column per dossier is several times faster than reading
-- fifteen.
CREATE INDEX dossiers_live ON dossiers ((COALESCE(finished_at, 'infinity')), registered_at) INCLUDE (facts);

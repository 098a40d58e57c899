-- The outbox: one entry per event still to be sent to the national public
-- service portal (dossier.Outbox). Every create and append inserts its
-- events' entries in its own transaction; an acknowledged entry is
-- deleted. Each dossier's entries form a queue in event order, and only
-- its head, the entry with the lowest n, is ever tried, so the delivery
-- state (attempts, last_error, retry_at, the lease, dead) is only ever
-- set on a head.
--
-- A database written by migrations 0001–0003 starts with an empty outbox:
-- the changes made before this migration are taken as known to the
-- portal, and are not sent (see the package documentation to send them).
CREATE TABLE dossier_outbox (
    code        TEXT NOT NULL,                -- the dossier's code
    n           INTEGER NOT NULL,             -- the event's number
    at          INTEGER NOT NULL,             -- the event's time: Lease hands out the oldest heads first
    attempts    INTEGER NOT NULL DEFAULT 0,   -- failed deliveries
    last_error  TEXT NOT NULL DEFAULT '',
    retry_at    INTEGER,                      -- ready again then, after a failure
    lease_id    TEXT,                         -- the lease it is handed out under
    lease_until INTEGER,
    dead        INTEGER NOT NULL DEFAULT 0 CHECK (dead IN (0, 1)),
    -- A dossier's queue, in order: a head is an entry with no lower n.
    -- One B-tree, so that an entry costs a create or append one more
    -- page to write.
    PRIMARY KEY (code, n)
) WITHOUT ROWID;

-- The dead letters, which are few.
CREATE INDEX dossier_outbox_dead ON dossier_outbox (code) WHERE dead = 1;

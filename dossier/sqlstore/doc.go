// Package sqlstore keeps dossiers in a SQL database through database/sql:
// PostgreSQL (through pgx v5's stdlib driver) for production and for
// several instances sharing one database, and SQLite (through
// modernc.org/sqlite, pure Go, no cgo) as the embedded default that needs
// no server. A *Store is a dossier.FactStore and a dossier.Outbox, and
// passes storetest.Run and storetest.RunShared on both. Its schema has a
// table for citizens' ratings too, which package rating/sqlrating, above
// package rating, keeps.
//
// Only programs that import this package compile the two drivers: the
// rest of motcua does not depend on them.
//
// # Opening and migrating
//
//	s, err := sqlstore.Open(ctx, "sqlite:/var/lib/motcua/motcua.db")
//	// or "postgres://motcua:PASSWORD@db.internal:5432/motcua?sslmode=verify-full"
//	if err != nil { … }
//	defer s.Close()
//	if err := s.Migrate(ctx); err != nil { … } // creates or updates the schema
//	svc, err := dossier.NewService(dossier.Config{Store: s, Catalog: cat, Agency: "000.00.01.H26"})
//
// Open accepts postgres://…, postgresql://…, sqlite:PATH and file:PATH;
// anything else is ErrUnknownScheme, and no error carries the password. A
// SQLite file is opened in WAL mode with synchronous FULL (a committed
// dossier survives a power cut), foreign keys on, a 10 s busy timeout and
// BEGIN IMMEDIATE transactions. New wraps a *sql.DB the embedder already
// holds.
//
// Migrate applies the migrations embedded in the package, each once, in
// one transaction, and records them in the table sqlstore_migrations.
// Instances that start at once take turns: PostgreSQL under an advisory
// lock, SQLite under its write lock.
//
// # Schema
//
// The history is the record. A dossier is its registration facts and its
// events; its status, due times, pauses and control slip are what
// dossier.Dossier.Apply makes of the events, and the store rebuilds every
// dossier it reads with dossier.Restore.
//
//	dossier_events     the history, one row per event, numbered from 1 per
//	                   dossier, with the facts each event decided as columns
//	                   (reason, receiver, step and its due time, the due
//	                   times, the procedure version, time limit and regime,
//	                   a supplement request's time to supplement by);
//	                   triggers refuse UPDATE and DELETE
//	dossiers           one row per dossier: the registration facts (the code,
//	                   unique, and its parts agency, day and seq; procedure,
//	                   applicant as JSON, channels, submission time), and the
//	                   report facts that the history decides (registered_at,
//	                   received_at, due, legal_due, finished_at, returned_at,
//	                   paused_since, outcome, supplements, procedure_version,
//	                   status), with version, the number of events; facts
//	                   packs the report facts in one value for ListFacts
//	dossier_sequences  the last number issued per agency per day
//	dossier_outbox     one row per event still to be sent to the national
//	                   portal, keyed by (code, n), with its delivery state;
//	                   deleted when the portal has it (see The outbox)
//	ratings            rating/sqlrating's: at most one per dossier (a unique
//	                   index on the code; kiosk ratings with no dossier are
//	                   not limited)
//
// The report facts are derived, never the record: every create and append
// rewrites them in the transaction that writes the events, so SQL over the
// row agrees with the history. Times are instants: timestamptz in
// PostgreSQL, INTEGER Unix microseconds in SQLite; both keep microseconds
// and give times back in sla.ICT. A zero time is NULL; TimeArg, BoundArg
// and ScanTime give tables of the embedder's own (rating/sqlrating's, say)
// the same. A time the store could not read back (outside 1900–2199) is refused with
// dossier.ErrInvalid before anything is written. Dates are date in
// PostgreSQL and 'YYYY-MM-DD' text in SQLite. The agency is compared byte
// by byte (COLLATE "C" in PostgreSQL), as Go compares strings.
//
// # Databases from earlier releases
//
// Migration 0003 converts the dossiers that migrations 0001 and 0002 kept
// (events with a free-text note; the pauses and control slip as JSON on
// the row) into typed histories that dossier.Restore accepts, in the same
// transaction as its SQL: the note becomes the Reason, a transfer's
// Receiver, or a reschedule's Reason and appointment; receipts take the
// row's procedure version, time limit, regime and due times, and the
// steps of the control slip from its JSON. The old rows kept only the
// final due times, so AsOf on a converted dossier shows those from its
// receipt on. Then it drops the old JSON columns and the note. legacy.go
// says the rules in full. A dossier it cannot convert fails the migration,
// which leaves the database as it was, and the error names the dossier.
// Instances of earlier releases cannot write to a converted database: stop
// them before migrating.
//
// # Indexes
//
// List orders by receipt time, not yet received first, then by code as
// dossier.Code.Compare does: agency, day, then the sequence as a number.
// The index dossiers_received (received_at, agency, day, seq) is that
// order, so a period is one range scan that streams with no sort. Each
// filter has an index led by its column and followed by received_at
// (dossiers_status, dossiers_procedure, dossiers_channel), so a filter over
// a period is a range scan too; the planner sorts that range, which is
// small. Get reads by the unique code, and so does a List of named
// dossiers (dossier.Filter.Codes, one parameter: a text[] for PostgreSQL's
// code = ANY, a JSON array for SQLite's json_each), then sorts them; the
// events of a dossier are the primary key range (dossier_id, n) of
// dossier_events. ListFacts reads the
// index dossiers_live, on the finish time (open dossiers last) and the
// registration time, which holds the packed facts too (INCLUDE in
// PostgreSQL, with finished_at, without which PostgreSQL would fetch
// every row from the table), so that a period is ranges of one index: a
// window of finish times at a time, each window's facts gathered in one
// value (group_concat, string_agg), all in one read-only transaction.
//
// # Writing
//
// Create replays the dossier's events through dossier.Restore and refuses
// what it could not read back; then, in one transaction, it draws the
// day's number (INSERT … ON CONFLICT DO UPDATE … RETURNING on
// dossier_sequences, whose row lock orders concurrent creates in every
// process), inserts the row, the events and their outbox entries. A create
// that fails rolls its number back, so the numbers have no gap.
//
// Append applies the new events to the dossier at the caller's version,
// then, in one transaction, updates the row's report facts on condition
// that it is still at that version (UPDATE … WHERE id = $1 AND version =
// $2) and inserts the new events and their outbox entries; no row is
// ErrConflict and writes nothing. The dossier comes from a small in-process cache of those the
// store read or wrote last (at most 32768 events, the least recently used
// leaving first), or from the database when the cache does not hold that
// version. Events are append-only and numbered, so a row at the cached
// version holds the cached history: the version condition is what checks
// the cache, in the transaction, and an action on a dossier just read
// writes its new events without reading the history again. Get, and
// every write, refresh the cache; another process's append makes a cached
// copy stale, which costs its holder one ErrConflict.
//
// # Group commits
//
// SQLite has one writer at a time, and with synchronous FULL each commit
// waits for the disk. A Store therefore runs its creates and appends on
// one writer goroutine that commits them in groups: it takes every
// request queued while the previous commit was waiting, runs them in one
// transaction, inserting their rows in one statement per table and
// drawing their day's numbers in one, and commits once, so that
// concurrent receipts share one sync. If one fails (a conflict, a
// duplicate ID, an invalid event), the writer rolls the group back and
// runs its requests again, each inside a savepoint of its own: the one
// that failed gets its own error, and the others are committed. A caller whose
// context ends while its request waits, for the writer or for another
// process's write lock, gives up with nothing written; once the writer
// has taken the request, the caller waits for the commit, so that an
// error always means nothing was written. Migrate takes the same write
// turn. SQLite's lock is not fair between processes, so a store sharing
// its file with a busy one can wait past the busy timeout: its writer
// then tries the group again, for as long as its callers wait, rather
// than fail it.
//
// On PostgreSQL, creates are grouped the same way, at most 64 at a time:
// a create holds its day's sequence row until it commits, so that a
// failed one gives its number back, and creates for one agency and day
// would otherwise commit one after another. A group takes the sequence
// rows in a fixed order, so that instances never wait for each other in a
// circle. Appends run each in a transaction of its own: their row locks
// let appends to different dossiers proceed at once.
//
// Get and List read a dossier and its events in one statement, so one
// snapshot; List streams its rows and closes them when the consumer stops.
// Readers never wait for the writer.
//
// # The outbox
//
// Create and Append insert, in the transaction of their change, one row
// of dossier_outbox per new event, so that the change and its entries
// commit together or not at all; package portal's Syncer delivers them.
// Each dossier's rows are a queue in event order whose head (the row with
// the lowest n) alone is leased: Lease takes the ready heads, oldest event
// first, and marks them with a random lease ID and the lease's end.
// Instances sharing a PostgreSQL database lease with FOR UPDATE SKIP
// LOCKED, so that two never hold one entry at once; on SQLite, leasing is
// a write like any other, under the file's single writer. Ack deletes the
// rows; Fail, Bury and Release change only a row still under the caller's
// lease; Pending and DeadLetters read. Leases, retries and
// acknowledgements are rows like the dossiers, as durable: after a crash,
// or a kill, an acknowledged entry is gone for good, and an entry a dead
// deliverer held comes back when its lease ends. Times are the caller's:
// a lease's end and a retry time round up to the microsecond, so that no
// entry is handed out before them.
//
// Each Lease finds the heads by reading the whole table in key order,
// which the Syncer keeps short: with a backlog of 20,000 entries (the
// portal down for a day at a busy centre) a Lease takes about 30 ms on
// SQLite.
//
// SetOutbox(false) stops recording entries: for measuring their cost (one
// row, one more page to write per commit: about a tenth of a receipt's
// time on SQLite, see BenchmarkSQLiteReceiveOutbox), or for an embedder that reaches the
// portal some other way. The changes committed meanwhile are never
// delivered.
//
// A database that Migrate brings from migrations 0001–0003 to 0004 starts
// with an empty outbox: the dossiers and events written before are taken
// as already known to the portal, since motcua had no sync of its own
// before, and sending years of history to the portal unasked would flood
// it with changes it may have had from another system. A Store's Pending
// therefore reports their events as delivered. To send them all once,
// enqueue them with this SQL (both dialects) right after Migrate, before
// the Syncer starts; an event already queued is left as it is:
//
//	INSERT INTO dossier_outbox (code, n, at)
//	SELECT d.code, e.n, e.occurred_at FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
//	WHERE true ON CONFLICT DO NOTHING
//
// # Development
//
// The PostgreSQL tests run when MOTCUA_TEST_POSTGRES holds a DSN, and
// skip otherwise, so go test ./... passes with no server:
//
//	MOTCUA_TEST_POSTGRES='postgres://motcua:PASSWORD@127.0.0.1:5432/motcua_test?sslmode=disable' go test ./dossier/sqlstore/
//
// Each test works in a schema of its own, which it drops. .ci/run installs
// and starts PostgreSQL, sets the variable and fails if those tests were
// skipped.
//
// BenchmarkSQLiteReceiveOutbox runs receipts on two stores side by side,
// the outbox on and off, and reports the ratio; BenchmarkSQLiteSyncer
// delivers from SQLite to a fake portal on loopback.
package sqlstore

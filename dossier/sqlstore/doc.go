// Package sqlstore keeps dossiers in a SQL database through database/sql:
// PostgreSQL (through pgx v5's stdlib driver) for production and for
// several instances sharing one database, and SQLite (through
// modernc.org/sqlite, pure Go, no cgo) as the embedded default that needs
// no server. A *Store is a dossier.Store and passes storetest.Run on both.
// Its schema has a table for citizens' ratings too, which package
// rating/sqlrating, above package rating, keeps.
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
//	dossiers           one row per dossier: the code (unique) and its parts
//	                   agency, day and seq; procedure, channel, status and
//	                   the times as columns; applicant, pauses and handovers
//	                   as JSON; version for optimistic concurrency
//	dossier_events     the history, one row per event, numbered per dossier;
//	                   triggers refuse UPDATE and DELETE
//	dossier_sequences  the last number issued per agency per day
//	ratings            rating/sqlrating's: at most one per dossier (a unique
//	                   index on the code; kiosk ratings with no dossier are
//	                   not limited)
//
// Times are instants: timestamptz in PostgreSQL, INTEGER Unix microseconds
// in SQLite; both keep microseconds and give times back in sla.ICT. A zero
// time is NULL; TimeArg, BoundArg and ScanTime give tables of the
// embedder's own (rating/sqlrating's, say) the same. Dates are date in
// PostgreSQL and 'YYYY-MM-DD' text in SQLite. The agency is compared byte
// by byte (COLLATE "C" in PostgreSQL), as Go compares strings.
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
// small. Get reads by the unique code; the events of a dossier are the
// primary key range (dossier_id, n) of dossier_events; NextSequence is a
// primary key upsert.
//
// # Concurrency
//
// Update changes the row only at the version the caller read (UPDATE …
// WHERE id = $1 AND code = $2 AND version = $3) and appends only the events
// past the stored ones, in one transaction; no row is ErrConflict (or
// ErrNotFound) and writes nothing. NextSequence is one INSERT … ON CONFLICT
// DO UPDATE … RETURNING statement, atomic across processes. Get and List
// read a dossier and its events in one statement, so one snapshot; List
// streams its rows and closes them when the consumer stops.
//
// SQLite has one writer at a time: a Store queues its own writers (a
// waiter gives up when its context ends) and waits for other processes'
// under the busy timeout. Readers never wait for the writer.
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
package sqlstore

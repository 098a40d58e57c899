package sqlstore

import (
	"strconv"
	"strings"
)

// queries holds a dialect's SQL. Both dialects use $1, $2, … placeholders:
// modernc.org/sqlite binds $N by number, as PostgreSQL does.
type queries struct {
	insertDossier string
	updateDossier string
	selectDossier string // up to FROM, to which Get and List add WHERE and ORDER BY
	existsDossier string
	insertEvents  string // up to VALUES
	nextSequence  string
	orderBy       string
}

// dossierColumns are written by Create in this order; args makes the values.
const dossierColumns = `id, code, agency, day, seq, procedure_code, procedure_version, time_limit, regime,
	applicant, channel, return_channel, submitted_at, received_at, due, original_due, finished_at, returned_at,
	pauses, handovers, status, version`

// ON CONFLICT DO NOTHING with no target covers both the id and the code: a
// duplicate of either inserts no row, which Create reports as ErrExists
// without reading driver-specific error codes.
var insertDossier = `INSERT INTO dossiers (` + dossierColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
	ON CONFLICT DO NOTHING`

// updateDossier is the optimistic write: it changes the row only at the
// version the caller read, and returns how many events are stored so that
// Update appends only the ones after them. The code and its parts never
// change. The row lock it takes (PostgreSQL) or the write lock (SQLite)
// keeps the count true until the transaction ends.
const updateDossier = `UPDATE dossiers SET
	procedure_code = $4, procedure_version = $5, time_limit = $6, regime = $7, applicant = $8,
	channel = $9, return_channel = $10, submitted_at = $11, received_at = $12, due = $13,
	original_due = $14, finished_at = $15, returned_at = $16, pauses = $17, handovers = $18,
	status = $19, version = version + 1
	WHERE id = $1 AND code = $2 AND version = $3
	RETURNING (SELECT count(*) FROM dossier_events e WHERE e.dossier_id = dossiers.id)`

// The events come with their dossier in one row, as a JSON array of
// [occurred_at in Unix microseconds, kind, actor, from, to, note], so that
// Get and List make one query however many dossiers they read (no N+1), and
// read the row and its events in one snapshot.
const (
	postgresEvents = `COALESCE((SELECT json_agg(json_build_array(
		(extract(epoch FROM e.occurred_at) * 1000000)::bigint, e.kind, e.actor, e.from_status, e.to_status, e.note) ORDER BY e.n)
		FROM dossier_events e WHERE e.dossier_id = d.id), '[]')`
	sqliteEvents = `(SELECT json_group_array(json_array(
		e.occurred_at, e.kind, e.actor, e.from_status, e.to_status, e.note) ORDER BY e.n)
		FROM dossier_events e WHERE e.dossier_id = d.id)`
)

func selectDossier(events string) string {
	return `SELECT d.id, d.code, d.procedure_code, d.procedure_version, d.time_limit, d.regime, d.applicant,
	d.channel, d.return_channel, d.submitted_at, d.received_at, d.due, d.original_due, d.finished_at, d.returned_at,
	d.pauses, d.handovers, d.status, d.version, ` + events + ` AS events
	FROM dossiers d`
}

// NextSequence in one statement: the first call of the day inserts 1, the
// others add one to the row, which the conflict locks until the statement
// ends, so concurrent callers, in any process, queue on it.
const nextSequence = `INSERT INTO dossier_sequences (agency, day, last_seq) VALUES ($1, $2, 1)
	ON CONFLICT (agency, day) DO UPDATE SET last_seq = dossier_sequences.last_seq + 1
	RETURNING last_seq`

// The order of dossier.Less: not yet received first, then by receipt, then
// by code as Code.Compare orders codes (agency, day, then sequence as a
// number). It matches the dossiers_received index.
const orderBy = ` ORDER BY d.received_at NULLS FIRST, d.agency, d.day, d.seq`

var postgresQueries = queries{
	insertDossier: insertDossier,
	updateDossier: updateDossier,
	selectDossier: selectDossier(postgresEvents),
	existsDossier: `SELECT 1 FROM dossiers WHERE code = $1`,
	insertEvents:  `INSERT INTO dossier_events (dossier_id, n, occurred_at, kind, actor, from_status, to_status, note) VALUES `,
	nextSequence:  nextSequence,
	orderBy:       orderBy,
}

var sqliteQueries = func() queries {
	q := postgresQueries
	q.selectDossier = selectDossier(sqliteEvents)
	return q
}()

// eventsEach is how many values one event row takes in insertEvents.
const eventsEach = 8

// maxEventsPerInsert keeps an insert of many events under the dialects'
// limits on parameters (65535 for PostgreSQL, 32766 for SQLite).
const maxEventsPerInsert = 1000

// valuesList returns "($1, $2, …), (…)" for rows rows of n values each.
func valuesList(rows, n int) string {
	var b strings.Builder
	p := 1
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(p))
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}

package sqlstore

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/motcua/motcua/dossier"
)

// queries holds a dialect's SQL. Both dialects use $1, $2, … placeholders:
// modernc.org/sqlite binds $N by number, as PostgreSQL does.
type queries struct {
	updateDossier string
	selectDossier string // up to FROM, to which Get and List add WHERE and ORDER BY
	nextSequence  string
	orderBy       string
	factsLast     string
	factsWindow   string
	factsOpen     string
	leaseOutbox   string
}

// The columns of a dossier's row that its history decides, rewritten by
// every create and append; factArgs makes their values.
const factColumns = `procedure_version, received_at, due, legal_due, finished_at, returned_at, paused_since,
	outcome, supplements, facts, status, version`

// insertDossier is up to VALUES; ON CONFLICT DO NOTHING with no target,
// after the lists, covers both the id and the code: a duplicate of either
// inserts no row, which Create reports as ErrExists without reading
// driver-specific error codes.
const insertDossier = `INSERT INTO dossiers (id, code, agency, day, seq, procedure_code, applicant, channel, return_channel,
	submitted_at, registered_at, ` + factColumns + `) VALUES `

// dossierEach is how many values one dossier's row takes in insertDossier.
const dossierEach = 23

// updateDossier is the optimistic write: it changes the row only at the
// version the history had when the new events were applied to it. The
// registration facts never change.
const updateDossier = `UPDATE dossiers SET
	procedure_version = $3, received_at = $4, due = $5, legal_due = $6, finished_at = $7, returned_at = $8,
	paused_since = $9, outcome = $10, supplements = $11, facts = $12, status = $13, version = $14
	WHERE id = $1 AND version = $2`

// The events come with their dossier in one row, as a JSON array of the
// arrays that eventRow reads, so that Get and List make one query however
// many dossiers they read (no N+1), and read the row and its events in one
// snapshot.
var (
	postgresEvents = `COALESCE((SELECT json_agg(json_build_array(e.n, ` + pgMicros("e.occurred_at") + `, e.kind, e.actor,
		e.from_status, e.to_status, e.clock_skew, e.reason, e.receiver, e.step, ` + pgMicros("e.step_due") + `,
		` + pgMicros("e.due") + `, ` + pgMicros("e.legal_due") + `, e.procedure_version, e.time_limit, e.regime,
		` + pgMicros("e.supplement_by") + `) ORDER BY e.n)
		FROM dossier_events e WHERE e.dossier_id = d.id), '[]')`
	sqliteEvents = `(SELECT json_group_array(json_array(e.n, e.occurred_at, e.kind, e.actor,
		e.from_status, e.to_status, e.clock_skew, e.reason, e.receiver, e.step, e.step_due,
		e.due, e.legal_due, e.procedure_version, e.time_limit, e.regime, e.supplement_by) ORDER BY e.n)
		FROM dossier_events e WHERE e.dossier_id = d.id)`
)

// pgMicros is a timestamptz as Unix microseconds, exactly: extract gives a
// numeric since PostgreSQL 14.
func pgMicros(col string) string {
	return `(extract(epoch FROM ` + col + `) * 1000000)::bigint`
}

func selectDossier(events string) string {
	return `SELECT d.id, d.code, d.procedure_code, d.applicant, d.channel, d.return_channel, d.submitted_at, d.version,
	` + events + ` AS events
	FROM dossiers d`
}

// nextSequence draws $3 numbers in one statement and returns the last:
// the first call of the day inserts them, the others add them to the row,
// which the conflict locks until the transaction ends, so concurrent
// creates, in any process, queue on it, and a create that fails gives its
// number back as it rolls back.
const nextSequence = `INSERT INTO dossier_sequences (agency, day, last_seq) VALUES ($1, $2, $3)
	ON CONFLICT (agency, day) DO UPDATE SET last_seq = dossier_sequences.last_seq + excluded.last_seq
	RETURNING last_seq`

// The order of dossier.Less: not yet received first, then by receipt, then
// by code as Code.Compare orders codes (agency, day, then sequence as a
// number). It matches the dossiers_received index.
const orderBy = ` ORDER BY d.received_at NULLS FIRST, d.agency, d.day, d.seq`

// ListFacts selects what dossier.Facts.Live selects, finished at or after
// its from (or not finished) and registered before its to, as ranges of
// the index dossiers_live, which holds the packed facts, ordered by the
// finish time (the end of time for a dossier not finished): factsLast
// finds the latest finish at or after $1; factsWindow gathers the packed
// facts of those finished in [$1, $2) and registered before $3, with their
// number; factsOpen, of those not finished and registered before $1. A
// NULL facts column is counted and not gathered, which ListFacts reports.
func factsQueries(key, end, agg string) (last, window, open string) {
	from := ` FROM dossiers WHERE `
	return `SELECT max(` + key + `)` + from + key + ` >= $1 AND ` + key + ` < ` + end,
		`SELECT ` + agg + `, count(*)` + from + key + ` >= $1 AND ` + key + ` < $2 AND registered_at < $3`,
		`SELECT ` + agg + `, count(*)` + from + key + ` = ` + end + ` AND registered_at < $1`
}

// SQLite's group_concat takes a blob as text of the same bytes, and the
// cast gives them back as a blob.
var (
	postgresFactsLast, postgresFactsWindow, postgresFactsOpen = factsQueries(`COALESCE(finished_at, 'infinity')`,
		`'infinity'`, `string_agg(facts, ''::bytea)`)
	sqliteFactsLast, sqliteFactsWindow, sqliteFactsOpen = factsQueries(`ifnull(finished_at, 9223372036854775807)`,
		`9223372036854775807`, `CAST(group_concat(facts, '') AS BLOB)`)
)

const insertEvents = `INSERT INTO dossier_events (dossier_id, n, occurred_at, kind, actor, from_status, to_status, clock_skew,
	reason, receiver, step, step_due, due, legal_due, procedure_version, time_limit, regime, supplement_by) VALUES `

var postgresQueries = queries{
	updateDossier: updateDossier,
	selectDossier: selectDossier(postgresEvents),
	nextSequence:  nextSequence,
	orderBy:       orderBy,
	factsLast:     postgresFactsLast,
	factsWindow:   postgresFactsWindow,
	factsOpen:     postgresFactsOpen,
	leaseOutbox:   postgresLease,
}

var sqliteQueries = func() queries {
	q := postgresQueries
	q.selectDossier = selectDossier(sqliteEvents)
	q.factsLast, q.factsWindow, q.factsOpen = sqliteFactsLast, sqliteFactsWindow, sqliteFactsOpen
	q.leaseOutbox = sqliteLease
	return q
}()

// eventsEach is how many values one event row takes in insertEvents.
const eventsEach = 18

// maxRowsPerInsert keeps an insert of many rows under the dialects'
// limits on parameters (65535 for PostgreSQL, 32766 for SQLite): 1000
// dossiers' rows take 23,000.
const maxRowsPerInsert = 1000

// valuesList returns "($1, $2, …), (…)" for rows rows of n values each,
// or, for SQLite, "(?, ?, …), (…)": modernc.org/sqlite looks up the name
// of every numbered parameter it binds, which costs as many steps as the
// statement has parameters, so that an insert of many rows with $N
// parameters took time quadratic in its rows.
func (s *Store) valuesList(rows, n int) string {
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
			if s.dialect == SQLite {
				b.WriteByte('?')
			} else {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(p))
			}
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// codesCond is the condition of dossier.Filter.Codes on d.code, as one
// parameter whatever the number of codes: a text[] for PostgreSQL, which
// d.code = ANY looks up in the code's unique index; a JSON array for
// SQLite, whose json_each rows IN looks up in it.
func (s *Store) codesCond(codes []dossier.Code) (string, any) {
	strs := make([]string, len(codes))
	for i, c := range codes {
		strs[i] = c.String()
	}
	if s.dialect == PostgreSQL {
		return "d.code = ANY(?)", strs
	}
	b, _ := json.Marshal(strs) // strings always marshal
	return "d.code IN (SELECT value FROM json_each(?))", string(b)
}

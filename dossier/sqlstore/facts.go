package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// ListFacts implements dossier.FactStore, with the semantics of
// dossier.Facts.Live (registered before to and not finished before from),
// from the index dossiers_live alone, in one snapshot of the database.
//
// It reads each dossier's facts from the column facts, where every create
// and append packs them beside the columns that hold them one by one, and
// it reads them gathered, a window of finish times at a time, about
// factsChunk dossiers to a value: the drivers cost about a microsecond per
// row (modernc.org/sqlite locks its connection for every call, and makes
// a copy and an interface value of each column), which for the million
// dossiers of a year of a province was more than SQLite's own work.
func (s *Store) ListFacts(ctx context.Context, from, to time.Time) iter.Seq2[dossier.Facts, error] {
	return func(yield func(dossier.Facts, error) bool) {
		if to.IsZero() { // Live: nothing is registered before the zero time
			if err := ctx.Err(); err != nil {
				yield(dossier.Facts{}, err)
			}
			return
		}
		if from.IsZero() {
			from = time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC) // before any storable time
		}
		var strs interner
		err := s.factChunks(ctx, from, to, func(b []byte, n int) (bool, error) {
			more := true
			err := unpackFacts(b, n, &strs, func(f dossier.Facts) bool {
				more = yield(f, nil)
				return more
			})
			return more, err
		})
		if err != nil {
			yield(dossier.Facts{}, s.fail("listing facts", err))
		}
	}
}

// factsChunk is about how many dossiers' facts ListFacts reads in one value:
// half a megabyte.
const factsChunk = 8192

// factChunks calls each with the packed facts of the dossiers that
// ListFacts lists, and their number, window after window of their finish
// times from from on, then those not finished, until each returns false or
// an error. Every window is sized from the one before to hold about
// factsChunk dossiers. The queries run in one read-only transaction, so
// that a dossier that finishes meanwhile is neither missed nor read twice.
func (s *Store) factChunks(ctx context.Context, from, to time.Time, each func(b []byte, n int) (bool, error)) error {
	isolation := sql.LevelDefault // SQLite's transactions are snapshots
	if s.dialect == PostgreSQL {
		isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: isolation, ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var last time.Time
	if err := tx.QueryRowContext(ctx, s.q.factsLast, s.boundArg(from)).Scan(timeCol{&last}); err != nil {
		return err
	}
	window, err := tx.PrepareContext(ctx, s.q.factsWindow)
	if err != nil {
		return err
	}
	defer window.Close()
	chunk := func(rows *sql.Rows, err error) (n int, more bool, _ error) {
		if err != nil {
			return 0, false, err
		}
		defer rows.Close()
		var b sql.RawBytes
		if !rows.Next() {
			return 0, false, cmp.Or(rows.Err(), sql.ErrNoRows)
		}
		if err := rows.Scan(&b, &n); err != nil || n == 0 {
			return 0, err == nil, err
		}
		more, err = each(b, n)
		return n, more, err
	}
	bound := s.boundArg(to)
	for lo, step := from, 24*time.Hour; !last.IsZero() && !lo.After(last); {
		hi := lo.Add(step)
		n, more, err := chunk(window.QueryContext(ctx, s.boundArg(lo), s.boundArg(hi), bound))
		if !more || err != nil {
			return err
		}
		lo, step = hi, nextStep(step, n)
	}
	_, _, err = chunk(tx.QueryContext(ctx, s.q.factsOpen, bound))
	return err
}

// nextStep returns the width of the window after one of width step that
// held n dossiers: the width that would have held factsChunk, within an
// eighth and eight times step, a second and a year.
func nextStep(step time.Duration, n int) time.Duration {
	next := 8 * step
	if n > factsChunk/8 {
		next = max(step/8, time.Duration(float64(step)*factsChunk/float64(n)))
	}
	return min(max(next, time.Second), 366*24*time.Hour)
}

// The packed facts: a format byte, then the code (agency, day as
// yyyymmdd, sequence), the procedure and its version (yyyymmdd, 0 unset),
// the two channels, the registration time in microseconds since 1900, the
// other times as their distance from it (zigzag microseconds plus one, 0
// unset), the outcome, the number of supplement requests and the number of
// closed pauses: unsigned varints and length-prefixed strings.
const factsFormat = 2

// epoch1900 is where packed times count from: no storable time is before
// it.
var epoch1900 = time.Date(1900, 1, 1, 0, 0, 0, 0, sla.ICT).UnixMicro()

var errFacts = errors.New("sqlstore: damaged facts column")

// packFacts returns f packed.
func packFacts(f dossier.Facts) []byte {
	b := make([]byte, 0, 96)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	date := func(d sla.Date) {
		if d.IsZero() {
			b = binary.AppendUvarint(b, 0)
			return
		}
		b = binary.AppendUvarint(b, uint64(d.Year*10000+int(d.Month)*100+d.Day))
	}
	reg := f.RegisteredAt.UnixMicro()
	b = append(b, factsFormat)
	str(f.Code.Agency)
	date(f.Code.Date)
	b = binary.AppendUvarint(b, uint64(f.Code.Seq))
	str(f.Procedure)
	date(f.ProcedureVersion)
	b = append(b, byte(f.Channel), byte(f.ReturnChannel))
	b = binary.AppendUvarint(b, uint64(reg-epoch1900))
	for _, t := range []time.Time{f.ReceivedAt, f.LegalDue, f.FinishedAt, f.ReturnedAt, f.PausedSince} {
		if t.IsZero() {
			b = binary.AppendUvarint(b, 0)
			continue
		}
		d := t.UnixMicro() - reg
		b = binary.AppendUvarint(b, uint64(d<<1^d>>63)+1)
	}
	b = append(b, byte(f.Outcome))
	b = binary.AppendUvarint(b, uint64(f.Supplements))
	return binary.AppendUvarint(b, uint64(f.Pauses))
}

// unpackFacts reads the n facts that packFacts wrote end to end in b,
// giving each to f until f returns false; strs gives the strings.
func unpackFacts(b []byte, n int, strs *interner, f func(dossier.Facts) bool) error {
	for k := 0; k < n; k++ {
		var (
			x   dossier.Facts
			err error
		)
		if x, b, err = unpackOne(b, strs); err != nil {
			return err
		}
		if !f(x) {
			return nil
		}
	}
	if len(b) != 0 {
		return fmt.Errorf("%w: more than %d facts", errFacts, n)
	}
	return nil
}

// unpackOne reads the facts that packFacts wrote at the start of b, and
// returns the rest of b.
func unpackOne(b []byte, strs *interner) (dossier.Facts, []byte, error) {
	var f dossier.Facts
	bad := false
	num := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	byt := func() byte {
		if len(b) == 0 {
			bad = true
			return 0
		}
		v := b[0]
		b = b[1:]
		return v
	}
	str := func() string {
		n := num()
		if bad || n > uint64(len(b)) {
			bad = true
			return ""
		}
		s := strs.of(b[:n])
		b = b[n:]
		return s
	}
	date := func() sla.Date {
		v := num()
		if v == 0 || v > 99991231 {
			return sla.Date{}
		}
		return sla.Date{Year: int(v / 10000), Month: time.Month(v / 100 % 100), Day: int(v % 100)}
	}
	if len(b) == 0 {
		return f, nil, fmt.Errorf("%w: fewer facts than dossiers", errFacts)
	}
	if byt() != factsFormat {
		return f, nil, fmt.Errorf("%w: unknown format", errFacts)
	}
	f.Code.Agency = str()
	f.Code.Date = date()
	f.Code.Seq = int(num())
	f.Procedure = str()
	f.ProcedureVersion = date()
	f.Channel, f.ReturnChannel = procedure.Channel(byt()), procedure.Channel(byt())
	reg := int64(num()) + epoch1900
	f.RegisteredAt = micros(reg)
	for _, t := range []*time.Time{&f.ReceivedAt, &f.LegalDue, &f.FinishedAt, &f.ReturnedAt, &f.PausedSince} {
		if v := num(); v != 0 {
			v--
			*t = micros(reg + (int64(v>>1) ^ -int64(v&1)))
		}
	}
	f.Outcome = dossier.Status(byt())
	f.Supplements = int(num())
	f.Pauses = int(num())
	if bad {
		return dossier.Facts{}, nil, errFacts
	}
	return f, b, nil
}

// An interner gives the same string for the same bytes: a listing repeats
// a few agencies and procedures over and over.
type interner map[string]string

func (in *interner) of(b []byte) string {
	if v, ok := (*in)[string(b)]; ok {
		return v
	}
	if *in == nil {
		*in = interner{}
	}
	v := string(b)
	if len(*in) < 4096 {
		(*in)[v] = v
	}
	return v
}

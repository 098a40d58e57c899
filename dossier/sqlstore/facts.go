package sqlstore

import (
	"context"
	"database/sql"
	"iter"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
)

// ListFacts implements dossier.FactStore: one query over the facts that
// every create and append writes on the dossier's row, with the semantics
// of dossier.Facts.Live, decoding those columns only.
func (s *Store) ListFacts(ctx context.Context, from, to time.Time) iter.Seq2[dossier.Facts, error] {
	return func(yield func(dossier.Facts, error) bool) {
		if to.IsZero() { // Live: nothing is registered before the zero time
			if err := ctx.Err(); err != nil {
				yield(dossier.Facts{}, err)
			}
			return
		}
		lo := s.boundArg(from)
		if from.IsZero() {
			lo = s.timeArg(time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)) // before any storable time
		}
		var (
			f         dossier.Facts
			strs      interner
			agency    sql.RawBytes
			day       dateCol
			proc      sql.RawBytes
			version   dateCol
			ch, ret   int64
			out, sups int64
		)
		day.d, version.d = &f.Code.Date, &f.ProcedureVersion
		dest := []any{&agency, day, &f.Code.Seq, &proc, version, &ch, &ret,
			timeCol{&f.RegisteredAt}, timeCol{&f.ReceivedAt}, timeCol{&f.LegalDue}, timeCol{&f.FinishedAt},
			timeCol{&f.ReturnedAt}, timeCol{&f.PausedSince}, &out, &sups}
		s.stream(ctx, "listing facts", s.q.listFacts, []any{lo, s.boundArg(to)}, func(rows *sql.Rows) bool {
			if err := rows.Scan(dest...); err != nil {
				yield(dossier.Facts{}, s.fail("listing facts", err))
				return false
			}
			f.Code.Agency, f.Procedure = strs.of(agency), strs.of(proc)
			f.Channel, f.ReturnChannel = procedure.Channel(ch), procedure.Channel(ret)
			f.Outcome, f.Supplements = dossier.Status(out), int(sups)
			return yield(f, nil)
		}, func(err error) { yield(dossier.Facts{}, err) })
	}
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

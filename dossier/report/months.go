package report

import (
	"context"
	"time"

	"github.com/motcua/motcua/sla"
)

// A Month is the totals of Biểu 06 for one calendar month (ICT) of a
// period, or the part of it that the period covers.
type Month struct {
	Period Period `json:"period"`
	Counts
}

// ByMonth splits the period at the start of each calendar month in ICT
// and counts each part as Compute counts a period: its Counts equal the
// totals of Compute over that part. It makes one pass over the dossiers'
// facts, counting each dossier in the months it was live in. Query.By is
// ignored.
func ByMonth(ctx context.Context, q Query) ([]Month, error) {
	if err := q.checkAnalysis(); err != nil {
		return nil, err
	}
	var months []Month
	for from := q.Period.From; from.Before(q.Period.To); {
		t := from.In(sla.ICT)
		to := time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, sla.ICT)
		if to.After(q.Period.To) {
			to = q.Period.To
		}
		months = append(months, Month{Period: Period{From: from, To: to}})
		from = to
	}
	// month returns the index of the month that holds t, clamped to the
	// period.
	month := func(t time.Time) int {
		for i := len(months) - 1; i > 0; i-- {
			if !t.Before(months[i].Period.From) {
				return i
			}
		}
		return 0
	}
	for f, err := range facts(ctx, q.Store, q.Period) {
		if err != nil {
			return nil, err
		}
		last := len(months) - 1
		if !f.FinishedAt.IsZero() {
			last = month(f.FinishedAt)
		}
		for i := month(f.RegisteredAt); i <= last; i++ {
			count(&months[i].Counts, &f, months[i].Period, q.Calendar)
		}
	}
	return months, nil
}

package report

import (
	"context"
	"fmt"

	"github.com/motcua/motcua/sla"
)

// A pass gathers an analysis from the dossiers a period counts, one at a
// time.
type pass interface {
	add(j *judged)
}

// run makes one pass over the dossiers the period of q counts, judged on
// cal (see count), feeding each to every pass.
func run(ctx context.Context, q Query, cal *sla.Calendar, passes ...pass) error {
	for j, err := range counted(ctx, q, cal) {
		if err != nil {
			return err
		}
		for _, p := range passes {
			p.add(j)
		}
	}
	return nil
}

// Analyses are a period's statistics and all its analyses.
type Analyses struct {
	Statistics *Statistics    `json:"statistics"`
	Late       *LateAnalysis  `json:"late"`
	Cuts       []Cut          `json:"cuts"`
	Channels   *ChannelShares `json:"channels"`
	Quality    *QualityIndex  `json:"quality"`
}

// Analyze computes what Compute, Late, Cuts, Channels and Quality compute,
// with the same results, in a single pass over the dossiers' facts, for a
// report that shows them all: the statistics grouped by Query.By, the
// analyses as each function documents. Query.Catalog is required; in is
// Quality's input.
func Analyze(ctx context.Context, q Query, in QualityInput) (*Analyses, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	if q.Catalog == nil {
		return nil, fmt.Errorf("%w: Analyze needs Query.Catalog", ErrQuery)
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	byProc := q
	byProc.By = ByProcedure
	g := newGrouper(byProc)
	stats, late, quality := newStatsPass(q), newLatePass(byProc, g), &qualityPass{}
	cuts, err := newCutsPass(byProc, g)
	if err != nil {
		return nil, err
	}
	channels, err := newChannelsPass(byProc, g)
	if err != nil {
		return nil, err
	}
	if err := run(ctx, q, q.Calendar, stats, late, cuts, channels, quality); err != nil {
		return nil, err
	}
	a := &Analyses{Statistics: stats.finish(), Channels: channels.finish(), Quality: quality.finish(q.Period, in)}
	if a.Late, err = late.finish(ctx); err != nil {
		return nil, err
	}
	if a.Cuts, err = cuts.finish(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/sla"
)

// twoInstances returns two Stores on one PostgreSQL schema, each with its
// own connection pool, as two instances of a provincial system have.
func twoInstances(t *testing.T) [2]*sqlstore.Store {
	dsn := postgresSchema(t)
	return [2]*sqlstore.Store{open(t, dsn), open(t, dsn)}
}

// Two instances drawing codes for one agency and day at once never issue a
// number twice nor skip one.
func TestPostgresSequenceAcrossInstances(t *testing.T) {
	t.Parallel()
	stores := twoInstances(t)
	const n, workers = 2000, 16
	day := sla.Date{Year: 2025, Month: 1, Day: 27}
	got := make(chan int, n)
	var wg sync.WaitGroup
	for w := range workers {
		s := stores[w%2]
		wg.Go(func() {
			for range n / workers {
				v, err := s.NextSequence(context.Background(), agency, day)
				if err != nil {
					t.Error(err)
					return
				}
				got <- v
			}
		})
	}
	wg.Wait()
	close(got)
	seen := make([]bool, n+1)
	total := 0
	for v := range got {
		require.True(t, v >= 1 && v <= n, "%d out of 1..%d", v, n)
		require.False(t, seen[v], "%d drawn twice", v)
		seen[v] = true
		total++
	}
	assert.Equal(t, n, total)
}

// Officers on two instances act on one dossier at once, all from the same
// version: exactly one write wins, and only its event is stored.
func TestPostgresUpdateAcrossInstances(t *testing.T) {
	t.Parallel()
	stores := twoInstances(t)
	ctx := context.Background()
	d := received(agency, 1, 10)
	require.NoError(t, stores[0].Create(ctx, d))

	const n = 20
	read := make([]*dossier.Dossier, n)
	for i := range read {
		c, err := stores[i%2].Get(ctx, d.Code)
		require.NoError(t, err)
		c.Events = append(c.Events, dossier.Event{At: base.Add(1), Kind: dossier.KindTransfer, Actor: fmt.Sprintf("officer %d", i)})
		read[i] = c
	}
	start := make(chan struct{})
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range read {
		wg.Go(func() {
			<-start
			errs[i] = stores[i%2].Update(ctx, read[i])
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			require.Equal(t, -1, winner, "two winners: %d and %d", winner, i)
			winner = i
		case !errors.Is(err, dossier.ErrConflict):
			t.Errorf("officer %d: %v", i, err)
		}
	}
	require.NotEqual(t, -1, winner, "no winner")
	got, err := stores[1].Get(ctx, d.Code)
	require.NoError(t, err)
	assert.Equal(t, 2, got.Version)
	require.Len(t, got.Events, 2)
	assert.Equal(t, fmt.Sprintf("officer %d", winner), got.Events[1].Actor)
}

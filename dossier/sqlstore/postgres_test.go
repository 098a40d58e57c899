package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/sqlstore"
)

// twoInstances returns two Stores on one PostgreSQL schema, each with its
// own connection pool, as two instances of a provincial system have.
func twoInstances(t *testing.T) [2]*sqlstore.Store {
	dsn := postgresSchema(t)
	return [2]*sqlstore.Store{open(t, dsn), open(t, dsn)}
}

// Two instances creating dossiers for three agencies at once never issue
// a number twice nor skip one, and their groups, which lock several
// agencies' sequences, never deadlock.
func TestPostgresSequenceAcrossInstances(t *testing.T) {
	t.Parallel()
	stores := twoInstances(t)
	agencies := []string{"000.00.01.H26", "000.00.02.H26", "000.00.03.H26"}
	const n, workers = 600, 16
	type drawn struct {
		agency string
		seq    int
	}
	got := make(chan drawn, n)
	var wg sync.WaitGroup
	for w := range workers {
		s := stores[w%2]
		wg.Go(func() {
			for i := range n / workers {
				d := received(t, agencies[(w+i)%len(agencies)], 0)
				if err := s.Create(context.Background(), d); err != nil {
					t.Error(err)
					return
				}
				got <- drawn{d.Code.Agency, d.Code.Seq}
			}
		})
	}
	wg.Wait()
	close(got)
	seqs := map[string][]int{}
	for x := range got {
		seqs[x.agency] = append(seqs[x.agency], x.seq)
	}
	total := 0
	for _, a := range agencies {
		assert.ElementsMatch(t, seqOf(1, len(seqs[a])), seqs[a], "%s: 1…n, each once", a)
		total += len(seqs[a])
	}
	assert.Equal(t, n/workers*workers, total)
}

func seqOf(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// Officers on two instances act on one dossier at once, all from the same
// version: exactly one append wins, and only its event is stored.
func TestPostgresAppendAcrossInstances(t *testing.T) {
	t.Parallel()
	stores := twoInstances(t)
	ctx := context.Background()
	d := received(t, agency, 10)
	require.NoError(t, stores[0].Create(ctx, d))
	for _, s := range stores {
		_, err := s.Get(ctx, d.Code) // both cache version 1
		require.NoError(t, err)
	}
	const n = 20
	start := make(chan struct{})
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = stores[i%2].Append(ctx, d.Code, 1, dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindTransfer,
				Actor: "một cửa", Receiver: fmt.Sprintf("officer %d", i)})
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
	assert.Equal(t, fmt.Sprintf("officer %d", winner), got.Events[1].Receiver)
	assert.Equal(t, 2, count(t, stores[0].DB(), `SELECT count(*) FROM dossier_events`))
}

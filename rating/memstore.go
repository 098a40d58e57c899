package rating

import (
	"context"
	"iter"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/motcua/motcua/dossier"
)

// A MemStore is an in-memory Store, safe for concurrent use, for tests,
// examples and small embedders; it loses everything on exit.
type MemStore struct {
	now func() time.Time

	mu    sync.RWMutex
	all   []Rating              // ordered by At, then by arrival
	rated map[dossier.Code]bool // dossiers rated
}

// NewMemStore returns an empty MemStore whose clock is time.Now.
func NewMemStore() *MemStore { return NewMemStoreWithClock(time.Now) }

// NewMemStoreWithClock returns an empty MemStore that judges "in the future"
// by now, so that tests and simulations can fix the time.
func NewMemStoreWithClock(now func() time.Time) *MemStore {
	return &MemStore{now: now, rated: map[dossier.Code]bool{}}
}

// Add implements Store.
func (s *MemStore) Add(ctx context.Context, r Rating) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := r.Validate(s.now()); err != nil {
		return err
	}
	r = r.normalize()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !r.Dossier.IsZero() {
		if s.rated[r.Dossier] {
			return ErrDuplicate
		}
		s.rated[r.Dossier] = true
	}
	// After every rating at the same instant, so equal times keep their
	// arrival order; ratings mostly arrive in time order, so this appends.
	i := sort.Search(len(s.all), func(i int) bool { return s.all[i].At.After(r.At) })
	s.all = slices.Insert(s.all, i, r)
	return nil
}

// List implements Store. It copies the period's ratings under the lock and
// yields them without holding it, so the consumer may Add.
func (s *MemStore) List(ctx context.Context, from, to time.Time) iter.Seq2[Rating, error] {
	return func(yield func(Rating, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Rating{}, err)
			return
		}
		s.mu.RLock()
		lo, hi := 0, len(s.all)
		if !from.IsZero() {
			lo = sort.Search(len(s.all), func(i int) bool { return !s.all[i].At.Before(from) })
		}
		if !to.IsZero() {
			hi = max(lo, sort.Search(len(s.all), func(i int) bool { return !s.all[i].At.Before(to) }))
		}
		snap := slices.Clone(s.all[lo:hi])
		s.mu.RUnlock()
		for i, r := range snap {
			if i%1024 == 0 {
				if err := ctx.Err(); err != nil {
					yield(Rating{}, err)
					return
				}
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

// Package memstore is an in-memory dossier.Store, for tests and small
// embedders. It keeps everything in one process and loses it on exit.
//
// It passes the conformance suite, as every Store must:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) dossier.Store { return memstore.New() })
//	}
package memstore

import (
	"context"
	"iter"
	"slices"
	"sort"
	"sync"

	"github.com/google/uuid"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/sla"
)

// A Store is an in-memory dossier.Store, safe for concurrent use. The zero
// Store is not ready: use New.
type Store struct {
	mu     sync.RWMutex
	byCode map[dossier.Code]*dossier.Dossier // stored copies, never handed out
	ids    map[uuid.UUID]bool
	order  []*dossier.Dossier // stored copies in List order
	seq    map[seqKey]int
}

type seqKey struct {
	agency string
	day    sla.Date
}

// New returns an empty Store.
func New() *Store {
	return &Store{byCode: map[dossier.Code]*dossier.Dossier{}, ids: map[uuid.UUID]bool{}, seq: map[seqKey]int{}}
}

// Create implements dossier.Store.
func (s *Store) Create(ctx context.Context, d *dossier.Dossier) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byCode[d.Code]; ok || s.ids[d.ID] {
		return dossier.ErrExists
	}
	d.Version = 1
	c := d.Clone()
	s.byCode[c.Code] = c
	s.ids[c.ID] = true
	s.insert(c)
	return nil
}

// Get implements dossier.Store.
func (s *Store) Get(ctx context.Context, c dossier.Code) (*dossier.Dossier, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	d, ok := s.byCode[c]
	if !ok {
		return nil, dossier.ErrNotFound
	}
	return d.Clone(), nil
}

// Update implements dossier.Store.
func (s *Store) Update(ctx context.Context, d *dossier.Dossier) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.byCode[d.Code]
	switch {
	case !ok:
		return dossier.ErrNotFound
	case old.Version != d.Version || old.ID != d.ID:
		return dossier.ErrConflict
	case len(d.Events) < len(old.Events):
		return dossier.ErrConflict // would drop stored events
	}
	d.Version++
	c := d.Clone()
	// Stored events are never rewritten: keep the stored ones.
	copy(c.Events, old.Events)
	s.byCode[c.Code] = c
	if i := s.index(old); c.ReceivedAt.Equal(old.ReceivedAt) {
		s.order[i] = c // same place in the order
	} else {
		s.order = slices.Delete(s.order, i, i+1)
		s.insert(c)
	}
	return nil
}

// List implements dossier.Store. It takes a snapshot under the lock, then
// yields copies without holding it.
func (s *Store) List(ctx context.Context, f dossier.Filter) iter.Seq2[*dossier.Dossier, error] {
	return func(yield func(*dossier.Dossier, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		s.mu.RLock()
		lo, hi := 0, len(s.order)
		if !f.ReceivedFrom.IsZero() {
			lo = sort.Search(len(s.order), func(i int) bool { return !s.order[i].ReceivedAt.Before(f.ReceivedFrom) })
		}
		if !f.ReceivedTo.IsZero() {
			hi = sort.Search(len(s.order), func(i int) bool { return !s.order[i].ReceivedAt.Before(f.ReceivedTo) })
		}
		snap := make([]*dossier.Dossier, 0, max(0, hi-lo))
		for _, d := range s.order[lo:max(lo, hi)] {
			if f.Match(d) {
				snap = append(snap, d) // stored copies are replaced, never changed
			}
		}
		s.mu.RUnlock()
		for _, d := range snap {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			if !yield(d.Clone(), nil) {
				return
			}
		}
	}
}

// NextSequence implements dossier.Store.
func (s *Store) NextSequence(ctx context.Context, agency string, day sla.Date) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := seqKey{agency, day}
	s.seq[k]++
	return s.seq[k], nil
}

// insert puts d into order; most dossiers arrive in order, so it is usually
// an append.
func (s *Store) insert(d *dossier.Dossier) {
	if n := len(s.order); n == 0 || dossier.Less(s.order[n-1], d) {
		s.order = append(s.order, d)
		return
	}
	i := sort.Search(len(s.order), func(i int) bool { return dossier.Less(d, s.order[i]) })
	s.order = slices.Insert(s.order, i, d)
}

// index returns the position of the stored copy d in order.
func (s *Store) index(d *dossier.Dossier) int {
	i := sort.Search(len(s.order), func(i int) bool { return !dossier.Less(s.order[i], d) })
	for s.order[i] != d {
		i++
	}
	return i
}

// Package memstore is an in-memory dossier.Store, for tests and small
// embedders. It keeps everything in one process and loses it on exit.
//
// It passes the conformance suite, as every Store must:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) dossier.Store { return memstore.New() })
//	}
//
// It is also a dossier.FactStore: it keeps each dossier's facts beside it,
// so that period reports read them without copying dossiers. And it is a
// dossier.Outbox: every create and append records its events for the
// national portal under the same lock, so that package portal's Syncer
// delivers them. Entries stay until they are acknowledged; each costs a
// few dozen bytes.
package memstore

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/sla"
)

// A Store is an in-memory dossier.Store, safe for concurrent use. The zero
// Store is not ready: use New.
type Store struct {
	mu     sync.RWMutex
	byCode map[dossier.Code]*entry
	ids    map[uuid.UUID]bool
	order  []*dossier.Dossier // stored copies in List order
	// facts are in creation order; entry.fact indexes it. Each is replaced,
	// never changed, so a listing copies pointers under the lock.
	facts []*dossier.Facts
	seq   map[seqKey]int
	ob    *outbox // see outbox.go
}

// An entry is a stored dossier: a copy that is replaced, never changed, so
// that a listing can hold it without the lock.
type entry struct {
	d    *dossier.Dossier
	fact int
}

type seqKey struct {
	agency string
	day    sla.Date
}

// New returns an empty Store.
func New() *Store {
	return &Store{byCode: map[dossier.Code]*entry{}, ids: map[uuid.UUID]bool{}, seq: map[seqKey]int{}, ob: newOutbox()}
}

// Create implements dossier.Store.
func (s *Store) Create(ctx context.Context, d *dossier.Dossier) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c, err := dossier.Restore(*d, d.Events)
	if err != nil {
		return err
	}
	if len(c.Events) == 0 {
		return fmt.Errorf("%w: a new dossier needs its first event", dossier.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids[d.ID] {
		return dossier.ErrExists
	}
	k := seqKey{d.Code.Agency, d.Code.Date}
	c.Code.Seq = s.seq[k] + 1
	if !c.Code.Valid() {
		return fmt.Errorf("%w: cannot issue a code for agency %q on %s", dossier.ErrInvalid, d.Code.Agency, d.Code.Date)
	}
	if _, ok := s.byCode[c.Code]; ok {
		return dossier.ErrExists
	}
	s.seq[k] = c.Code.Seq
	s.ids[c.ID] = true
	s.byCode[c.Code] = &entry{d: c, fact: len(s.facts)}
	f := c.Facts()
	s.facts = append(s.facts, &f)
	s.insert(c)
	s.ob.add(c.Code, 1, c.Version)
	*d = *c.Clone()
	return nil
}

// Get implements dossier.Store.
func (s *Store) Get(ctx context.Context, c dossier.Code) (*dossier.Dossier, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.byCode[c]
	if !ok {
		return nil, dossier.ErrNotFound
	}
	return e.d.Clone(), nil
}

// Append implements dossier.Store.
func (s *Store) Append(ctx context.Context, c dossier.Code, version int, events ...dossier.Event) (*dossier.Dossier, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byCode[c]
	switch {
	case !ok:
		return nil, dossier.ErrNotFound
	case e.d.Version != version:
		return nil, dossier.ErrConflict
	}
	old, d := e.d, e.d.Clone()
	for _, ev := range events {
		if err := d.Apply(ev); err != nil {
			return nil, err
		}
	}
	e.d = d
	f := d.Facts()
	s.facts[e.fact] = &f
	if i := s.index(old); d.ReceivedAt().Equal(old.ReceivedAt()) {
		s.order[i] = d // same place in the order
	} else {
		s.order = slices.Delete(s.order, i, i+1)
		s.insert(d)
	}
	s.ob.add(c, old.Version+1, d.Version)
	return d.Clone(), nil
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
		snap := s.match(f)
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

// match returns the stored copies that f selects, in List order; they
// are replaced, never changed. Filter.Codes are looked up, not matched
// against every dossier. s.mu must be held.
func (s *Store) match(f dossier.Filter) []*dossier.Dossier {
	var snap []*dossier.Dossier
	if f.Codes != nil {
		codes := f.Codes
		f.Codes = nil
		for _, c := range codes {
			if e := s.byCode[c]; e != nil && f.Match(e.d) {
				snap = append(snap, e.d)
			}
		}
		slices.SortFunc(snap, func(a, b *dossier.Dossier) int {
			switch {
			case dossier.Less(a, b):
				return -1
			case dossier.Less(b, a):
				return 1
			}
			return 0 // the same dossier
		})
		return slices.Compact(snap) // a code given twice
	}
	lo, hi := 0, len(s.order)
	if !f.ReceivedFrom.IsZero() {
		lo = sort.Search(len(s.order), func(i int) bool { return !s.order[i].ReceivedAt().Before(f.ReceivedFrom) })
	}
	if !f.ReceivedTo.IsZero() {
		hi = sort.Search(len(s.order), func(i int) bool { return !s.order[i].ReceivedAt().Before(f.ReceivedTo) })
	}
	for _, d := range s.order[lo:max(lo, hi)] {
		if f.Match(d) {
			snap = append(snap, d)
		}
	}
	return snap
}

// ListFacts implements dossier.FactStore. It yields from a snapshot taken
// under the lock: a copy of the pointers to the stored facts, which are
// replaced, never changed, so a year of a million dossiers is not copied.
func (s *Store) ListFacts(ctx context.Context, from, to time.Time) iter.Seq2[dossier.Facts, error] {
	return func(yield func(dossier.Facts, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(dossier.Facts{}, err)
			return
		}
		s.mu.RLock()
		snap := slices.Clone(s.facts)
		s.mu.RUnlock()
		for i, f := range snap {
			if i%4096 == 0 {
				if err := ctx.Err(); err != nil {
					yield(dossier.Facts{}, err)
					return
				}
			}
			if f.Live(from, to) && !yield(*f, nil) {
				return
			}
		}
	}
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

var _ dossier.FactStore = (*Store)(nil)

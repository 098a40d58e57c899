package storetest_test

import (
	"context"
	"iter"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/storetest"
)

// The suite must catch a broken store. Each broken store below is run
// through the suite in a child process, which must fail in the subtests
// that check what it breaks.
func TestSuiteCatchesBrokenStores(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite in child processes")
	}
	t.Parallel()
	tests := []struct {
		broken string
		fails  []string
		shared bool // run through RunShared
	}{
		{"ignores-version", []string{"AppendStale", "AppendConcurrent"}, false},
		{"milliseconds", []string{"Microseconds"}, false},
		{"gaps", []string{"CreateDuplicateID", "CreateConcurrentDense"}, false},
		{"no-facts", []string{"Facts"}, false},
		{"outbox-drops-creates", []string{"OutboxEveryChange", "OutboxFailedChanges"}, false},
		{"outbox-ack-noop", []string{"OutboxEveryChange", "OutboxAck", "OutboxOrder"}, false},
		{"outbox-shared-leases", []string{"OutboxConcurrentLeasers", "OutboxOrder"}, false},
		{"outbox-ignores-time", []string{"OutboxFail", "OutboxLeaseExpiry"}, false},
		{"outbox-pending-forgets", []string{"OutboxPending"}, false},
		{"instances-share-leases", []string{"OutboxConcurrentLeasers"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.broken, func(t *testing.T) {
			t.Parallel()
			test := "TestBrokenStore"
			if tt.shared {
				test = "TestBrokenSharedStore"
			}
			cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.v")
			cmd.Env = append(os.Environ(), "MOTCUA_BROKEN_STORE="+tt.broken)
			out, err := cmd.CombinedOutput()
			var summary []string
			for _, l := range strings.Split(string(out), "\n") {
				if strings.HasPrefix(strings.TrimSpace(l), "--- ") {
					summary = append(summary, strings.TrimSpace(l))
				}
			}
			require.Error(t, err, "the suite passed a store that %s", tt.broken)
			for _, name := range tt.fails {
				assert.True(t, slices.ContainsFunc(summary, func(l string) bool { return strings.HasPrefix(l, "--- FAIL: "+test+"/"+name+" ") }), "a store that %s fails %s", tt.broken, name)
			}
		})
	}
}

// TestBrokenStore runs the suite against the broken store that
// MOTCUA_BROKEN_STORE names; TestSuiteCatchesBrokenStores expects it to
// fail.
func TestBrokenStore(t *testing.T) {
	broken := os.Getenv("MOTCUA_BROKEN_STORE")
	if broken == "" {
		t.Skip("run by TestSuiteCatchesBrokenStores")
	}
	storetest.Run(t, func(t *testing.T) dossier.Store {
		inner := memstore.New()
		switch broken {
		case "ignores-version":
			return ignoresVersion{inner}
		case "milliseconds":
			return milliseconds{inner}
		case "gaps":
			return gaps{inner}
		case "no-facts":
			return noFacts{inner}
		case "outbox-drops-creates":
			return dropsCreates{inner}
		case "outbox-ack-noop":
			return ackNoop{inner}
		case "outbox-shared-leases":
			return sharedLeases{inner}
		case "outbox-ignores-time":
			return ignoresTime{inner}
		case "outbox-pending-forgets":
			return pendingForgets{inner}
		}
		t.Fatalf("unknown broken store %q", broken)
		return nil
	})
}

// TestBrokenSharedStore runs RunShared against the broken pair of stores
// that MOTCUA_BROKEN_STORE names; TestSuiteCatchesBrokenStores expects it
// to fail.
func TestBrokenSharedStore(t *testing.T) {
	broken := os.Getenv("MOTCUA_BROKEN_STORE")
	if broken == "" {
		t.Skip("run by TestSuiteCatchesBrokenStores")
	}
	storetest.RunShared(t, func(t *testing.T) []dossier.Store {
		inner := memstore.New()
		switch broken {
		case "instances-share-leases":
			// The second instance does not see the first one's leases.
			return []dossier.Store{inner, sharedLeases{inner}}
		}
		t.Fatalf("unknown broken pair of stores %q", broken)
		return nil
	})
}

// The shared checks pass on one memstore seen through two handles.
func TestRunShared(t *testing.T) {
	t.Parallel()
	storetest.RunShared(t, func(t *testing.T) []dossier.Store {
		s := memstore.New()
		return []dossier.Store{s, s}
	})
}

// ignoresVersion appends at whatever version is stored.
type ignoresVersion struct{ *memstore.Store }

func (s ignoresVersion) Append(ctx context.Context, c dossier.Code, _ int, events ...dossier.Event) (*dossier.Dossier, error) {
	d, err := s.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	return s.Store.Append(ctx, c, d.Version, events...)
}

// milliseconds gives times back to the millisecond.
type milliseconds struct{ *memstore.Store }

func (s milliseconds) Get(ctx context.Context, c dossier.Code) (*dossier.Dossier, error) {
	d, err := s.Store.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	events := make([]dossier.Event, len(d.Events))
	for i, e := range d.Events {
		e.N = 0
		for _, t := range []*time.Time{&e.At, &e.Due, &e.LegalDue, &e.StepDue} {
			*t = t.Truncate(time.Millisecond)
		}
		events[i] = e
	}
	d.SubmittedAt = d.SubmittedAt.Truncate(time.Millisecond)
	return dossier.Restore(*d, events)
}

// gaps spends a number on every failed create.
type gaps struct{ *memstore.Store }

func (s gaps) Create(ctx context.Context, d *dossier.Dossier) error {
	err := s.Store.Create(ctx, d)
	if err != nil && !strings.Contains(err.Error(), "cannot issue") {
		spare := d.Clone()
		spare.ID[0] ^= 0xff
		spare.Code.Agency = "000.00.01.H26"
		s.Store.Create(context.Background(), spare)
	}
	return err
}

// noFacts keeps no facts.
type noFacts struct{ *memstore.Store }

func (noFacts) ListFacts(context.Context, time.Time, time.Time) iter.Seq2[dossier.Facts, error] {
	return func(func(dossier.Facts, error) bool) {}
}

// dropsCreates loses the outbox entry of every create.
type dropsCreates struct{ *memstore.Store }

func (s dropsCreates) Create(ctx context.Context, d *dossier.Dossier) error {
	if err := s.Store.Create(ctx, d); err != nil {
		return err
	}
	got, _, err := s.Lease(ctx, time.Now().AddDate(1000, 0, 0), time.Second, 1<<20)
	if err != nil {
		return err
	}
	for _, e := range got {
		if e.Code == d.Code {
			s.Store.Ack(ctx, e)
		} else {
			s.Store.Release(ctx, e)
		}
	}
	return nil
}

// ackNoop acknowledges nothing.
type ackNoop struct{ *memstore.Store }

func (ackNoop) Ack(context.Context, ...dossier.OutboxEntry) error { return nil }

// sharedLeases hands an entry to every leaser.
type sharedLeases struct{ *memstore.Store }

func (s sharedLeases) Lease(ctx context.Context, now time.Time, ttl time.Duration, max int) ([]dossier.OutboxEntry, time.Time, error) {
	got, next, err := s.Store.Lease(ctx, now, ttl, max)
	if err == nil {
		s.Store.Release(ctx, got...)
	}
	return got, next, err
}

// ignoresTime hands out entries whatever their retry time or lease.
type ignoresTime struct{ *memstore.Store }

func (s ignoresTime) Lease(ctx context.Context, now time.Time, ttl time.Duration, max int) ([]dossier.OutboxEntry, time.Time, error) {
	return s.Store.Lease(ctx, now.AddDate(100, 0, 0), ttl, max)
}

// pendingForgets shows only the head of a dossier's queue, and as never
// tried.
type pendingForgets struct{ *memstore.Store }

func (s pendingForgets) Pending(ctx context.Context, c dossier.Code) ([]dossier.OutboxEntry, error) {
	got, err := s.Store.Pending(ctx, c)
	if len(got) == 0 {
		return got, err
	}
	return []dossier.OutboxEntry{{Code: c, Event: got[0].Event}}, err
}

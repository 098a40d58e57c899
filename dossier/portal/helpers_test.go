package portal_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/portal"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

const agency = "000.00.01.H26"

// monday is 8:00 on Monday 8 September 2025, a working day.
var monday = time.Date(2025, time.September, 8, 8, 0, 0, 0, sla.ICT)

// A desk is a Service on a memstore with a clock the test moves.
type desk struct {
	*dossier.Service
	store *memstore.Store
	mu    sync.Mutex
	now   time.Time
}

func newDesk(t testing.TB) *desk {
	t.Helper()
	d := &desk{store: memstore.New(), now: monday}
	svc, err := dossier.NewService(dossier.Config{Store: d.store, Catalog: procedure.Sample(), Agency: agency, Now: d.clock})
	require.NoError(t, err)
	d.Service = svc
	return d
}

func (d *desk) clock() time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.now
}

// at sets the clock to monday plus minutes.
func (d *desk) at(minutes int) *desk {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.now = monday.Add(time.Duration(minutes) * time.Minute)
	return d
}

// receive receives a permanent residence registration (1.004222) at the
// counter, now.
func (d *desk) receive(t testing.TB) *dossier.Dossier {
	t.Helper()
	x, err := d.Receive(context.Background(), dossier.Intake{Procedure: "1.004222", Applicant: citizen, Channel: procedure.Direct, Actor: "Bộ phận một cửa"})
	require.NoError(t, err)
	return x
}

var citizen = dossier.Applicant{Name: "Trần Thị Bích", IDNumber: "001190012345", Phone: "0987654321", Email: "bich@example.vn"}

// busy drives n dossiers through the desk, each with between one and seven
// events, and returns the keys of every event committed, per dossier.
func busy(t testing.TB, d *desk, n int, seed uint64) map[dossier.Code][]string {
	t.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, 1))
	out := map[dossier.Code][]string{}
	for i := range n {
		m := 10 * i
		x, err := d.at(m).Receive(ctx, dossier.Intake{Procedure: "1.004222", Applicant: citizen, Channel: procedure.Channel(1 + i%2), Actor: "Bộ phận một cửa"})
		require.NoError(t, err)
		steps := []func() (*dossier.Dossier, error){
			func() (*dossier.Dossier, error) {
				return d.Transfer(ctx, x.Code, "Bộ phận một cửa", "Công an xã")
			},
			func() (*dossier.Dossier, error) {
				return d.RequestSupplement(ctx, x.Code, "Công an xã", "Thiếu giấy tờ chứng minh chỗ ở hợp pháp")
			},
			func() (*dossier.Dossier, error) { return d.Supplement(ctx, x.Code, "Bộ phận một cửa") },
			func() (*dossier.Dossier, error) {
				return d.Transfer(ctx, x.Code, "Công an xã", "Trưởng Công an xã")
			},
			func() (*dossier.Dossier, error) { return d.Resolve(ctx, x.Code, "Trưởng Công an xã") },
			func() (*dossier.Dossier, error) { return d.Return(ctx, x.Code, "Bộ phận một cửa") },
		}
		for _, step := range steps[:r.IntN(len(steps)+1)] {
			// Some events share an instant with the one before.
			if r.IntN(3) > 0 {
				m++
			}
			d.at(m)
			x, err = step()
			require.NoError(t, err)
		}
		for n := 1; n <= x.Version; n++ {
			out[x.Code] = append(out[x.Code], portal.Key(x.Code, n))
		}
	}
	return out
}

// A fakePortal records what reaches it and checks what a portal can
// check: no change arrives twice at once, a dossier's changes arrive in
// order, a key always carries the same record.
type fakePortal struct {
	mu       sync.Mutex
	inFlight map[string]bool
	calls    int
	sent     map[dossier.Code][]int    // every change of every call, in call order
	taken    map[string]int            // changes of calls that succeeded, by key
	records  map[string]portal.Dossier // the record first sent under each key
	problems []string
	// fail, if set, decides whether call number n (from 1) fails, and
	// how: nil to succeed, errBlock to block until the context ends,
	// errLost to take the batch and fail all the same.
	fail func(n int, batch []portal.Change) error
}

var (
	errBlock = errors.New("block until the context ends")
	// errLost is a portal that took the batch, but whose answer never came
	// back: the Syncer must send it again, under the same keys.
	errLost = errors.New("portal: connection reset after the request was read")
)

func newFakePortal() *fakePortal {
	return &fakePortal{inFlight: map[string]bool{}, sent: map[dossier.Code][]int{}, taken: map[string]int{}, records: map[string]portal.Dossier{}}
}

func (p *fakePortal) Send(ctx context.Context, batch []portal.Change) error {
	p.mu.Lock()
	p.calls++
	n := p.calls
	seen := map[dossier.Code]bool{}
	for _, c := range batch {
		if p.inFlight[c.Key] {
			p.problems = append(p.problems, c.Key+" is being sent twice at once")
		}
		if seen[c.Code] {
			p.problems = append(p.problems, fmt.Sprintf("two changes of %s in one batch", c.Code))
		}
		seen[c.Code] = true
		p.inFlight[c.Key] = true
		if c.Key != portal.Key(c.Code, c.Event) || c.Record.MaHoSo != c.Code.String() {
			p.problems = append(p.problems, fmt.Sprintf("change %s of %s#%d for %s", c.Key, c.Code, c.Event, c.Record.MaHoSo))
		}
		if s := p.sent[c.Code]; len(s) > 0 && s[len(s)-1] > c.Event {
			p.problems = append(p.problems, fmt.Sprintf("%s: event %d after event %d", c.Code, c.Event, s[len(s)-1]))
		}
		p.sent[c.Code] = append(p.sent[c.Code], c.Event)
		if r, ok := p.records[c.Key]; ok && !assert.ObjectsAreEqual(r, c.Record) {
			p.problems = append(p.problems, c.Key+" was sent with two different records")
		}
		p.records[c.Key] = c.Record
	}
	fail := p.fail
	p.mu.Unlock()

	var err error
	if fail != nil {
		err = fail(n, batch)
	}
	if errors.Is(err, errBlock) {
		<-ctx.Done()
		err = ctx.Err()
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range batch {
		delete(p.inFlight, c.Key)
		if err == nil || errors.Is(err, errLost) {
			p.taken[c.Key]++
		}
	}
	return err
}

// check asserts that the portal took every key of want, and nothing else,
// and that it saw no problem.
func (p *fakePortal) check(t *testing.T, want map[dossier.Code][]string) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	assert.Empty(t, p.problems)
	var wantKeys, gotKeys []string
	for _, ks := range want {
		wantKeys = append(wantKeys, ks...)
	}
	for k := range p.taken {
		gotKeys = append(gotKeys, k)
	}
	slices.Sort(wantKeys)
	slices.Sort(gotKeys)
	assert.Equal(t, wantKeys, gotKeys, "every committed change is taken")
}

// newSyncer returns a Syncer with fast backoffs on d's store.
func newSyncer(t testing.TB, d *desk, s portal.Sender, change func(*portal.Config)) *portal.Syncer {
	t.Helper()
	cfg := portal.Config{
		Store: d.store, Catalog: procedure.Sample(), Sender: s,
		MaxAttempts: 40, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		SendTimeout: 50 * time.Millisecond, PollInterval: 5 * time.Millisecond, BatchSize: 16,
	}
	if change != nil {
		change(&cfg)
	}
	sy, err := portal.NewSyncer(cfg)
	require.NoError(t, err)
	return sy
}

func deadLetters(t *testing.T, o dossier.Outbox) []dossier.OutboxEntry {
	t.Helper()
	var out []dossier.OutboxEntry
	for e, err := range o.DeadLetters(context.Background()) {
		require.NoError(t, err)
		out = append(out, e)
	}
	return out
}

func timeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// newLogger returns a logger that writes text to w under mu.
func newLogger(w io.Writer, mu *sync.Mutex) *slog.Logger {
	return slog.New(slog.NewTextHandler(lockedWriter{w, mu}, nil))
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

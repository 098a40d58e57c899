// Package storetest is the conformance suite that every dossier.Store must
// pass. An embedder with a Store of their own runs it in a test:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) dossier.Store {
//			s := mystore.Open(…)
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// newStore must return an empty store each time it is called. The suite
// drives the store through dossier.Service, as an application would, with
// a clock that has microseconds: a store must give back every time to the
// microsecond (in any location: times are compared as instants). It checks
// that a store refuses an invalid history and writes nothing, that
// concurrent appends at one version have exactly one winner, that sequence
// numbers stay dense under concurrency and after failed creates, and that
// AsOf on a stored dossier agrees with a replay of its history. A store
// that is also a dossier.FactStore has its facts checked against the
// dossiers'. A store that is also a dossier.Outbox has its outbox checked:
// an entry for every event of every create and append and none for a
// failed one, one entry per dossier at a time and in order, leases that
// expire and that concurrent leasers never share, failures, dead letters
// and their retry, and what Pending shows of one dossier.
//
// A store whose instances share one database (several processes on one
// PostgreSQL, say) runs RunShared too, with Stores on one database:
//
//	storetest.RunShared(t, func(t *testing.T) []dossier.Store {
//		dsn := newDatabase(t)
//		return []dossier.Store{mystore.Open(dsn), mystore.Open(dsn)}
//	})
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// Run runs the suite against stores made by newStore.
func Run(t *testing.T, newStore func(t *testing.T) dossier.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s dossier.Store)
	}{
		{"CreateGet", testCreateGet},
		{"CreateNumbers", testCreateNumbers},
		{"CreateDuplicateID", testCreateDuplicateID},
		{"CreateInvalid", testCreateInvalid},
		{"CreateConcurrentDense", testCreateConcurrentDense},
		{"GetNotFound", testGetNotFound},
		{"GetReturnsCopy", testGetReturnsCopy},
		{"Append", testAppend},
		{"AppendInvalid", testAppendInvalid},
		{"AppendStale", testAppendStale},
		{"AppendNotFound", testAppendNotFound},
		{"AppendConcurrent", testAppendConcurrent},
		{"HistoryBound", testHistoryBound},
		{"AsOf", testAsOf},
		{"Microseconds", testMicroseconds},
		{"ListOrder", testListOrder},
		{"ListFilters", testListFilters},
		{"ListStop", testListStop},
		{"Facts", testFacts},
		{"CancelledContext", testCancelledContext},
	}
	for _, tt := range outboxTests {
		tests = append(tests, struct {
			name string
			run  func(t *testing.T, s dossier.Store)
		}{tt.name, outboxed(tt.run)})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, newStore(t))
		})
	}
}

// RunShared runs the checks that concern Stores sharing one database, as
// the instances of a provincial system do, against the Stores newStores
// makes: two or more on one new, empty database each time it is called.
// A dossier one Store wrote reads back whole through another, whatever the
// first keeps in memory. Deliverers leasing through different Stores at
// once never hold one outbox entry together, and deliver every entry once,
// in order per dossier; that check skips unless every Store is a
// dossier.Outbox.
func RunShared(t *testing.T, newStores func(t *testing.T) []dossier.Store) {
	// A Store that keeps what it wrote in memory (a cache) answers its own
	// Get from there: another Store on the database reads what was stored.
	t.Run("ReadBackAcrossStores", func(t *testing.T) {
		stores := newStores(t)
		require.GreaterOrEqual(t, len(stores), 2, "RunShared needs two Stores on one database")
		d := rich(t, newDesk(t, stores[0]))
		richFacts(t, get(t, stores[1], d.Code))
		same(t, d, get(t, stores[1], d.Code), "every fact of the history, read by another Store")
		for got, err := range stores[1].List(context.Background(), dossier.Filter{}) {
			require.NoError(t, err)
			same(t, d, got, "and listed by it")
		}
	})
	t.Run("OutboxConcurrentLeasers", func(t *testing.T) {
		stores := newStores(t)
		require.GreaterOrEqual(t, len(stores), 2, "RunShared needs two Stores on one database")
		var outboxes []dossier.Outbox
		for _, s := range stores {
			o, ok := s.(dossier.Outbox)
			if !ok {
				t.Skip("not a dossier.Outbox")
			}
			outboxes = append(outboxes, o)
		}
		concurrentLeasers(t, stores[0], outboxes)
	})
}

const agency = "000.00.01.H26"

// base is a Monday, with microseconds so that a store that keeps only
// seconds or milliseconds fails.
var base = time.Date(2025, time.March, 3, 8, 0, 0, 123456000, sla.ICT)

var catalog = func() *procedure.Catalog {
	c, err := procedure.NewCatalog(
		procedure.Procedure{
			Code: "1.001193", Name: "Thủ tục đăng ký khai sinh", Level: procedure.Commune, Field: procedure.Field{Name: "Hộ tịch"},
			Duration: sla.WorkingDays(3), Channels: []procedure.Channel{procedure.Direct, procedure.Online, procedure.Postal}, OnlineLevel: procedure.Full,
			Steps: []procedure.Step{
				{Name: "Tiếp nhận hồ sơ", Duration: sla.WorkingHours(2)},
				{Name: "Thẩm định hồ sơ", Duration: sla.WorkingDays(1)},
				{Name: "Phê duyệt", Duration: sla.WorkingHours(4)},
			},
		},
		procedure.Procedure{
			Code: "2.000635", Name: "Thủ tục đăng ký biến động đất đai", Level: procedure.Province, Field: procedure.Field{Name: "Đất đai"},
			Duration: sla.WorkingDays(5), Supplement: procedure.RestartClock, Channels: []procedure.Channel{procedure.Direct, procedure.Online, procedure.Postal}, OnlineLevel: procedure.Partial,
		},
	)
	if err != nil {
		panic(err)
	}
	return c
}()

// A desk is a Service on the store under test with a clock the test sets.
type desk struct {
	*dossier.Service
	mu  sync.Mutex
	now time.Time
}

func newDesk(t *testing.T, s dossier.Store) *desk {
	t.Helper()
	d := &desk{now: base}
	svc, err := dossier.NewService(dossier.Config{Store: s, Catalog: catalog, Agency: agency, Now: func() time.Time {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.now
	}})
	require.NoError(t, err)
	d.Service = svc
	return d
}

// at sets the clock to base plus minutes (and a few microseconds more, so
// that no two times share a second).
func (d *desk) at(minutes int) *desk {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.now = base.Add(time.Duration(minutes)*time.Minute + time.Duration(minutes)*time.Microsecond)
	return d
}

var citizen = dossier.Applicant{
	Name: "Nguyễn Văn An", IDNumber: "001099000123", Phone: "0912345678",
	Email: "an@example.vn", Address: "12 Lý Thường Kiệt, Hoàn Kiếm, Hà Nội", Organisation: "Công ty TNHH Ánh Dương",
}

func (d *desk) receive(t *testing.T, minutes int, proc string, ch procedure.Channel) *dossier.Dossier {
	t.Helper()
	x, err := d.at(minutes).Receive(context.Background(), dossier.Intake{Procedure: proc, Applicant: citizen, Channel: ch, ReturnChannel: procedure.Postal, Actor: "Bộ phận một cửa"})
	require.NoError(t, err)
	return x
}

// rich returns a dossier with a history that sets every fact: filed online,
// accepted, transferred, paused and resumed, rescheduled and paused again.
func rich(t *testing.T, d *desk) *dossier.Dossier {
	t.Helper()
	ctx := context.Background()
	x, err := d.at(-60).Submit(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, ReturnChannel: procedure.Postal, SubmittedAt: base.Add(-2 * time.Hour), Actor: "công dân"})
	require.NoError(t, err)
	steps := []func(m int) (*dossier.Dossier, error){
		func(m int) (*dossier.Dossier, error) { return d.at(m).Accept(ctx, x.Code, "cán bộ A") },
		func(m int) (*dossier.Dossier, error) {
			return d.at(m).Transfer(ctx, x.Code, "cán bộ A", "Phòng Tư pháp")
		},
		func(m int) (*dossier.Dossier, error) {
			return d.at(m).RequestSupplementBy(ctx, x.Code, "cán bộ B", "Thiếu bản sao giấy khai sinh", base.Add(7*24*time.Hour+8*time.Hour))
		},
		func(m int) (*dossier.Dossier, error) { return d.at(m).Supplement(ctx, x.Code, "cán bộ A") },
		func(m int) (*dossier.Dossier, error) {
			return d.at(m).Reschedule(ctx, x.Code, "cán bộ C", "Xin lỗi vì chậm trễ", base.Add(10*24*time.Hour+3*time.Hour))
		},
		func(m int) (*dossier.Dossier, error) {
			return d.at(m).RequestPayment(ctx, x.Code, "cán bộ B", "Lệ phí 8.000 đồng")
		},
	}
	for i, step := range steps {
		x, err = step(60 * i)
		require.NoError(t, err, "step %d", i)
	}
	return x
}

// richFacts checks that d, the dossier rich made as a store gave it back,
// holds the facts rich's steps gave, each as given: a store that drops one
// on the way in gives back a dossier whose history lacks it, and comparing
// that dossier with itself would not tell.
func richFacts(t *testing.T, d *dossier.Dossier) {
	t.Helper()
	require.Len(t, d.Events, 7)
	e := d.Events
	assert.Equal(t, "Phòng Tư pháp", e[2].Receiver, "the transfer's receiver")
	assert.Equal(t, "Thiếu bản sao giấy khai sinh", e[3].Reason, "the supplement request's reason")
	assert.True(t, base.Add(7*24*time.Hour+8*time.Hour).Equal(e[3].SupplementBy), "the time to supplement by: %v", e[3].SupplementBy)
	assert.Equal(t, "Xin lỗi vì chậm trễ", e[5].Reason, "the apology")
	assert.True(t, base.Add(10*24*time.Hour+3*time.Hour).Equal(e[5].Due), "the new appointment: %v", e[5].Due)
	assert.Equal(t, "Lệ phí 8.000 đồng", e[6].Reason, "the payment's note")
	assert.Equal(t, "công dân", e[0].Actor)
	assert.Equal(t, procedure.Postal, d.ReturnChannel)
}

// same asserts that two dossiers are equal, comparing times as instants.
func same(t *testing.T, want, got *dossier.Dossier, msgAndArgs ...any) bool {
	t.Helper()
	if want == nil || got == nil {
		return assert.Equal(t, want, got, msgAndArgs...)
	}
	return assert.Equal(t, view(want), view(got), msgAndArgs...)
}

// A snapshot is what a reader sees of a dossier, with times in UTC.
type snapshot struct {
	ID                                                          uuid.UUID
	Code                                                        dossier.Code
	Procedure                                                   string
	Applicant                                                   dossier.Applicant
	Channel, ReturnChannel                                      procedure.Channel
	Status                                                      dossier.Status
	Version                                                     int
	SubmittedAt, ReceivedAt, Due, OriginalDue, Finished, Return time.Time
	ProcedureVersion                                            sla.Date
	Limit                                                       sla.Duration
	Regime                                                      procedure.SupplementRegime
	Pauses                                                      []sla.Interval
	Handovers                                                   []dossier.Handover
	Events                                                      []dossier.Event
}

func view(d *dossier.Dossier) snapshot {
	u := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.UTC()
	}
	s := snapshot{
		ID: d.ID, Code: d.Code, Procedure: d.Procedure, Applicant: d.Applicant, Channel: d.Channel, ReturnChannel: d.ReturnChannel,
		Status: d.Status(), Version: d.Version,
		SubmittedAt: u(d.SubmittedAt), ReceivedAt: u(d.ReceivedAt()), Due: u(d.Due()), OriginalDue: u(d.OriginalDue()),
		Finished: u(d.FinishedAt()), Return: u(d.ReturnedAt()),
		ProcedureVersion: d.ProcedureVersion(), Limit: d.Limit(), Regime: d.Regime(),
	}
	for _, p := range d.Pauses() {
		s.Pauses = append(s.Pauses, sla.Interval{Start: u(p.Start), End: u(p.End)})
	}
	for _, h := range d.Handovers() {
		h.At, h.Due, h.Done = u(h.At), u(h.Due), u(h.Done)
		s.Handovers = append(s.Handovers, h)
	}
	for _, e := range d.Events {
		e.At, e.StepDue, e.Due, e.LegalDue, e.SupplementBy = u(e.At), u(e.StepDue), u(e.Due), u(e.LegalDue), u(e.SupplementBy)
		s.Events = append(s.Events, e)
	}
	return s
}

func get(t *testing.T, s dossier.Store, c dossier.Code) *dossier.Dossier {
	t.Helper()
	d, err := s.Get(context.Background(), c)
	require.NoError(t, err)
	return d
}

func testCreateGet(t *testing.T, s dossier.Store) {
	d := rich(t, newDesk(t, s))
	assert.Equal(t, 7, d.Version, "Version counts the events")
	richFacts(t, d)
	same(t, d, get(t, s, d.Code), "every fact of the history")

	bare := newDesk(t, s).receive(t, 0, "2.000635", procedure.Direct)
	same(t, bare, get(t, s, bare.Code), "a dossier with most facts unset")
}

func testCreateNumbers(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	for want := 1; want <= 3; want++ {
		d := newDossier(t, agency, base)
		require.NoError(t, s.Create(ctx, d))
		assert.Equal(t, want, d.Code.Seq, "Create draws the number and sets it")
		assert.Equal(t, 1, d.Version)
	}
	other := newDossier(t, "000.00.02.H26", base)
	require.NoError(t, s.Create(ctx, other))
	assert.Equal(t, 1, other.Code.Seq, "another agency has its own sequence")
	next := newDossier(t, agency, base.Add(24*time.Hour))
	require.NoError(t, s.Create(ctx, next))
	assert.Equal(t, 1, next.Code.Seq, "the sequence restarts every day")
	assert.Equal(t, "000.00.01.H26-250304-0001", next.Code.String())
}

// newDossier returns a dossier received at t by agency, ready for Create.
func newDossier(t *testing.T, agency string, at time.Time) *dossier.Dossier {
	t.Helper()
	d := &dossier.Dossier{
		ID: uuid.Must(uuid.NewV7()), Code: dossier.Code{Agency: agency, Date: sla.DateOf(at)},
		Procedure: "2.000635", Applicant: citizen, Channel: procedure.Direct, ReturnChannel: procedure.Direct, SubmittedAt: at,
	}
	due := at.Add(5 * 24 * time.Hour)
	require.NoError(t, d.Apply(dossier.Event{At: at, Kind: dossier.KindReceive, Actor: "một cửa", Due: due, LegalDue: due, Limit: sla.WorkingDays(5)}))
	return d
}

func testCreateDuplicateID(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	d := newDossier(t, agency, base)
	require.NoError(t, s.Create(ctx, d))
	again := newDossier(t, agency, base)
	again.ID = d.ID
	assert.ErrorIs(t, s.Create(ctx, again), dossier.ErrExists, "same ID")
	next := newDossier(t, agency, base)
	require.NoError(t, s.Create(ctx, next))
	assert.Equal(t, 2, next.Code.Seq, "a refused Create draws no number")
	same(t, d, get(t, s, d.Code), "the first stays")
}

func testCreateInvalid(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	noEvents := newDossier(t, agency, base)
	noEvents.Events = nil
	badHistory := newDossier(t, agency, base)
	badHistory.Events = append(badHistory.Events, dossier.Event{N: 2, At: base, Kind: dossier.KindReturn, Actor: "x", From: dossier.Received, To: dossier.Returned})
	tooLate := newDossier(t, agency, base)
	tooLate.Code.Date = sla.Date{Year: 2100, Month: 1, Day: 1}
	badAgency := newDossier(t, agency, base)
	badAgency.Code.Agency = "not an agency"
	tests := []struct {
		name string
		d    *dossier.Dossier
		want error
	}{
		{"no events", noEvents, dossier.ErrInvalid},
		{"a history the lifecycle refuses", badHistory, dossier.ErrInvalidTransition},
		{"a code that would not parse back", tooLate, dossier.ErrInvalid},
		{"a bad agency", badAgency, dossier.ErrInvalid},
	}
	for _, tt := range tests {
		assert.ErrorIs(t, s.Create(ctx, tt.d), tt.want, tt.name)
	}
	d := newDossier(t, agency, base)
	require.NoError(t, s.Create(ctx, d))
	assert.Equal(t, 1, d.Code.Seq, "refused creates draw no number")
	n := 0
	for _, err := range s.List(ctx, dossier.Filter{}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 1, n, "refused creates store nothing")
}

// Creates at once, some of which fail (a duplicate ID, a cancelled
// context): the numbers of those that succeed are 1…n with no gap.
func testCreateConcurrentDense(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	first := newDossier(t, agency, base)
	require.NoError(t, s.Create(ctx, first))
	const n = 60
	var wg sync.WaitGroup
	var mu sync.Mutex
	var seqs []int
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for i := range n {
		wg.Go(func() {
			d := newDossier(t, agency, base)
			c := ctx
			switch i % 3 {
			case 1:
				d.ID = first.ID // fails: ErrExists
			case 2:
				c = cancelled
			}
			if err := s.Create(c, d); err == nil {
				mu.Lock()
				seqs = append(seqs, d.Code.Seq)
				mu.Unlock()
			} else if i%3 == 0 {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	assert.ElementsMatch(t, seqOf(2, n/3+1), seqs, "dense numbers after failed creates")
	last := newDossier(t, agency, base)
	require.NoError(t, s.Create(ctx, last))
	assert.Equal(t, n/3+2, last.Code.Seq)
}

func seqOf(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func testGetNotFound(t *testing.T, s dossier.Store) {
	_, err := s.Get(context.Background(), dossier.Code{Agency: agency, Date: sla.DateOf(base), Seq: 99})
	assert.ErrorIs(t, err, dossier.ErrNotFound)
}

func testGetReturnsCopy(t *testing.T, s dossier.Store) {
	d := rich(t, newDesk(t, s))
	got := get(t, s, d.Code)
	got.Events[0].Reason = "changed after Get"
	got.Applicant.Name = "x"
	again := get(t, s, d.Code)
	assert.Empty(t, again.Events[0].Reason, "Get returns a copy")
	assert.Equal(t, citizen.Name, again.Applicant.Name)
}

func testAppend(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	d := newDesk(t, s)
	x := d.receive(t, 0, "1.001193", procedure.Direct)
	x, err := d.at(30).Transfer(ctx, x.Code, "một cửa", "Phòng Tư pháp")
	require.NoError(t, err)
	assert.Equal(t, 2, x.Version)
	assert.Equal(t, dossier.InProgress, x.Status())
	same(t, x, get(t, s, x.Code), "Append returns the dossier as stored")

	// Several events in one append.
	due := x.Due()
	got, err := s.Append(ctx, x.Code, x.Version,
		dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindResolve, Actor: "B"},
		dossier.Event{At: base.Add(2 * time.Hour), Kind: dossier.KindReturn, Actor: "A"})
	require.NoError(t, err)
	assert.Equal(t, 4, got.Version)
	assert.Equal(t, dossier.Returned, got.Status())
	assert.Equal(t, []int{1, 2, 3, 4}, numbers(got.Events), "events are numbered from 1")
	assert.True(t, due.Equal(got.Due()))
	same(t, got, get(t, s, x.Code))
}

func numbers(es []dossier.Event) []int {
	var out []int
	for _, e := range es {
		out = append(out, e.N)
	}
	return out
}

func testAppendInvalid(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	x := newDesk(t, s).receive(t, 0, "1.001193", procedure.Direct)
	tests := []struct {
		name   string
		events []dossier.Event
		want   error
	}{
		{"a transition the lifecycle refuses", []dossier.Event{{At: base.Add(time.Hour), Kind: dossier.KindReturn, Actor: "A"}}, dossier.ErrInvalidTransition},
		{"an event before the last", []dossier.Event{{At: base.Add(-time.Hour), Kind: dossier.KindResolve, Actor: "A"}}, dossier.ErrInvalid},
		{"a transfer with no receiver", []dossier.Event{{At: base.Add(time.Hour), Kind: dossier.KindTransfer, Actor: "A"}}, dossier.ErrInvalid},
		{"a wrong number", []dossier.Event{{N: 7, At: base.Add(time.Hour), Kind: dossier.KindResolve, Actor: "A"}}, dossier.ErrInvalid},
		{"a good event, then a bad one", []dossier.Event{
			{At: base.Add(time.Hour), Kind: dossier.KindResolve, Actor: "A"},
			{At: base.Add(2 * time.Hour), Kind: dossier.KindResolve, Actor: "A"},
		}, dossier.ErrInvalidTransition},
	}
	for _, tt := range tests {
		_, err := s.Append(ctx, x.Code, x.Version, tt.events...)
		assert.ErrorIs(t, err, tt.want, tt.name)
		same(t, x, get(t, s, x.Code), "%s: nothing written", tt.name)
	}
}

func testAppendStale(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	d := newDesk(t, s)
	x := d.receive(t, 0, "1.001193", procedure.Direct)
	a, err := d.at(10).Withdraw(ctx, x.Code, "A", "Công dân xin rút")
	require.NoError(t, err)
	_, err = s.Append(ctx, x.Code, x.Version, dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindStop, Actor: "B", Reason: "dừng"})
	assert.ErrorIs(t, err, dossier.ErrConflict, "appended at the version before a's")
	same(t, a, get(t, s, x.Code), "the stale append changed nothing")
}

func testAppendNotFound(t *testing.T, s dossier.Store) {
	_, err := s.Append(context.Background(), dossier.Code{Agency: agency, Date: sla.DateOf(base), Seq: 9}, 1,
		dossier.Event{At: base, Kind: dossier.KindResolve, Actor: "A"})
	assert.ErrorIs(t, err, dossier.ErrNotFound)
}

// Officers acting on one dossier at once: exactly one append per version
// wins, and no event of a winner is lost.
func testAppendConcurrent(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	x := newDesk(t, s).receive(t, 0, "1.001193", procedure.Direct)
	const n = 10
	var wg sync.WaitGroup
	wins := make(chan string, n)
	for i := range n {
		wg.Go(func() {
			who := fmt.Sprintf("cán bộ %d", i)
			_, err := s.Append(ctx, x.Code, x.Version, dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindTransfer, Actor: "một cửa", Receiver: who})
			switch {
			case err == nil:
				wins <- who
			case !errors.Is(err, dossier.ErrConflict):
				t.Error(err)
			}
		})
	}
	wg.Wait()
	close(wins)
	var winners []string
	for w := range wins {
		winners = append(winners, w)
	}
	require.Len(t, winners, 1, "exactly one winner at one version")
	got := get(t, s, x.Code)
	assert.Equal(t, 2, got.Version)
	assert.Equal(t, winners[0], got.Events[1].Receiver, "the winner's event is there")
}

// A history may hold MaxEvents events; appending costs only the new ones.
func testHistoryBound(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	x := newDesk(t, s).receive(t, 0, "1.001193", procedure.Direct)
	version := x.Version
	for version < dossier.MaxEvents {
		k := min(200, dossier.MaxEvents-version)
		batch := make([]dossier.Event, k)
		for i := range batch {
			batch[i] = dossier.Event{At: base.Add(time.Duration(version+i) * time.Second), Kind: dossier.KindTransfer, Actor: "A", Receiver: fmt.Sprintf("B%d", version+i)}
		}
		got, err := s.Append(ctx, x.Code, version, batch...)
		require.NoError(t, err)
		version = got.Version
	}
	_, err := s.Append(ctx, x.Code, version, dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindResolve, Actor: "A"})
	assert.ErrorIs(t, err, dossier.ErrHistoryFull)
	got := get(t, s, x.Code)
	assert.Equal(t, dossier.MaxEvents, got.Version)
	assert.Equal(t, fmt.Sprintf("B%d", dossier.MaxEvents-1), got.Events[dossier.MaxEvents-1].Receiver)
}

// AsOf on a stored dossier is a replay of its history up to the instant.
func testAsOf(t *testing.T, s dossier.Store) {
	d := get(t, s, rich(t, newDesk(t, s)).Code)
	assert.Nil(t, d.AsOf(d.Events[0].At.Add(-time.Microsecond)), "not yet registered")
	for i, e := range d.Events {
		want, err := dossier.Restore(*d, d.Events[:i+1])
		require.NoError(t, err)
		same(t, want, d.AsOf(e.At), "as of event %d", e.N)
		same(t, want, d.AsOf(e.At.Add(30*time.Second)), "between event %d and the next", e.N)
	}
	paused := d.AsOf(d.Events[3].At) // the supplement request
	assert.Equal(t, dossier.AwaitingSupplement, paused.Status())
	assert.True(t, paused.ClockStopped(), "a pause that ended later is open as of then")
}

func testMicroseconds(t *testing.T, s dossier.Store) {
	d := rich(t, newDesk(t, s))
	got := get(t, s, d.Code)
	for i, e := range got.Events {
		assert.True(t, e.At.Equal(d.Events[i].At), "event %d: %s, want %s", e.N, e.At, d.Events[i].At)
		assert.NotZero(t, e.At.Nanosecond()%int(time.Millisecond), "event %d keeps its microseconds", e.N)
	}
	assert.True(t, got.SubmittedAt.Equal(d.SubmittedAt))
	received := got.ReceivedAt()
	assert.Equal(t, []string{d.Code.String()}, collect(t, s, dossier.Filter{ReceivedFrom: received, ReceivedTo: received.Add(time.Microsecond)}),
		"a filter on the exact receipt time finds it")
}

func collect(t *testing.T, s dossier.Store, f dossier.Filter) []string {
	t.Helper()
	var out []string
	for d, err := range s.List(context.Background(), f) {
		require.NoError(t, err)
		out = append(out, d.Code.String())
	}
	return out
}

func testListOrder(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	d := newDesk(t, s)
	// Received out of order; 1 and 4 in the same microsecond.
	for _, m := range []int{30, 10, 20} {
		d.receive(t, m, "1.001193", procedure.Direct)
	}
	d.receive(t, 10, "1.001193", procedure.Direct)
	online, err := d.at(0).Submit(ctx, dossier.Intake{Procedure: "1.001193", Applicant: citizen, Actor: "công dân"})
	require.NoError(t, err)
	code := func(seq int) string { return dossier.Code{Agency: agency, Date: sla.DateOf(base), Seq: seq}.String() }
	assert.Equal(t, []string{code(5), code(2), code(4), code(3), code(1)}, collect(t, s, dossier.Filter{}),
		"not yet received first, then by receipt time and code")
	_, err = d.at(25).Accept(ctx, online.Code, "một cửa")
	require.NoError(t, err)
	assert.Equal(t, []string{code(2), code(4), code(3), code(5), code(1)}, collect(t, s, dossier.Filter{}),
		"an acceptance moves the dossier to its receipt time")
}

func testListFilters(t *testing.T, s dossier.Store) {
	ctx := context.Background()
	d := newDesk(t, s)
	for i := 1; i <= 6; i++ {
		proc, ch := "1.001193", procedure.Online
		if i%2 == 0 {
			proc, ch = "2.000635", procedure.Direct
		}
		x := d.receive(t, i*10, proc, ch)
		if i == 3 {
			_, err := d.at(100).Resolve(ctx, x.Code, "B")
			require.NoError(t, err)
		}
	}
	at := func(m int) time.Time {
		return base.Add(time.Duration(m)*time.Minute + time.Duration(m)*time.Microsecond)
	}
	code := func(seq int) string { return dossier.Code{Agency: agency, Date: sla.DateOf(base), Seq: seq}.String() }
	codes := func(seqs ...int) []dossier.Code {
		var out []dossier.Code
		for _, n := range seqs {
			out = append(out, dossier.Code{Agency: agency, Date: sla.DateOf(base), Seq: n})
		}
		return out
	}
	// More codes than a statement takes parameters (65,535 in PostgreSQL,
	// 32,766 in SQLite), 4 the only one stored.
	manyCodes := make([]int, 70_000)
	for i := range manyCodes {
		manyCodes[i] = 4 + 3*i
	}
	tests := []struct {
		name string
		f    dossier.Filter
		want []string
	}{
		{"all", dossier.Filter{}, []string{code(1), code(2), code(3), code(4), code(5), code(6)}},
		{"received from (inclusive)", dossier.Filter{ReceivedFrom: at(30)}, []string{code(3), code(4), code(5), code(6)}},
		{"received to (exclusive)", dossier.Filter{ReceivedTo: at(30)}, []string{code(1), code(2)}},
		{"period", dossier.Filter{ReceivedFrom: at(20), ReceivedTo: at(50)}, []string{code(2), code(3), code(4)}},
		{"from a nanosecond after a receipt", dossier.Filter{ReceivedFrom: at(20).Add(1)}, []string{code(3), code(4), code(5), code(6)}},
		{"to a nanosecond after a receipt", dossier.Filter{ReceivedTo: at(20).Add(1)}, []string{code(1), code(2)}},
		{"period in another zone", dossier.Filter{ReceivedFrom: at(20).UTC(), ReceivedTo: at(50).UTC()}, []string{code(2), code(3), code(4)}},
		{"status", dossier.Filter{Status: dossier.Resolved}, []string{code(3)}},
		{"procedure", dossier.Filter{Procedure: "2.000635"}, []string{code(2), code(4), code(6)}},
		{"channel", dossier.Filter{Channel: procedure.Online}, []string{code(1), code(3), code(5)}},
		{"all at once", dossier.Filter{ReceivedFrom: base, Channel: procedure.Online, Procedure: "1.001193", Status: dossier.Received}, []string{code(1), code(5)}},
		{"nothing", dossier.Filter{Procedure: "9.999999"}, nil},
		{"codes, in List's order", dossier.Filter{Codes: codes(6, 1, 4)}, []string{code(1), code(4), code(6)}},
		{"codes, none", dossier.Filter{Codes: []dossier.Code{}}, nil},
		{"codes, unknown ones skipped", dossier.Filter{Codes: append(codes(2, 7), dossier.Code{},
			dossier.Code{Agency: "000.00.99.H26", Date: sla.DateOf(base), Seq: 2})}, []string{code(2)}},
		{"codes, a duplicate once", dossier.Filter{Codes: codes(3, 3, 5, 3)}, []string{code(3), code(5)}},
		{"codes and the other fields", dossier.Filter{Codes: codes(1, 2, 3, 4, 5), ReceivedFrom: at(20), Channel: procedure.Online}, []string{code(3), code(5)}},
		{"codes, many", dossier.Filter{Codes: append(codes(manyCodes...), codes(2)...)}, []string{code(2), code(4)}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, collect(t, s, tt.f), tt.name)
	}
}

func testListStop(t *testing.T, s dossier.Store) {
	d := newDesk(t, s)
	for i := 1; i <= 10; i++ {
		d.receive(t, i, "1.001193", procedure.Direct)
	}
	n := 0
	for _, err := range s.List(context.Background(), dossier.Filter{}) {
		require.NoError(t, err)
		if n++; n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)
	// The store still works after an abandoned listing.
	d.receive(t, 11, "1.001193", procedure.Direct)
	assert.Len(t, collect(t, s, dossier.Filter{}), 11)
}

// A FactStore's facts are the dossiers' own, and ListFacts selects the
// dossiers a period can count.
func testFacts(t *testing.T, s dossier.Store) {
	fs, ok := s.(dossier.FactStore)
	if !ok {
		t.Skip("not a dossier.FactStore")
	}
	ctx := context.Background()
	d := newDesk(t, s)
	rich(t, d)
	early := d.receive(t, 0, "1.001193", procedure.Direct)
	_, err := d.at(5).Resolve(ctx, early.Code, "B")
	require.NoError(t, err)
	late := d.receive(t, 600, "2.000635", procedure.Online)
	_, err = d.at(700).Refuse(ctx, late.Code, "A", "Hồ sơ không hợp lệ")
	require.NoError(t, err)

	want := map[dossier.Code]dossier.Facts{}
	for x, err := range s.List(ctx, dossier.Filter{}) {
		require.NoError(t, err)
		want[x.Code] = x.Facts()
	}
	tests := []struct {
		name     string
		from, to time.Time
	}{
		{"everything", time.Time{}, base.Add(1000 * time.Hour)},
		{"after the early one finished", base.Add(6 * time.Minute), base.Add(1000 * time.Hour)},
		{"before the late one was received", base.Add(-24 * time.Hour), base.Add(599 * time.Minute)},
	}
	for _, tt := range tests {
		got := map[dossier.Code]dossier.Facts{}
		for f, err := range fs.ListFacts(ctx, tt.from, tt.to) {
			require.NoError(t, err)
			got[f.Code] = f
		}
		var wantLive []dossier.Code
		for c, f := range want {
			if f.Live(tt.from, tt.to) {
				wantLive = append(wantLive, c)
				assert.True(t, sameFacts(f, got[c]), "%s: %s: got %+v, want %+v", tt.name, c, got[c], f)
			}
		}
		assert.Len(t, got, len(wantLive), tt.name)
	}
}

func sameFacts(a, b dossier.Facts) bool {
	times := func(f *dossier.Facts) []*time.Time {
		return []*time.Time{&f.RegisteredAt, &f.ReceivedAt, &f.LegalDue, &f.FinishedAt, &f.ReturnedAt, &f.PausedSince}
	}
	ta, tb := times(&a), times(&b)
	for i := range ta {
		if !ta[i].Equal(*tb[i]) {
			return false
		}
		*ta[i], *tb[i] = time.Time{}, time.Time{}
	}
	return a == b
}

func testCancelledContext(t *testing.T, s dossier.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := newDossier(t, agency, base)
	assert.Error(t, s.Create(ctx, d), "Create")
	var listErr error
	for _, err := range s.List(context.Background(), dossier.Filter{}) {
		listErr = err
	}
	require.NoError(t, listErr)
	assert.Empty(t, collect(t, s, dossier.Filter{}), "a cancelled Create stores nothing")
	require.NoError(t, s.Create(context.Background(), d))
	_, err := s.Get(ctx, d.Code)
	assert.Error(t, err, "Get")
	_, err = s.Append(ctx, d.Code, d.Version, dossier.Event{At: base.Add(time.Hour), Kind: dossier.KindResolve, Actor: "A"})
	assert.Error(t, err, "Append")
	assert.Equal(t, 1, get(t, s, d.Code).Version, "a cancelled Append writes nothing")
	listErr = nil
	for _, err := range s.List(ctx, dossier.Filter{}) {
		listErr = err
		break
	}
	assert.Error(t, listErr, "List")
}

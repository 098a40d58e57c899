package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/portal"
	"github.com/motcua/motcua/sla"
)

// The fake portal's faults, per request.
const (
	portalErrors   = 0.30 // answered 500
	portalTimeouts = 0.10 // no answer within the server's -portal-timeout
)

// plantedName is the applicant of the dossier whose changes the fake
// portal always refuses: its first change must end as a dead letter, the
// others held behind it.
const plantedName = "Người Bị Cổng Từ Chối"

const portalToken = "portal-test-token-0123456789"

// A fakePortal is the national portal on loopback, which fails as the
// constants above say, refuses the planted dossier's changes, and can be
// taken down (its port then refuses connections) and brought up again on
// the same address.
type fakePortal struct {
	t    *testing.T
	addr string

	mu                                 sync.Mutex
	srv                                *http.Server
	rnd                                *rand.Rand
	arrivals                           []arrival // the changes the portal took, in the order it took them
	requests, failed, stalled, refused int
}

// An arrival is a change the portal took.
type arrival struct {
	change portal.Change
	record string // the record as JSON, to compare duplicates
}

func newFakePortal(t *testing.T) *fakePortal {
	f := &fakePortal{t: t, rnd: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 15))}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f.addr = ln.Addr().String()
	f.serve(ln)
	t.Cleanup(f.down)
	return f
}

func (f *fakePortal) serve(ln net.Listener) {
	srv := &http.Server{Handler: f, ReadHeaderTimeout: 5 * time.Second}
	f.mu.Lock()
	f.srv = srv
	f.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// down closes the portal's listener and every connection.
func (f *fakePortal) down() {
	f.mu.Lock()
	srv := f.srv
	f.mu.Unlock()
	_ = srv.Close()
}

// up listens again on the same address.
func (f *fakePortal) up() {
	var ln net.Listener
	var err error
	for range 100 {
		if ln, err = net.Listen("tcp", f.addr); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	require.NoError(f.t, err, "the fake portal cannot listen again on %s", f.addr)
	f.serve(ln)
}

func (f *fakePortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Authorization") != "Bearer "+portalToken {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	var batch []portal.Change
	if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.requests++
	draw := f.rnd.Float64()
	lost := f.rnd.IntN(2) == 0
	f.mu.Unlock()
	switch {
	case draw < portalErrors:
		f.count(&f.failed)
		http.Error(w, "injected failure", http.StatusInternalServerError)
		return
	case draw < portalErrors+portalTimeouts:
		// Half of the calls that time out were taken all the same, and
		// only the answer is lost: the server must send them again, with
		// the same keys.
		f.count(&f.stalled)
		if lost && !f.refuses(batch) {
			f.take(batch)
		}
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		return
	case f.refuses(batch):
		f.count(&f.refused)
		http.Error(w, "MaTTHC không tồn tại", http.StatusBadRequest)
		return
	}
	f.take(batch)
}

func (f *fakePortal) count(n *int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*n++
}

func (f *fakePortal) refuses(batch []portal.Change) bool {
	for _, c := range batch {
		if c.Record.ChuHoSo == plantedName {
			return true
		}
	}
	return false
}

func (f *fakePortal) take(batch []portal.Change) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range batch {
		rec, _ := json.Marshal(c.Record)
		f.arrivals = append(f.arrivals, arrival{change: c, record: string(rec)})
	}
}

// TestPortalSyncUnderFaults runs the real binary with the sync on, against a
// fake portal that fails 30% of the posts with 500, leaves 10% without an
// answer past the server's send timeout (-portal-timeout 300ms) and is down
// for a stretch in the middle of the run, while 2,000 dossiers are received
// and walked to "returned" over the API (250 under the race detector), and
// kills the server with SIGKILL twice on the way, restarting it each time.
// In the end the portal has every committed change, each as it happened
// (its record is the dossier as it stood after the event), in order per
// dossier, and any change it got twice came with the same key and the same
// record; the outbox holds nothing but the planted dead letter, whose
// dossier's later changes wait behind it.
//
// Everything runs on loopback; the server's sync settings are small so
// that the run takes well under two minutes: a 300 ms send timeout, 2 s
// leases (the changes a killed server held come back after them), backoff
// from 50 ms to 800 ms, and 25 attempts before a dead letter. Under the
// race detector the timeout and leases are longer (1.5 s and 6 s), and so
// is the time the run is given.
func TestPortalSyncUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the server binary for tens of seconds")
	}
	// Not parallel, as TestLoad is not: its load would disturb the tests
	// that time the server.
	dossiers := 2000
	if raceEnabled {
		// The race detector slows the server, the fake portal and SQLite
		// down several times over.
		dossiers = 250
	}
	const clients = 16

	// A post that takes longer than sendTimeout counts as failed: on a
	// loaded machine under the race detector, 300 ms fails posts the fake
	// portal answered, until every change is a dead letter.
	sendTimeout, lease, limit := 300*time.Millisecond, 2*time.Second, 110*time.Second
	if raceEnabled {
		sendTimeout, lease, limit = 1500*time.Millisecond, 6*time.Second, 200*time.Second
	}

	dir := t.TempDir()
	bin := buildServer(t, dir)
	began := time.Now()
	deadline := began.Add(limit)
	fake := newFakePortal(t)
	// start runs the server with the database's DSN only: a launcher adds
	// the sync's flags and token.
	launcher := filepath.Join(dir, "with-portal")
	script := fmt.Sprintf("#!/bin/sh\n%s=%s exec %s -portal-url http://%s/sync -portal-timeout %s -portal-lease %s "+
		"-portal-backoff 50ms -portal-max-backoff 800ms -portal-attempts 25 \"$@\"\n", portalTokenEnv, portalToken, bin, fake.addr, sendTimeout, lease)
	require.NoError(t, os.WriteFile(launcher, []byte(script), 0o755))
	dsn := "sqlite:" + filepath.Join(dir, "motcua.db")
	// One account walks the dossiers and, as an administrator, reads the
	// report and the dead letters.
	token := cliToken(t, bin, dsn, "canbo", "one-stop,specialist,admin")
	srv := start(t, launcher, dsn)
	var baseURL atomic.Value
	baseURL.Store("http://" + srv.addr)

	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	defer client.CloseIdleConnections()
	// call sends a request to whichever server runs now; an error is a
	// connection that failed (the server was killed or is restarting).
	call := func(method, path string, body []byte) (int, []byte, error) {
		req, err := http.NewRequest(method, baseURL.Load().(string)+path, bytes.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	var (
		mu   sync.Mutex
		errs []error
		done atomic.Int64
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}
	// walk receives dossier i and walks it to returned, whatever happens to
	// the server: a request whose connection failed is tried again, and an
	// action that answers 409 was done already if the dossier has moved on.
	steps := []struct{ action, body, after string }{
		{"transfer", `{"to":"Phòng Kinh tế"}`, "in-progress"},
		{"resolve", "", "resolved"},
		{"return", "", "returned"},
	}
	rank := map[string]int{"received": 0, "in-progress": 1, "resolved": 2, "returned": 3}
	walk := func(i int) {
		name := fmt.Sprintf("Nguyễn Văn %d", i)
		if i == 7 {
			name = plantedName
		}
		body, _ := json.Marshal(anIntake(name))
		var code string
		for code == "" {
			if time.Now().After(deadline) {
				fail(fmt.Errorf("dossier %d: not received in time", i))
				return
			}
			status, b, err := call("POST", "/api/v1/dossiers", body)
			switch {
			case err != nil:
				time.Sleep(20 * time.Millisecond) // if it was committed, it stays, unwalked
			case status == http.StatusServiceUnavailable:
				time.Sleep(100 * time.Millisecond) // the store was busy: nothing was written
			case status == http.StatusCreated:
				var got struct{ Code string }
				if err := json.Unmarshal(b, &got); err != nil {
					fail(err)
					return
				}
				code = got.Code
			default:
				fail(fmt.Errorf("receiving dossier %d: %d %s", i, status, b))
				return
			}
		}
		for k, st := range steps {
			var body []byte
			if st.body != "" {
				body = []byte(st.body)
			}
			for {
				if time.Now().After(deadline) {
					fail(fmt.Errorf("%s: %s not done in time", code, st.action))
					return
				}
				status, b, err := call("POST", "/api/v1/dossiers/"+code+"/"+st.action, body)
				if err == nil && status == http.StatusOK {
					break
				}
				if err == nil && status != http.StatusConflict && status != http.StatusServiceUnavailable {
					fail(fmt.Errorf("%s: %s: %d %s", code, st.action, status, b))
					return
				}
				if err != nil || status == http.StatusServiceUnavailable {
					time.Sleep(20 * time.Millisecond)
				}
				// Done already, by a request whose answer was lost?
				status, b, err = call("GET", "/api/v1/dossiers/"+code, nil)
				var got struct{ Status string }
				if err == nil && status == http.StatusOK && json.Unmarshal(b, &got) == nil && rank[got.Status] > k {
					break
				}
			}
		}
		done.Add(1)
	}

	var next atomic.Int64
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < dossiers; i = int(next.Add(1) - 1) {
				walk(i)
			}
		})
	}
	// The faults, on the way: a kill at a third, the portal down from
	// half-way for 2.5 s, a kill at two thirds.
	waitFor := func(n int) {
		for done.Load() < int64(n) && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
	}
	kill := func() {
		require.NoError(t, srv.cmd.Process.Signal(syscall.SIGKILL))
		<-srv.done
		srv = start(t, launcher, dsn)
		baseURL.Store("http://" + srv.addr)
	}
	waitFor(dossiers / 3)
	kill()
	waitFor(dossiers / 2)
	fake.down()
	time.Sleep(2500 * time.Millisecond)
	fake.up()
	waitFor(2 * dossiers / 3)
	kill()
	wg.Wait()
	require.Empty(t, errs, "first errors: %v", errs[:min(len(errs), 5)])
	walked := time.Now()

	// Wait until the portal has everything but the planted dossier's: its
	// first change a dead letter, the others behind it. (A receipt whose
	// answer a kill lost is received again, so there may be two.)
	today := time.Now().In(sla.ICT)
	summary := fmt.Sprintf("/api/v1/reports/summary?from=%s&to=%s", today.AddDate(0, 0, -1).Format("2006-01-02"), today.AddDate(0, 0, 1).Format("2006-01-02"))
	var synced struct {
		PortalSynced struct{ Received, Count int } `json:"portalSynced"`
	}
	var dead struct{ Items []deadLetterView }
	for {
		require.True(t, time.Now().Before(deadline), "the portal did not get everything in time: %+v, dead letters %+v", synced.PortalSynced, dead.Items)
		time.Sleep(200 * time.Millisecond)
		status, b, err := call("GET", summary, nil)
		if err != nil || status != http.StatusOK || json.Unmarshal(b, &synced) != nil {
			continue
		}
		status, b, err = call("GET", "/api/v1/portal/dead-letters", nil)
		if err != nil || status != http.StatusOK || json.Unmarshal(b, &dead) != nil {
			continue
		}
		if p := synced.PortalSynced; p.Received >= dossiers && p.Count == p.Received-len(dead.Items) && len(dead.Items) > 0 {
			break
		}
	}
	t.Logf("%d dossiers walked in %s, the portal had all it could %s later", dossiers, walked.Sub(began).Round(time.Millisecond),
		time.Since(walked).Round(time.Millisecond))
	srv.stop(t, syscall.SIGTERM)
	logs := srv.stderr.String()
	stopped, closed := strings.Index(logs, `"msg":"sync to the national portal stopped"`), strings.Index(logs, `"msg":"store closed"`)
	assert.True(t, stopped >= 0 && closed > stopped, "the sync stops before the store closes")

	// What the database committed, against what the portal took.
	ctx := context.Background()
	b, err := openBackend(ctx, dsn)
	require.NoError(t, err)
	defer b.Close()
	o := b.(dossier.Outbox)
	fake.mu.Lock()
	arrivals := fake.arrivals
	fake.mu.Unlock()
	first := map[string]int{} // each key's first arrival
	records := map[string]string{}
	for i, a := range arrivals {
		c := a.change
		require.Equal(t, portal.Key(c.Code, c.Event), c.Key, "a change's key is its code and event")
		if r, ok := records[c.Key]; ok {
			assert.Equal(t, r, a.record, "%s came twice with different records", c.Key)
			continue
		}
		first[c.Key], records[c.Key] = i, a.record
	}
	committed := 0
	var planted []string
	for d, err := range b.List(ctx, dossier.Filter{}) {
		require.NoError(t, err)
		entries, err := o.Pending(ctx, d.Code)
		require.NoError(t, err)
		if d.Applicant.Name == plantedName {
			planted = append(planted, portal.Key(d.Code, 1))
			require.Len(t, entries, len(d.Events), "none of the planted dossier's changes reached the portal")
			assert.True(t, entries[0].Dead, "its first change is a dead letter")
			assert.Equal(t, 25, entries[0].Attempts)
			assert.NotEmpty(t, entries[0].LastError, "with the portal's answer (or the lack of one) to its last attempt")
			for _, e := range d.Events {
				assert.NotContains(t, first, portal.Key(d.Code, e.N))
			}
			continue
		}
		assert.Empty(t, entries, "%s: nothing left in the outbox", d.Code)
		prev := -1
		for _, e := range d.Events {
			committed++
			key := portal.Key(d.Code, e.N)
			i, ok := first[key]
			if !assert.True(t, ok, "%s never reached the portal", key) {
				continue
			}
			assert.Greater(t, i, prev, "%s reached the portal before the change before it", key)
			prev = i
			then, err := dossier.Restore(*d, d.Events[:e.N])
			require.NoError(t, err)
			var rec portal.Dossier
			require.NoError(t, json.Unmarshal([]byte(records[key]), &rec))
			assert.Equal(t, then.Status().Portal(), rec.TrangThaiHoSo, "%s: the record is the dossier as it stood after the event", key)
			assert.Equal(t, d.Code.String(), rec.MaHoSo)
			delete(first, key)
		}
	}
	require.NotEmpty(t, planted, "the planted dossier was received")
	var deadKeys []string
	for _, e := range dead.Items {
		deadKeys = append(deadKeys, e.Key)
	}
	assert.ElementsMatch(t, planted, deadKeys, "the planted dead letters, and no other")
	assert.Equal(t, 3, dead.Items[0].Behind, "the walked dossier's later changes wait behind its dead letter")
	assert.Empty(t, first, "the portal got changes that were never committed")
	assert.GreaterOrEqual(t, committed, 4*(dossiers-1), "every dossier walked to returned, and any received twice")
	fake.mu.Lock()
	defer fake.mu.Unlock()
	t.Logf("%d changes committed; the portal answered %d posts: %d failed, %d without an answer, %d refused; it took %d changes, %d of them again (same key, same record)",
		committed, fake.requests, fake.failed, fake.stalled, fake.refused, len(arrivals), len(arrivals)-len(records))
}

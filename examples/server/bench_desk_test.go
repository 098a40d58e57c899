package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// The desk's benchmarks run on a SQLite file of 100,000 dossiers: a busy
// centre of three agencies from 01/07/2025 (when the sample catalogue's
// versions come into force) to Friday 03/10/2025, about 1,470 dossiers a
// working day, each made through dossier.Service with a clock of its own
// and stored with its whole history by one Store.Create. Those of the last
// two working days before Monday 06/10/2025 09:00 are open, in every state
// (about 2,900, 1,800 of them the largest agency's); the others were
// returned, one in twenty late.
// Making it takes a minute or two; the file is kept under the system's
// temporary folder and reused by later runs.

const benchDossiers = 100_000

// benchAgencies are the agencies of the benchmark's centre; the first
// receives three dossiers in five.
var benchAgencies = []agency{
	{ID: defaultAgency, Name: "Trung tâm Phục vụ hành chính công"},
	{ID: "000.00.12.H26", Name: "Sở Tư pháp"},
	{ID: "000.00.20.H26", Name: "Sở Xây dựng"},
}

var benchProcedures = []string{"1.001612", "1.004194", "1.004222", "1.004873", "2.000635", "1.002755", "2.001610"}

// benchFile returns the path of the 100,000 dossiers' SQLite file, making
// it if no earlier run has.
func benchFile(b *testing.B) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("motcua-bench-desk-%d-v2.db", benchDossiers))
	if _, err := os.Stat(path + ".done"); err == nil {
		return path
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(path + suffix)
	}
	start := time.Now()
	if err := makeBenchFile(path); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path+".done", nil, 0o600); err != nil {
		b.Fatal(err)
	}
	b.Logf("made %d dossiers in %s in %v", benchDossiers, path, time.Since(start).Round(time.Second))
	return path
}

func makeBenchFile(path string) error {
	ctx := context.Background()
	be, err := openBackend(ctx, "sqlite:"+path)
	if err != nil {
		return err
	}
	defer be.Close()
	cal, cat := sla.Default(), procedure.Sample()

	// Working days from 01/07/2025 to Friday 03/10/2025.
	var days []sla.Date
	for d := (sla.Date{Year: 2025, Month: 7, Day: 1}); !d.After(sla.Date{Year: 2025, Month: 10, Day: 3}); d = d.AddDays(1) {
		if cal.IsWorkday(d) {
			days = append(days, d)
		}
	}
	perDay := (benchDossiers + len(days) - 1) / len(days)
	const workers = 8
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var now time.Time
			clock := func() time.Time { return now }
			var mem *memstore.Store
			svcs := map[string]*dossier.Service{}
			for i := w; i < benchDossiers; i += workers {
				if len(svcs) == 0 || i%(workers*500) == w {
					mem = memstore.New() // a fresh one now and then, to keep memory small
					for _, a := range benchAgencies {
						svc, err := dossier.NewService(dossier.Config{Store: mem, Catalog: cat, Calendar: cal, Agency: a.ID, Now: clock})
						if err != nil {
							errs <- err
							return
						}
						svcs[a.ID] = svc
					}
				}
				d, err := benchDossier(ctx, svcs, days, perDay, i, &now)
				if err == nil {
					err = be.Create(ctx, d)
				}
				if err != nil {
					errs <- fmt.Errorf("dossier %d: %w", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	desk := be.Desk()
	for _, o := range []*officer{
		{Username: "bench.a", FullName: "Cán Bộ Đo", Agency: defaultAgency, Roles: byOneStop | bySpecialist, Password: testHash(), Created: monday0900},
		{Username: "bench.admin", FullName: "Quản Trị Đo", Agency: defaultAgency, Roles: byAdmin, Password: testHash(), Created: monday0900},
	} {
		if err := desk.addOfficer(ctx, o); err != nil {
			return err
		}
	}
	_, err = desk.rebuildQueue(ctx, be)
	return err
}

// benchDossier makes dossier i of the centre's nine months through the
// Services, moving the clock *now from event to event.
func benchDossier(ctx context.Context, svcs map[string]*dossier.Service, days []sla.Date, perDay, i int, now *time.Time) (*dossier.Dossier, error) {
	day := days[min(i/perDay, len(days)-1)]
	o := (i % perDay) * 480 / perDay // minutes into the working day
	at := day.At(7, 30).Add(time.Duration(o) * time.Minute)
	if o >= 240 {
		at = day.At(13, 0).Add(time.Duration(o-240) * time.Minute)
	}
	*now = at
	ag := benchAgencies[0].ID
	if k := i % 5; k == 3 {
		ag = benchAgencies[1].ID
	} else if k == 4 {
		ag = benchAgencies[2].ID
	}
	svc := svcs[ag]
	actor := fmt.Sprintf("Cán bộ %d (motcua%d)", i%7, i%7)
	specialist := fmt.Sprintf("Chuyên viên %d (cv%d)", i%5, i%5)
	if i%11 == 0 {
		specialist = "Cán Bộ Đo (bench.a)"
	}
	d, err := svc.Receive(ctx, dossier.Intake{
		Procedure: benchProcedures[i%len(benchProcedures)], Channel: procedure.Direct,
		Applicant: dossier.Applicant{Name: fmt.Sprintf("Người Nộp Số %d", i), IDNumber: fmt.Sprintf("%012d", i)}, Actor: actor,
	})
	if err != nil {
		return nil, err
	}
	c := d.Code
	step := func(after time.Duration, f func() (*dossier.Dossier, error)) {
		if err != nil {
			return
		}
		*now = now.Add(after)
		d, err = f()
	}
	transfer := func() (*dossier.Dossier, error) { return svc.Transfer(ctx, c, actor, specialist) }
	resolve := func() (*dossier.Dossier, error) { return svc.Resolve(ctx, c, specialist) }
	open := i/perDay >= len(days)-2
	if !open {
		step(time.Hour, transfer)
		spent := d.Due().Sub(*now) * 7 / 10
		if i%20 == 0 {
			spent = d.Due().Sub(*now) + 26*time.Hour // late
		}
		step(max(spent, time.Minute), resolve)
		step(time.Hour, func() (*dossier.Dossier, error) { return svc.Return(ctx, c, actor) })
		return d, err
	}
	switch k := i % 20; {
	case k < 8: // received only
	case k < 14:
		step(30*time.Minute, transfer)
	case k < 16:
		step(30*time.Minute, transfer)
		step(10*time.Minute, func() (*dossier.Dossier, error) {
			return svc.RequestSupplement(ctx, c, specialist, "Thiếu giấy tờ")
		})
	case k < 17:
		step(30*time.Minute, transfer)
		step(10*time.Minute, func() (*dossier.Dossier, error) { return svc.RequestPayment(ctx, c, specialist, "Lệ phí") })
	default:
		step(30*time.Minute, transfer)
		step(20*time.Minute, resolve)
	}
	return d, err
}

// benchDesk opens a server on the benchmark's file, at Monday 06/10/2025
// 09:00, with nothing logged.
func benchDesk(b *testing.B) *server {
	b.Helper()
	be, err := openBackend(context.Background(), "sqlite:"+benchFile(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { be.Close() })
	s, err := newServer(config{Backend: be, Agencies: benchAgencies, Now: func() time.Time { return monday0900 },
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// cookieOf signs the officer in and returns the session's cookie.
func cookieOf(b *testing.B, s *server, username string) *http.Cookie {
	b.Helper()
	value, _, err := s.desk.newSession(context.Background(), username, monday0900)
	if err != nil {
		b.Fatal(err)
	}
	return &http.Cookie{Name: "motcua_session", Value: value}
}

// measure runs f as the benchmark's loop and reports the median and the
// 99th percentile of its times, in milliseconds.
func measure(b *testing.B, f func()) {
	b.Helper()
	b.ReportAllocs()
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		f()
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
}

// get serves a GET with the cookie and checks the status.
func get(b *testing.B, s *server, c *http.Cookie, path string, want int) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	req.AddCookie(c)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != want {
		b.Fatalf("GET %s: %d, want %d: %.300s", path, w.Code, want, w.Body)
	}
	return w
}

// BenchmarkQueuePage renders the work queue over the 100,000 dossiers: for
// an officer of the largest agency, under each filter, a later page, and
// for an administrator, who sees all three agencies.
func BenchmarkQueuePage(b *testing.B) {
	s := benchDesk(b)
	officer, adm := cookieOf(b, s, "bench.a"), cookieOf(b, s, "bench.admin")
	for _, bc := range []struct {
		name string
		c    *http.Cookie
		path string
	}{
		{"agency", officer, "/"},
		{"agency-page-10", officer, "/?trang=10"},
		{"mine", officer, "/?loc=cua-toi"},
		{"overdue", officer, "/?loc=qua-han"},
		{"awaiting-supplement", officer, "/?loc=cho-bo-sung"},
		{"all-agencies", adm, "/"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			w := get(b, s, bc.c, bc.path, http.StatusOK)
			if !strings.Contains(w.Body.String(), `<table class="queue">`) {
				b.Fatalf("no queue in %s", bc.path)
			}
			measure(b, func() { get(b, s, bc.c, bc.path, http.StatusOK) })
		})
	}
}

// BenchmarkDossierPage renders the dossier screen of dossiers spread over
// the 100,000, returned and open.
func BenchmarkDossierPage(b *testing.B) {
	s := benchDesk(b)
	c := cookieOf(b, s, "bench.a")
	var paths []string
	for d, err := range s.store.List(context.Background(), dossier.Filter{ReceivedFrom: time.Date(2025, 9, 1, 0, 0, 0, 0, sla.ICT)}) {
		if err != nil {
			b.Fatal(err)
		}
		if d.Code.Agency == defaultAgency && len(paths) < 500 && d.Code.Seq%7 == 0 {
			paths = append(paths, "/ho-so/"+d.Code.String())
		}
	}
	i := 0
	measure(b, func() {
		get(b, s, c, paths[i%len(paths)], http.StatusOK)
		i++
	})
}

// BenchmarkSignIn is a whole sign-in through the form: the throttle's
// check, the account, argon2id at the documented parameters, the session.
func BenchmarkSignIn(b *testing.B) {
	s := benchDesk(b)
	body := url.Values{"username": {"bench.a"}, "password": {testPassword}}.Encode()
	measure(b, func() {
		req := httptest.NewRequest("POST", "/dang-nhap", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusSeeOther {
			b.Fatalf("sign-in: %d %.300s", w.Code, w.Body)
		}
	})
}

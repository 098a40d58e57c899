package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

// config is what a server is made of.
type config struct {
	// Backend keeps the dossiers and ratings. Required.
	Backend backend
	// Catalog holds the procedures the desk offers. Defaults to
	// procedure.Sample().
	Catalog *procedure.Catalog
	// Calendar computes due times. Defaults to sla.Default().
	Calendar *sla.Calendar
	// Agencies are the desks the centre hosts: each officer works for one,
	// whose e-ID the codes of the dossiers they receive are issued under and
	// whose name heads their receipts. Defaults to one agency,
	// 000.00.01.H26, "Bộ phận tiếp nhận và trả kết quả".
	Agencies []agency
	// BehindTLS says that a proxy in front serves the pages over TLS, so
	// that session cookies are Secure. Defaults to false: they are Secure
	// only on requests that came over TLS.
	BehindTLS bool
	// Logger gets one line per request and every failure. Defaults to
	// slog.Default().
	Logger *slog.Logger
	// Now tells the time; tests fix it. Defaults to time.Now.
	Now func() time.Time
	// WriteTimeout is the http.Server's: an answer still being made when it
	// has passed cannot reach the client, and the request is logged so.
	// Defaults to 0, no limit.
	WriteTimeout time.Duration
	// Public is the citizens' side: the address of the lookup, the limits of
	// the public routes and the proxies trusted to name the client.
	Public publicConfig
	// Place is the place name the forms are dated at ("Hà Nội, ngày …").
	// Defaults to dots, to be filled in by hand.
	Place string
}

// The agency of a server given none.
const (
	defaultAgency     = "000.00.01.H26"
	defaultAgencyName = "Bộ phận tiếp nhận và trả kết quả"
)

// A server is the one-stop desk's HTTP service. It is an http.Handler and is
// safe for concurrent use.
type server struct {
	svc        *dossier.Service            // the first agency's, for reading
	services   map[string]*dossier.Service // each agency's, by e-ID, for acting
	store      backend
	ratings    rating.Store
	desk       *deskStore
	catalog    *procedure.Catalog
	cal        *sla.Calendar
	agencies   *agencyList
	behindTLS  bool
	log        *slog.Logger
	now        func() time.Time
	mux        *http.ServeMux
	pages      *pages
	screens    *screens
	origin     *http.CrossOriginProtection
	routed     http.Handler // mux behind the cross-origin check
	idPrefix   string
	idSeq      atomic.Uint64
	writeLimit time.Duration // the http.Server's WriteTimeout, or 0
	publicURL  string        // the lookup's absolute address, without a trailing slash
	secrets    secrets
	limiter    *limiter
	healthy    healthProbe
	forms      *forms
	place      string
}

func newServer(cfg config) (*server, error) {
	if cfg.Backend == nil {
		return nil, errors.New("server: no backend")
	}
	if cfg.Catalog == nil {
		cfg.Catalog = procedure.Sample()
	}
	if cfg.Calendar == nil {
		cfg.Calendar = sla.Default()
	}
	if len(cfg.Agencies) == 0 {
		cfg.Agencies = []agency{{ID: defaultAgency, Name: defaultAgencyName}}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	agencies, err := newAgencyList(cfg.Agencies)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	services, err := newServices(cfg, agencies)
	if err != nil {
		return nil, err
	}
	pg, err := newPages()
	if err != nil {
		return nil, err
	}
	sc, err := newScreens(cfg.Calendar)
	if err != nil {
		return nil, err
	}
	var prefix [4]byte
	if _, err := rand.Read(prefix[:]); err != nil {
		return nil, err
	}
	s := &server{
		svc: services[agencies.first().ID], services: services, store: cfg.Backend, ratings: cfg.Backend.Ratings(),
		desk: cfg.Backend.Desk(), catalog: cfg.Catalog, cal: cfg.Calendar, agencies: agencies, behindTLS: cfg.BehindTLS,
		log: cfg.Logger, now: cfg.Now, mux: http.NewServeMux(), pages: pg, screens: sc, origin: http.NewCrossOriginProtection(),
		idPrefix: hex.EncodeToString(prefix[:]), writeLimit: cfg.WriteTimeout,
	}
	if err := s.setUpPublic(cfg); err != nil {
		return nil, err
	}
	s.origin.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, errCrossOrigin)
	}))
	s.routes()
	s.routed = s.origin.Handler(s.mux)
	return s, nil
}

// An access says who may use a route, and how it answers a mistake.
type access uint8

const (
	public      access = iota // anyone; problems as application/problem+json
	officerOnly               // an officer's token or session first, then as public
	citizenPage               // anyone; mistakes shown on the lookup page
	officerPage               // a signed-in officer's screen; others are sent to sign in
	signInPage                // the sign-in and sign-out pages; mistakes shown as a screen
)

// routes declares every route with the query parameters it takes; takes
// refuses any other.
func (s *server) routes() {
	for _, rt := range []struct {
		pattern string
		access  access
		handler http.HandlerFunc
		query   []string
	}{
		{"GET /healthz", public, s.health, nil},
		{"GET /api/v1/procedures", public, s.searchProcedures, []string{"q"}},
		{"GET /api/v1/procedures/{code}", public, s.getProcedure, []string{"at"}},
		{"GET /api/v1/due", public, s.due, []string{"received", "duration"}},
		{"POST /api/v1/dossiers", officerOnly, s.idempotent(s.receive), nil},
		{"GET /api/v1/dossiers", officerOnly, s.list, []string{"from", "to", "status", "procedure", "channel", "limit", "cursor"}},
		{"GET /api/v1/dossiers/{code}", officerOnly, s.getDossier, nil},
		{"POST /api/v1/dossiers/{code}/{action}", officerOnly, s.idempotent(s.act), nil},
		{"GET /api/v1/public/dossiers/{code}", public, s.lookup, []string{"secret"}},
		{"POST /api/v1/public/dossiers/{code}/rating", public, s.rate, []string{"secret"}},
		{"GET /api/v1/reports/summary", officerOnly, s.mayAPI(dutyReports, s.withPortalSynced(s.summary)), []string{"from", "to", "format", "agency"}},
		{"GET /api/v1/reports/statistics", officerOnly, s.mayAPI(dutyReports, s.statistics), []string{"from", "to", "by", "format", "agency"}},
		{"GET /api/v1/reports/late", officerOnly, s.mayAPI(dutyReports, s.late), []string{"from", "to", "format", "agency"}},
		{"GET /api/v1/reports/cuts", officerOnly, s.mayAPI(dutyReports, s.cuts), []string{"from", "to", "format", "agency"}},
		{"GET /api/v1/reports/online", officerOnly, s.mayAPI(dutyReports, s.online), []string{"from", "to", "format", "agency"}},
		{"GET /api/v1/reports/index", officerOnly, s.mayAPI(dutyReports, s.index), []string{"from", "to", "format", "agency"}},
		{"GET /api/v1/portal/dead-letters", officerOnly, s.mayAPI(dutyPortal, s.deadLetters), []string{"limit"}},
		{"POST /api/v1/portal/dead-letters/{code}/{event}/retry", officerOnly, s.mayAPI(dutyPortal, s.retryDeadLetter), nil},
		{"GET /dossiers/{code}/receipt", printAccess, s.mayAPI(dutyPrint, s.receipt), nil},
		{"GET /tra-cuu", citizenPage, s.lookupPage, []string{"ma", "secret", "da-danh-gia"}},
		{"POST /tra-cuu", citizenPage, s.ratePage, nil},
		// The printed forms of Thông tư 03/2025/TT-VPCP (forms.go).
		{"GET /ho-so/{code}/mau-01", printAccess, s.mayAPI(dutyPrint, s.form01), nil},
		{"GET /ho-so/{code}/mau-02", printAccess, s.mayAPI(dutyPrint, s.form02), nil},
		{"GET /ho-so/{code}/mau-03", printAccess, s.mayAPI(dutyPrint, s.form03), nil},
		{"GET /ho-so/{code}/mau-04", printAccess, s.mayAPI(dutyPrint, s.form04), nil},
		{"GET /ho-so/{code}/mau-05", printAccess, s.mayAPI(dutyPrint, s.form05), nil},
		{"GET /ho-so/{code}/mau-06", printAccess, s.mayAPI(dutyPrint, s.form06), nil},
		{"GET /so-theo-doi", printAccess, s.mayAPI(dutyPrint, s.form07), []string{"from", "to"}},

		// The officers' desk: sign-in, screens and account (auth.go, screens.go).
		{"GET /dang-nhap", signInPage, s.signInPage, []string{"tiep", "da-dang-xuat"}},
		{"POST /dang-nhap", signInPage, s.signIn, nil},
		{"POST /dang-xuat", officerPage, s.signOut, nil},
		{"GET /{$}", officerPage, s.queuePage, []string{"loc", "trang", "co-quan"}},
		{"GET /tiep-nhan", officerPage, s.may(dutyReceive, s.receivePage), []string{"q", "thu-tuc"}},
		{"POST /tiep-nhan", officerPage, s.may(dutyReceive, s.receiveOnce(s.receiveForm)), nil},
		{"GET /ho-so/{code}", officerPage, s.dossierPage, []string{"da-ghi"}},
		{"POST /ho-so/{code}", officerPage, s.dossierAction, nil},
		{"GET /bao-cao", officerPage, s.may(dutyReports, s.reportsPage), []string{"tu", "den", "nhom", "co-quan"}},
		{"GET /tai-khoan", officerPage, s.accountPage, nil},
		{"POST /tai-khoan", officerPage, s.accountForm, nil},
	} {
		refuse := writeProblem
		switch rt.access {
		case citizenPage:
			refuse = func(w http.ResponseWriter, r *http.Request, p *problem) { s.failPage(w, r, "", p.Status, p.Detail) }
		case officerPage, signInPage:
			refuse = func(w http.ResponseWriter, r *http.Request, p *problem) { s.failScreen(w, r, p) }
		}
		h := takes(rt.handler, refuse, rt.query...)
		switch rt.access {
		case officerOnly:
			h = s.officer(h)
		case officerPage:
			h = s.officerPage(h)
		}
		s.mux.Handle(rt.pattern, h)
	}
}

// ServeHTTP gives every request an ID and a logger, logs it when it is done,
// turns a panic into a 500, sets the security headers, refuses cross-site
// form posts, and answers unknown paths and methods with problems.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := s.requestID(r)
	log := s.log.With("request_id", id)
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, &reqInfo{id: id, log: log}))
	rw := &recorder{ResponseWriter: w}
	h := rw.Header()
	h.Set("X-Request-ID", id)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

	defer func() {
		v := recover()
		if v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			log.Error("panic", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rw.status != 0 {
				// Part of the answer is out: cut the connection so that the
				// client does not take it for a whole one.
				s.logRequest(log, r, rw, start)
				panic(http.ErrAbortHandler)
			}
			writeProblem(rw, r, errInternal)
		}
		s.logRequest(log, r, rw, start)
	}()

	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.noRoute(rw, r)
		return
	}
	s.routed.ServeHTTP(rw, r)
}

// statusClientClosed is logged for a request whose client went away before
// its answer was out: "499 Client Closed Request", as nginx logs it.
const statusClientClosed = 499

// logRequest logs a request once it is done, with the status its client got
// and its outcome: "ok"; "client_gone" (a warning) when the client closed
// the connection first; "write_timeout" (an error, logged as 503) when the
// write deadline passed, so that what the handler wrote, even a 200, never
// reached the client.
func (s *server) logRequest(log *slog.Logger, r *http.Request, rw *recorder, start time.Time) {
	elapsed := time.Since(start)
	level, status, outcome := slog.LevelInfo, cmp.Or(rw.status, http.StatusOK), "ok"
	switch {
	case errors.Is(rw.err, os.ErrDeadlineExceeded), s.writeLimit > 0 && elapsed >= s.writeLimit:
		level, status, outcome = slog.LevelError, http.StatusServiceUnavailable, "write_timeout"
	case rw.err != nil, r.Context().Err() != nil:
		level, status, outcome = slog.LevelWarn, statusClientClosed, "client_gone"
	}
	log.LogAttrs(r.Context(), level, "request",
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.String("outcome", outcome),
		slog.Int64("bytes", rw.bytes),
		slog.Float64("ms", float64(elapsed.Microseconds())/1000),
		slog.String("remote_addr", r.RemoteAddr),
	)
}

// noRoute answers a request no route matches, as the mux would (404, or 405
// with Allow), but as a problem.
func (s *server) noRoute(w http.ResponseWriter, r *http.Request) {
	h, _ := s.mux.Handler(r)
	probe := &probeWriter{header: http.Header{}}
	h.ServeHTTP(probe, r)
	if probe.status == http.StatusMethodNotAllowed {
		p := *errMethod
		p.allow = probe.header.Get("Allow")
		writeProblem(w, r, &p)
		return
	}
	writeProblem(w, r, errNoRoute)
}

// probeWriter takes what the mux's own 404 and 405 handlers write.
type probeWriter struct {
	header http.Header
	status int
}

func (p *probeWriter) Header() http.Header         { return p.header }
func (p *probeWriter) Write(b []byte) (int, error) { return len(b), nil }
func (p *probeWriter) WriteHeader(status int)      { p.status = status }

// recorder notes the status and size of a response for the log, and the
// first write that failed.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	err    error
}

func (rw *recorder) WriteHeader(status int) {
	if rw.status == 0 {
		rw.status = status
	}
	rw.ResponseWriter.WriteHeader(status)
}

func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(b)
	rw.bytes += int64(n)
	if rw.err == nil {
		rw.err = err
	}
	return n, err
}

func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// requestID keeps an ID a proxy in front gave the request, if it is short
// and plain, and otherwise makes one: a random prefix per process and a
// counter.
func (s *server) requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-ID"); id != "" && len(id) <= 64 && plainID(id) {
		return id
	}
	return s.idPrefix + "-" + strconv.FormatUint(s.idSeq.Add(1), 10)
}

func plainID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

type ctxKey struct{}

type reqInfo struct {
	id  string
	log *slog.Logger
}

func requestID(ctx context.Context) string {
	if ri, ok := ctx.Value(ctxKey{}).(*reqInfo); ok {
		return ri.id
	}
	return ""
}

func logger(ctx context.Context) *slog.Logger {
	if ri, ok := ctx.Value(ctxKey{}).(*reqInfo); ok {
		return ri.log
	}
	return slog.Default()
}

// bearer takes the token out of an Authorization header "Bearer <token>".
func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

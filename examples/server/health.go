package main

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/motcua/motcua/dossier/sqlstore"
)

// healthTimeout bounds each probe of the store.
const healthTimeout = 2 * time.Second

// probeEvery is how often /healthz probes the store at most: answers in
// between reuse the last probe, so that a client polling /healthz cannot
// make the server write faster than once a second.
const probeEvery = time.Second

// storeRetryAfter is the Retry-After, in seconds, of an answer that the
// store could not give.
const storeRetryAfter = 5

// errStoreDown answers a request the store could not serve because it does
// not answer or takes no writes: a database outage, a lost connection, a
// read-only or full disk. The client may retry.
var errStoreDown = &problem{
	Type: problemType("unavailable"), Title: "Dịch vụ tạm ngừng", Status: http.StatusServiceUnavailable,
	Detail:     "Cơ sở dữ liệu tạm thời không phục vụ được yêu cầu này. Xin thử lại sau ít phút.",
	retryAfter: strconv.Itoa(storeRetryAfter),
}

// errUnhealthy answers /healthz when the store fails its probe.
var errUnhealthy = &problem{
	Type: errUnavailable.Type, Title: errUnavailable.Title, Status: errUnavailable.Status,
	Detail: errUnavailable.Detail, retryAfter: strconv.Itoa(storeRetryAfter),
}

// A healthProbe remembers the last probe of the store.
type healthProbe struct {
	mu  sync.Mutex
	at  time.Time
	err error
}

// health answers GET /healthz: 200 when the store answers a read and takes
// a write, 503 with Retry-After otherwise. The write is an upsert of one
// row of the server's table server_settings, so that a database that reads
// but cannot write (a read-only file, a full disk, a standby) is not
// reported healthy while every receipt would fail.
func (s *server) health(w http.ResponseWriter, r *http.Request) {
	if err := s.probe(r.Context()); err != nil {
		logger(r.Context()).Warn("store is not healthy", "err", err)
		writeProblem(w, r, errUnhealthy)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// probe reads and writes the store, or returns the result of a probe made
// less than probeEvery ago.
func (s *server) probe(ctx context.Context) error {
	s.healthy.mu.Lock()
	defer s.healthy.mu.Unlock()
	now := time.Now()
	if !s.healthy.at.IsZero() && now.Sub(s.healthy.at) < probeEvery && now.After(s.healthy.at) {
		return s.healthy.err
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	err := s.store.Ping(ctx)
	if err == nil {
		err = probeWrite(ctx, s.store, now)
	}
	if ctx.Err() != nil && err != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return err // the client went away: its answer tells nothing of the store
	}
	s.healthy.at, s.healthy.err = now, err
	return err
}

// probeWrite writes one row of server_settings, in a transaction of its
// own; a backend that is not SQL takes every write.
func probeWrite(ctx context.Context, b backend, now time.Time) error {
	sdb, ok := b.(settingsDB)
	if !ok {
		return nil
	}
	p := placeholders(sdb.Dialect(), 2)
	_, err := sdb.DB().ExecContext(ctx, fmt.Sprintf(
		`INSERT INTO server_settings (name, value) VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, p...),
		"health-probe", now.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("the store takes no writes: %w", err)
	}
	return nil
}

// storeUnavailable reports an error that means the database cannot serve
// now, rather than a mistake in the request or a bug: the connection was
// refused, lost or timed out (net.Error, driver.ErrBadConn, io.EOF from a
// closed connection), the store is closed, PostgreSQL is shutting down,
// starting, or out of connections (SQLSTATE classes 08 and 57P, and 53300),
// or SQLite is busy, read-only, or out of disk. Errors are matched by their
// standard types and methods, so the server imports no driver.
func storeUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var (
		ne net.Error
		st interface{ SQLState() string }
		sc interface{ Code() int }
	)
	switch {
	case errors.Is(err, context.Canceled):
		return false // the client went away
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sqlstore.ErrClosed),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.EROFS), errors.Is(err, syscall.ENOSPC):
		return true
	case errors.As(err, &ne):
		return true
	case errors.As(err, &st):
		code := st.SQLState()
		return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "57P") || code == "53300" || code == "25006"
	case errors.As(err, &sc):
		switch sc.Code() & 0xff {
		case 5, 6, 8, 10, 13, 14: // SQLITE_BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN
			return true
		}
	}
	return false
}

package main

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
)

// logLines returns the log records of the request with the ID, as the JSON
// handler wrote them.
func (d *desk) logLines(id string) []map[string]any {
	var out []map[string]any
	for line := range strings.Lines(d.logs.String()) {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["request_id"] == id {
			out = append(out, rec)
		}
	}
	return out
}

// requestLine returns the request's own line, once it is written.
func (d *desk) requestLine(t *testing.T, id string) map[string]any {
	t.Helper()
	var line map[string]any
	require.Eventually(t, func() bool {
		for _, rec := range d.logLines(id) {
			if rec["msg"] == "request" {
				line = rec
				return true
			}
		}
		return false
	}, 10*time.Second, 10*time.Millisecond)
	return line
}

// send makes a request with the ID and the officers' token and ignores what
// becomes of it.
func (d *desk) send(ctx context.Context, path, id string) {
	req, err := http.NewRequestWithContext(ctx, "GET", d.http.URL+path, nil)
	require.NoError(d.t, err)
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("X-Request-ID", id)
	if resp, err := d.http.Client().Do(req); err == nil {
		resp.Body.Close()
	}
}

// slowBackend lists dossiers as a busy database does: it tells when a
// listing has started and answers after the delay, or when the request is
// cancelled, with the driver's error.
type slowBackend struct {
	backend
	delay   time.Duration
	started chan struct{}
}

func (b slowBackend) List(ctx context.Context, f dossier.Filter) iter.Seq2[*dossier.Dossier, error] {
	return func(yield func(*dossier.Dossier, error) bool) {
		select {
		case b.started <- struct{}{}:
		default:
		}
		select {
		case <-ctx.Done():
			yield(nil, ctx.Err())
		case <-time.After(b.delay):
			for d, err := range b.backend.List(ctx, f) {
				if !yield(d, err) {
					return
				}
			}
		}
	}
}

// TestLogClientGone: a client that goes away before its answer is logged as
// such, a warning with status 499, not as a failure of the server.
func TestLogClientGone(t *testing.T) {
	t.Parallel()
	b := slowBackend{backend: sqliteBackend(t), delay: time.Minute, started: make(chan struct{}, 1)}
	d := newDeskOn(t, b)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-b.started
		cancel()
	}()
	d.send(ctx, "/api/v1/dossiers", "client-gone-1")

	line := d.requestLine(t, "client-gone-1")
	assert.Equal(t, "WARN", line["level"])
	assert.Equal(t, float64(499), line["status"])
	assert.Equal(t, "client_gone", line["outcome"])
	assert.Contains(t, line["remote_addr"], "127.0.0.1:")
	for _, rec := range d.logLines("client-gone-1") {
		assert.NotEqual(t, "ERROR", rec["level"], "%v", rec)
	}
}

// TestLogOutcome: an answer that is out is logged with its status, the
// client's address and outcome ok; one still being made when the write
// timeout passes never reaches the client, and is logged so rather than as
// a 200, whether it was still in the buffer or already being written.
func TestLogOutcome(t *testing.T) {
	t.Parallel()
	const timeout = time.Second
	b := slowBackend{backend: sqliteBackend(t), delay: 2 * timeout, started: make(chan struct{}, 1)}
	d := newDeskOn(t, b, func(c *config) { c.WriteTimeout = timeout })
	d.srv.mux.HandleFunc("GET /big", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * timeout)
		chunk := []byte(strings.Repeat("x", 64<<10))
		for range 64 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	tests := []struct {
		name, path, level, outcome string
		status                     float64
	}{
		{"ok", "/healthz", "INFO", "ok", 200},
		{"mistake", "/api/v1/dossiers?limit=0", "INFO", "ok", 400},
		{"buffered", "/api/v1/dossiers", "ERROR", "write_timeout", 503},
		{"written", "/big", "ERROR", "write_timeout", 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := "outcome-" + tt.name
			d.send(context.Background(), tt.path, id)
			line := d.requestLine(t, id)
			assert.Equal(t, tt.level, line["level"])
			assert.Equal(t, tt.status, line["status"])
			assert.Equal(t, tt.outcome, line["outcome"])
			assert.Contains(t, line["remote_addr"], "127.0.0.1:")
		})
	}
}

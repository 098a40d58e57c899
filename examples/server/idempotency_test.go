package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countDossiers counts the dossiers in the store.
func countDossiers(t testing.TB, st dossier.Store) int {
	t.Helper()
	n := 0
	for _, err := range st.List(context.Background(), dossier.Filter{}) {
		require.NoError(t, err)
		n++
	}
	return n
}

// A receipt retried with its key is the first receipt: the same answer,
// marked as replayed, and no second dossier. The same key with another body
// is a 422; the key of another officer is another key.
func TestIdempotentReceipt(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	const key = "2f6c1a0e-6b7d-4c1e-9a55-3d0b8e1f7c42"
	first := d.request("POST", "/api/v1/dossiers", anIntake("Nguyễn Văn An"), true, "Idempotency-Key", key)
	require.Equal(t, http.StatusCreated, first.status, "%s", first.body)
	assert.Empty(t, first.header.Get("Idempotent-Replayed"))

	again := d.request("POST", "/api/v1/dossiers", anIntake("Nguyễn Văn An"), true, "Idempotency-Key", key)
	require.Equal(t, http.StatusCreated, again.status, "%s", again.body)
	assert.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
	assert.Equal(t, string(first.body), string(again.body))
	assert.Equal(t, first.header.Get("Location"), again.header.Get("Location"))
	assert.Equal(t, first.header.Get("Content-Type"), again.header.Get("Content-Type"))
	assert.Equal(t, 1, countDossiers(t, d.store), "the retry made no second dossier")

	p := requireProblem(t, d.request("POST", "/api/v1/dossiers", anIntake("Trần Thị Bình"), true, "Idempotency-Key", key),
		http.StatusUnprocessableEntity)
	assert.Equal(t, "urn:motcua:problem:idempotency-key-reused", p["type"])
	assert.Equal(t, 1, countDossiers(t, d.store))

	// Quoted as a structured-field string, it is the same key.
	quoted := d.request("POST", "/api/v1/dossiers", anIntake("Nguyễn Văn An"), true, "Idempotency-Key", `"`+key+`"`)
	assert.Equal(t, "true", quoted.header.Get("Idempotent-Replayed"))

	other := d.officerToken("thuy", "Lê Thị Thủy", byOneStop)
	req := func(token string) reply {
		return d.requestAs("POST", "/api/v1/dossiers", anIntake("Nguyễn Văn An"), "Authorization", "Bearer "+token, "Idempotency-Key", key)
	}
	r := req(other)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Empty(t, r.header.Get("Idempotent-Replayed"), "another officer's key is another key")
	assert.Equal(t, 2, countDossiers(t, d.store))

	// Without the header every request acts.
	d.receive(anIntake("Nguyễn Văn An"))
	assert.Equal(t, 3, countDossiers(t, d.store))
}

// An action retried with its key adds no second event, and a retry after
// the dossier moved on still gets the first answer, not a 412 or a 409.
func TestIdempotentAction(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	code := d.receive(anIntake("Nguyễn Văn An"))
	transfer := map[string]string{"to": "Phòng Kinh tế"}
	first := d.request("POST", "/api/v1/dossiers/"+code+"/transfer", transfer, true, "Idempotency-Key", "chuyen-1", "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, first.status, "%s", first.body)
	assert.Equal(t, `"2"`, first.header.Get("ETag"))

	again := d.request("POST", "/api/v1/dossiers/"+code+"/transfer", transfer, true, "Idempotency-Key", "chuyen-1", "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, again.status, "%s", again.body)
	assert.Equal(t, `"2"`, again.header.Get("ETag"))
	assert.Equal(t, string(first.body), string(again.body))
	got, err := d.store.Get(context.Background(), mustCode(t, code))
	require.NoError(t, err)
	assert.Equal(t, 2, got.Version, "the retry added no event")

	// Another If-Match or another action is another request.
	for _, r := range []reply{
		d.request("POST", "/api/v1/dossiers/"+code+"/transfer", transfer, true, "Idempotency-Key", "chuyen-1", "If-Match", `"2"`),
		d.request("POST", "/api/v1/dossiers/"+code+"/resolve", nil, true, "Idempotency-Key", "chuyen-1"),
	} {
		requireProblem(t, r, http.StatusUnprocessableEntity)
	}
	got, err = d.store.Get(context.Background(), mustCode(t, code))
	require.NoError(t, err)
	assert.Equal(t, 2, got.Version)
}

func mustCode(t testing.TB, s string) dossier.Code {
	t.Helper()
	c, err := dossier.ParseCode(s)
	require.NoError(t, err)
	return c
}

// Keys are in the database: a retry after a restart gets the first answer.
// After idempotencyKeep, the key is free again.
func TestIdempotencyKeySurvivesRestart(t *testing.T) {
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "motcua.db")
	open := func() *desk {
		b, err := openBackend(context.Background(), dsn)
		require.NoError(t, err)
		return newDeskOn(t, b)
	}
	d := open()
	first := d.request("POST", "/api/v1/dossiers", anIntake("Nguyễn Văn An"), true, "Idempotency-Key", "k-42")
	require.Equal(t, http.StatusCreated, first.status, "%s", first.body)
	d.http.Close()
	require.NoError(t, d.store.Close())

	d = open()
	t.Cleanup(func() { assert.NoError(t, d.store.Close()) })
	again := d.request("POST", "/api/v1/dossiers", anIntake("Nguyễn Văn An"), true, "Idempotency-Key", "k-42")
	require.Equal(t, http.StatusCreated, again.status, "%s", again.body)
	assert.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
	assert.Equal(t, string(first.body), string(again.body))
	assert.Equal(t, 1, countDossiers(t, d.store))

	d.clock.Set(monday0900.Add(idempotencyKeep + time.Minute))
	later := d.request("POST", "/api/v1/dossiers", anIntake("Nguyễn Văn An"), true, "Idempotency-Key", "k-42")
	require.Equal(t, http.StatusCreated, later.status, "%s", later.body)
	assert.Empty(t, later.header.Get("Idempotent-Replayed"), "a key older than %v is forgotten", idempotencyKeep)
	assert.Equal(t, 2, countDossiers(t, d.store))
}

// Retries sent together make one dossier: one request runs, the others get
// its answer or a 409 that asks them to come back.
func TestIdempotencyConcurrentRetries(t *testing.T) {
	t.Parallel()
	concurrentRetries(t, newDesk(t))
}

// On PostgreSQL too, whose upsert and isolation differ from SQLite's.
func TestPostgresIdempotency(t *testing.T) {
	t.Parallel()
	d := newDeskOn(t, postgresBackend(t))
	concurrentRetries(t, d)
	again := d.request("POST", "/api/v1/dossiers", anIntake("Nguyễn Văn An"), true, "Idempotency-Key", "cung-luc")
	assert.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
	requireProblem(t, d.request("POST", "/api/v1/dossiers", anIntake("Trần Thị Bình"), true, "Idempotency-Key", "cung-luc"),
		http.StatusUnprocessableEntity)
	assert.Equal(t, 1, countDossiers(t, d.store))
}

func concurrentRetries(t *testing.T, d *desk) {
	t.Helper()
	const n = 8
	var wg sync.WaitGroup
	replies := make([]reply, n)
	for i := range n {
		wg.Go(func() {
			replies[i] = d.request("POST", "/api/v1/dossiers", anIntake("Nguyễn Văn An"), true, "Idempotency-Key", "cung-luc")
		})
	}
	wg.Wait()
	created := 0
	for _, r := range replies {
		switch r.status {
		case http.StatusCreated:
			if r.header.Get("Idempotent-Replayed") == "" {
				created++
			}
		case http.StatusConflict:
			p := requireProblem(t, r, http.StatusConflict)
			assert.Equal(t, "urn:motcua:problem:idempotency-key-in-flight", p["type"])
			assert.Equal(t, "1", r.header.Get("Retry-After"))
		default:
			t.Errorf("status %d: %s", r.status, r.body)
		}
	}
	assert.Equal(t, 1, created, "one request ran")
	assert.Equal(t, 1, countDossiers(t, d.store))
}

// An answer a retry may change is not kept: after a 503, a 409, a 403 or
// a 404 the key runs again; a 400 is kept, as the same request would get
// it again.
func TestIdempotencyKeepsOnlyFinalAnswers(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	statuses := []int{http.StatusServiceUnavailable, http.StatusConflict, http.StatusForbidden, http.StatusNotFound,
		http.StatusCreated, http.StatusBadRequest}
	var runs int
	h := d.srv.officer(d.srv.idempotent(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(statuses[runs])
		_, _ = w.Write([]byte("run " + http.StatusText(statuses[runs])))
		runs++
	}))
	send := func(key string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/api/v1/dossiers", strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		w := httptest.NewRecorder()
		h(w, req)
		return w
	}
	for _, want := range statuses[:5] {
		assert.Equal(t, want, send("k").Code)
	}
	r := send("k")
	assert.Equal(t, http.StatusCreated, r.Code, "the 201 is kept")
	assert.Equal(t, "run Created", r.Body.String())
	assert.Equal(t, "text/plain", r.Header().Get("Content-Type"))
	assert.Equal(t, 5, runs)

	assert.Equal(t, http.StatusBadRequest, send("k2").Code)
	assert.Equal(t, http.StatusBadRequest, send("k2").Code)
	assert.Equal(t, 6, runs, "the 400 was kept")
}

// A claim never answered (the process died during its request) holds the
// key for idempotencyAbandon, then frees it.
func TestIdempotencyAbandonedClaim(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	ds := d.store.Desk()
	at := func(t time.Time, fp string) claim {
		return claim{username: "canbo", key: "k", fingerprint: fp, at: micros(t)}
	}
	first := at(monday0900, "fp")
	a, err := ds.claimKey(ctx, first)
	require.NoError(t, err)
	require.Nil(t, a)
	_, err = ds.claimKey(ctx, at(monday0900.Add(idempotencyAbandon-time.Second), "fp"))
	require.ErrorIs(t, err, errIdempotencyInFlight)
	// The same request retried: the same fingerprint, a later claim.
	second := at(monday0900.Add(idempotencyAbandon), "fp")
	a, err = ds.claimKey(ctx, second)
	require.NoError(t, err)
	assert.Nil(t, a, "claimed again")

	// The first request ends at last: its answer is not the second's.
	ds.settle(ctx, first, &answer{Status: http.StatusCreated, Header: map[string]string{}, Body: []byte("the first")})
	ds.settle(ctx, first, nil)
	_, err = ds.claimKey(ctx, at(monday0900.Add(idempotencyAbandon+time.Second), "fp"))
	require.ErrorIs(t, err, errIdempotencyInFlight, "the second claim stands")
	ds.settle(ctx, second, &answer{Status: http.StatusCreated, Header: map[string]string{}, Body: []byte("the second")})
	a, err = ds.claimKey(ctx, at(monday0900.Add(idempotencyAbandon+time.Second), "fp"))
	require.NoError(t, err)
	require.NotNil(t, a)
	assert.Equal(t, "the second", string(a.Body))
}

// Malformed keys are a 400 and act on nothing.
func TestIdempotencyKeyMalformed(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	for _, k := range []string{`""`, "có dấu", "a b", strings.Repeat("x", maxIdempotencyKey+1), "tab\there"} {
		p := requireProblem(t, d.request("POST", "/api/v1/dossiers", anIntake("Nguyễn Văn An"), true, "Idempotency-Key", k),
			http.StatusBadRequest)
		assert.Equal(t, "urn:motcua:problem:invalid-idempotency-key", p["type"], "key %q", k)
	}
	assert.Equal(t, 0, countDossiers(t, d.store))
}

func FuzzIdempotencyKey(f *testing.F) {
	for _, s := range []string{"2f6c1a0e-6b7d-4c1e-9a55-3d0b8e1f7c42", `"quoted"`, `""`, "a b", "\x00", strings.Repeat("x", 256)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := idempotencyKey([]string{s})
		if err != nil {
			return
		}
		if len(k) == 0 || len(k) > maxIdempotencyKey {
			t.Fatalf("%q read as a key of %d bytes", s, len(k))
		}
		for i := 0; i < len(k); i++ {
			if k[i] <= ' ' || k[i] > '~' {
				t.Fatalf("%q read as %q, with byte %#x", s, k, k[i])
			}
		}
		if k != s && `"`+k+`"` != s {
			t.Fatalf("%q read as %q", s, k)
		}
	})
}

package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
)

// deskOutbox returns the desk's store as the outbox it is.
func deskOutbox(t *testing.T, d *desk) dossier.Outbox {
	t.Helper()
	o, ok := d.store.(dossier.Outbox)
	require.True(t, ok, "the backend keeps an outbox")
	return o
}

// leaseAll leases every entry ready at now.
func leaseAll(t *testing.T, o dossier.Outbox, now time.Time) []dossier.OutboxEntry {
	t.Helper()
	got, _, err := o.Lease(context.Background(), now, time.Minute, 1000)
	require.NoError(t, err)
	return got
}

// portalStates returns the portal state of each event of the dossier, as
// the officer's JSON shows it.
func eventStates(t *testing.T, d *desk, code string) []map[string]any {
	t.Helper()
	r := d.officer("GET", "/api/v1/dossiers/"+code, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var out []map[string]any
	for _, e := range r.json(t)["events"].([]any) {
		p, ok := e.(map[string]any)["portal"].(map[string]any)
		require.True(t, ok, "every event says where it stands with the portal: %s", r.body)
		out = append(out, p)
	}
	return out
}

func states(ps []map[string]any) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p["state"].(string))
	}
	return out
}

// The officer's JSON of a dossier says, per event, whether the portal has
// it, and if not, why: waiting, failing with its retry time, a dead letter
// or held behind one. The answers to an action do not read the outbox.
func TestEventPortalState(t *testing.T) {
	t.Parallel()
	for name, newDesk := range map[string]func(t testing.TB) *desk{
		"SQLite": func(t testing.TB) *desk { return newDesk(t) },
		"memory": func(t testing.TB) *desk { return newDeskOn(t, memoryBackendOf(t)) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := newDesk(t)
			o := deskOutbox(t, d)
			ctx := context.Background()
			code := d.receive(anIntake("Nguyễn Thị Lan"))
			r := d.officer("POST", "/api/v1/dossiers/"+code+"/transfer", map[string]string{"to": "Phòng Kinh tế"})
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			assert.NotContains(t, r.String(), `"portal"`, "an action's answer leaves the outbox alone")
			assert.Equal(t, []string{"pending", "pending"}, states(eventStates(t, d, code)))

			now := d.clock.Now()
			got := leaseAll(t, o, now)
			require.Len(t, got, 1)
			require.NoError(t, o.Ack(ctx, got...))
			got = leaseAll(t, o, now)
			require.Len(t, got, 1)
			retry := now.Add(time.Minute)
			require.NoError(t, o.Fail(ctx, got[0], "portal: the portal answered 503 Service Unavailable", retry))
			ps := eventStates(t, d, code)
			assert.Equal(t, []string{"delivered", "retrying"}, states(ps))
			assert.Equal(t, true, ps[0]["delivered"])
			assert.Equal(t, "Đã gửi lên Cổng Dịch vụ công quốc gia", ps[0]["stateText"])
			assert.Equal(t, false, ps[1]["delivered"])
			assert.Equal(t, float64(1), ps[1]["attempts"])
			assert.Equal(t, "portal: the portal answered 503 Service Unavailable", ps[1]["lastError"])
			assert.Equal(t, "2025-10-06T09:01:00+07:00", ps[1]["retryAt"])

			r = d.officer("POST", "/api/v1/dossiers/"+code+"/resolve", nil)
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			got = leaseAll(t, o, retry)
			require.Len(t, got, 1)
			require.NoError(t, o.Bury(ctx, got[0], "portal: the portal answered 400 Bad Request"))
			ps = eventStates(t, d, code)
			assert.Equal(t, []string{"delivered", "dead", "held"}, states(ps))
			assert.Equal(t, float64(2), ps[1]["attempts"])
			assert.Equal(t, false, ps[2]["delivered"])
		})
	}
}

// An officer lists the dead letters and sends one again; what is not a
// dead letter cannot be retried; both routes are the officers'.
func TestDeadLetters(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	admin := d.officerToken("quantri", "Quản Trị", byAdmin) // the portal's dead letters are the administrator's
	o := deskOutbox(t, d)
	ctx := context.Background()
	var codes []string
	for _, name := range []string{"Lê Văn Tám", "Phạm Thị Hà", "Đỗ Minh Khôi"} {
		codes = append(codes, d.receive(anIntake(name)))
	}
	r := d.officer("POST", "/api/v1/dossiers/"+codes[0]+"/transfer", map[string]string{"to": "Phòng Kinh tế"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)

	r = d.as(admin, "GET", "/api/v1/portal/dead-letters", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.JSONEq(t, `{"items": []}`, r.String())

	now := d.clock.Now()
	got := leaseAll(t, o, now)
	require.Len(t, got, 3)
	for _, e := range got[:2] {
		require.NoError(t, o.Bury(ctx, e, "portal: the portal answered 400 Bad Request: MaTTHC không tồn tại"))
	}
	require.NoError(t, o.Ack(ctx, got[2]))

	r = d.as(admin, "GET", "/api/v1/portal/dead-letters", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	items := r.json(t)["items"].([]any)
	require.Len(t, items, 2)
	first := items[0].(map[string]any)
	assert.Equal(t, codes[0], first["code"], "by code")
	assert.Equal(t, codes[0]+"#1", first["key"])
	assert.Equal(t, float64(1), first["event"])
	assert.Equal(t, float64(1), first["attempts"])
	assert.Equal(t, float64(1), first["behind"], "the transfer waits behind it")
	assert.Contains(t, first["lastError"], "MaTTHC không tồn tại")
	assert.Equal(t, "/api/v1/portal/dead-letters/"+codes[0]+"/1/retry", first["retry"])
	assert.Equal(t, codes[1], items[1].(map[string]any)["code"])

	r = d.as(admin, "GET", "/api/v1/portal/dead-letters?limit=1", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	page := r.json(t)
	assert.Len(t, page["items"], 1)
	assert.Equal(t, true, page["more"])

	requireProblem(t, d.officer("POST", first["retry"].(string), nil), http.StatusForbidden) // not an administrator
	r = d.as(admin, "POST", first["retry"].(string), nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "pending", r.json(t)["portal"].(map[string]any)["state"])
	assert.Contains(t, d.logs.String(), `"msg":"dead letter retried"`)
	assert.Equal(t, []string{"pending", "pending"}, states(eventStates(t, d, codes[0])))
	again := leaseAll(t, o, now)
	require.Len(t, again, 1)
	assert.Equal(t, codes[0], again[0].Code.String(), "retried: ready at once")
	assert.Zero(t, again[0].Attempts)

	for _, tt := range []struct {
		name, path string
		status     int
		problem    string
	}{
		{"retried already", first["retry"].(string), http.StatusNotFound, "not-found"},
		{"delivered", "/api/v1/portal/dead-letters/" + codes[2] + "/1/retry", http.StatusNotFound, "not-found"},
		{"held behind", "/api/v1/portal/dead-letters/" + codes[1] + "/2/retry", http.StatusNotFound, "not-found"},
		{"bad code", "/api/v1/portal/dead-letters/H26-1/1/retry", http.StatusBadRequest, "invalid-code"},
		{"bad event", "/api/v1/portal/dead-letters/" + codes[1] + "/zero/retry", http.StatusBadRequest, "invalid-value"},
		{"event 0", "/api/v1/portal/dead-letters/" + codes[1] + "/0/retry", http.StatusBadRequest, "invalid-value"},
	} {
		p := requireProblem(t, d.as(admin, "POST", tt.path, nil), tt.status)
		assert.Equal(t, "urn:motcua:problem:"+tt.problem, p["type"], tt.name)
	}
	p := requireProblem(t, d.as(admin, "POST", "/api/v1/portal/dead-letters/"+codes[1]+"/1/retry", `{"force": true}`), http.StatusBadRequest)
	assert.Contains(t, p["type"], "unknown-field")
	requireProblem(t, d.as(admin, "GET", "/api/v1/portal/dead-letters?limit=0", nil), http.StatusBadRequest)
	requireProblem(t, d.as(admin, "GET", "/api/v1/portal/dead-letters?page=2", nil), http.StatusBadRequest)

	for _, rt := range []struct{ method, path string }{
		{"GET", "/api/v1/portal/dead-letters"},
		{"POST", "/api/v1/portal/dead-letters/" + codes[1] + "/1/retry"},
	} {
		requireProblem(t, d.public(rt.method, rt.path, nil), http.StatusUnauthorized)
	}
	assert.Len(t, leaseAll(t, o, now), 0, "a refused retry changed nothing")
}

// The summary report's JSON says how many of the period's dossiers the
// portal has whole; its text form is as it was.
func TestSummaryPortalSynced(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	o := deskOutbox(t, d)
	ctx := context.Background()
	var codes []string
	for _, name := range []string{"Trịnh Văn Bô", "Hồ Thị Kỷ", "Mai Hắc Đế"} {
		codes = append(codes, d.receive(anIntake(name)))
	}
	r := d.officer("POST", "/api/v1/dossiers/"+codes[0]+"/transfer", map[string]string{"to": "Phòng Kinh tế"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	summary := func() map[string]any {
		t.Helper()
		r := d.officer("GET", "/api/v1/reports/summary?from=2025-10-01&to=2025-10-31", nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		assert.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"))
		rep := r.json(t)
		assert.Equal(t, float64(3), rep["received"].(map[string]any)["total"], "the report is whole")
		return rep["portalSynced"].(map[string]any)
	}
	assert.Equal(t, map[string]any{"received": float64(3), "count": float64(0), "share": float64(0)}, summary())

	now := d.clock.Now()
	got := leaseAll(t, o, now)
	require.Len(t, got, 3)
	require.NoError(t, o.Ack(ctx, got...)) // the three receipts
	assert.Equal(t, map[string]any{"received": float64(3), "count": float64(2), "share": 66.67}, summary(),
		"the transferred dossier has a change left")

	r = d.officer("GET", "/api/v1/reports/summary?from=2025-10-01&to=2025-10-31&format=text", nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.NotContains(t, r.String(), "portalSynced")
	r = d.officer("GET", "/api/v1/reports/summary?from=2025-09-01&to=2025-09-30", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, map[string]any{"received": float64(0), "count": float64(0), "share": float64(0)}, r.json(t)["portalSynced"])
	requireProblem(t, d.officer("GET", "/api/v1/reports/summary?from=2025-10-31&to=2025-10-01", nil), http.StatusBadRequest)
}

func TestAddField(t *testing.T) {
	t.Parallel()
	got, err := addField([]byte("{\n  \"a\": 1\n}\n"), "b", map[string]int{"c": 2})
	require.NoError(t, err)
	assert.Equal(t, "{\n  \"a\": 1,\n  \"b\": {\n    \"c\": 2\n  }\n}\n", string(got))
	got, err = addField([]byte("{}"), "b", 1)
	require.NoError(t, err)
	assert.JSONEq(t, `{"b": 1}`, string(got))
	_, err = addField([]byte("[1]"), "b", 1)
	assert.Error(t, err)
}

// The sync's settings are checked before the server starts.
func TestRunPortalSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no token", []string{"-portal-url", "https://dvc.example.vn/sync"}, nil, portalTokenEnv},
		{"not a URL", []string{"-portal-url", "dvc.example.vn"}, map[string]string{portalTokenEnv: "portal-token"}, "-portal-url"},
		{"lease under timeout", []string{"-portal-url", "https://dvc.example.vn/sync", "-portal-timeout", "1m", "-portal-lease", "30s"},
			map[string]string{portalTokenEnv: "portal-token"}, "LeaseTime"},
		{"negative attempts", []string{"-portal-url", "https://dvc.example.vn/sync", "-portal-attempts", "-1"},
			map[string]string{portalTokenEnv: "portal-token"}, "MaxAttempts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr syncBuffer
			env := map[string]string{"MOTCUA_OFFICER_TOKEN": testToken}
			for k, v := range tt.env {
				env[k] = v
			}
			err := run(context.Background(), append([]string{"-db", "memory", "-addr", "127.0.0.1:0"}, tt.args...), func(k string) string { return env[k] }, &stderr)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.False(t, strings.Contains(err.Error(), "portal-token") || strings.Contains(stderr.String(), "portal-token"), "the token is never shown")
		})
	}
}

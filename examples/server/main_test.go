package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/procedure"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestRunBadSettings(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"procedures":[{"code":"x"}]}`), 0o600))
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"agency", []string{"-agency", "H26 Hà Nội"}, nil, "-agency"},
		{"db", []string{"-db", "mysql://root:hunter2@db/motcua"}, nil, "-db"},
		{"short token", []string{"-db", "memory"}, map[string]string{"MOTCUA_OFFICER_TOKEN": "1234"}, "too short"},
		{"argument", []string{"extra"}, nil, "unexpected argument"},
		{"missing catalogue", []string{"-db", "memory", "-catalog", filepath.Join(t.TempDir(), "none.json")}, nil, "none.json"},
		{"bad catalogue", []string{"-db", "memory", "-catalog", bad}, nil, "-catalog"},
		{"address", []string{"-db", "memory", "-addr", "256.0.0.1:http"}, nil, "256.0.0.1"},
		{"agencies and agency", []string{"-db", "memory", "-agencies", bad, "-agency", "000.00.01.H26"}, nil, "not both"},
		{"agencies and name", []string{"-db", "memory", "-agencies", bad, "-agency-name", "Sở"}, nil, "not both"},
		{"bad agencies", []string{"-db", "memory", "-agencies", bad}, nil, "-agencies"},
		{"missing agencies", []string{"-db", "memory", "-agencies", filepath.Join(t.TempDir(), "none.json")}, nil, "none.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr syncBuffer
			err := run(context.Background(), tt.args, env(tt.env), &stderr)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
}

// TestRunFirstStart: on the first start the server makes the administrator
// and prints its password once, in plain words; the password signs in
// through the form; MOTCUA_OFFICER_TOKEN becomes the administrator's token;
// -catalog is loaded; the server stops cleanly when its context ends.
func TestRunFirstStart(t *testing.T) {
	t.Parallel()
	catalog := filepath.Join(t.TempDir(), "catalog.json")
	f, err := os.Create(catalog)
	require.NoError(t, err)
	require.NoError(t, procedure.Sample().WriteJSON(f))
	require.NoError(t, f.Close())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan error, 1)
	const token = "the-bootstrap-token-0123"
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-db", "memory", "-catalog", catalog},
			env(map[string]string{"MOTCUA_OFFICER_TOKEN": token}), &stderr)
	}()

	var addr string
	require.Eventually(t, func() bool {
		for line := range strings.Lines(stderr.String()) {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				addr = rec.Addr
			}
		}
		return addr != ""
	}, 10*time.Second, 10*time.Millisecond)
	m := passwordLine.FindStringSubmatch(stderr.String())
	require.NotNil(t, m, "%s", stderr.String())
	password := m[1]
	assert.Equal(t, 1, strings.Count(stderr.String(), password), "the password is printed once")
	assert.NotContains(t, stderr.String(), token, "the token is not printed")

	get := func(path, tok string) int {
		req, _ := http.NewRequest("GET", "http://"+addr+path, nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusOK, get("/healthz", ""))
	assert.Equal(t, http.StatusOK, get("/api/v1/reports/summary", token))
	assert.Equal(t, http.StatusUnauthorized, get("/api/v1/reports/summary", token[:len(token)-1]))
	b := signInAt(t, "http://"+addr, "admin", password)
	assert.Contains(t, b.get("/tai-khoan").String(), "Quản trị hệ thống")
	assert.Equal(t, 1, strings.Count(stderr.String(), password), "the password is never printed again")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
	assert.Contains(t, stderr.String(), `"msg":"server stopped"`)
}

func TestHTTPServerTimeouts(t *testing.T) {
	t.Parallel()
	hs := httpServer(http.NotFoundHandler(), discardLogger())
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": hs.ReadHeaderTimeout, "ReadTimeout": hs.ReadTimeout,
		"WriteTimeout": hs.WriteTimeout, "IdleTimeout": hs.IdleTimeout,
	} {
		assert.Positive(t, d, name)
	}
	assert.Positive(t, hs.MaxHeaderBytes)
}

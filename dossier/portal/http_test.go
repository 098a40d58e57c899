package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier/portal"
	"github.com/motcua/motcua/procedure"
)

const token = "s3cret-portal-token"

// batchOf returns the changes of a small dossier's history.
func batchOf(t *testing.T) []portal.Change {
	t.Helper()
	x := household(t)
	r, err := portal.Record(x, procedure.Sample())
	require.NoError(t, err)
	return []portal.Change{{Key: portal.Key(x.Code, x.Version), Code: x.Code, Event: x.Version, Record: r}}
}

// The sender posts the batch as JSON with the bearer token, and a 2xx
// answer is success.
func TestHTTPSenderPosts(t *testing.T) {
	t.Parallel()
	batch := batchOf(t)
	var got []portal.Change
	var header http.Header
	var method string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method, header = r.Method, r.Header.Clone()
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	s, err := portal.NewHTTPSender(portal.HTTPConfig{URL: srv.URL + "/dongbo", Token: token})
	require.NoError(t, err)
	require.NoError(t, s.Send(context.Background(), batch))
	assert.Equal(t, http.MethodPost, method)
	assert.Equal(t, "Bearer "+token, header.Get("Authorization"))
	assert.Contains(t, header.Get("Content-Type"), "application/json")
	assert.Equal(t, batch, got, "the body is the batch")
}

// The JSON body carries each change's key and the record under the
// portal's names.
func TestHTTPSenderBody(t *testing.T) {
	t.Parallel()
	var body []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.NoError(t, json.NewDecoder(r.Body).Decode(&body))
	}))
	defer srv.Close()
	s, err := portal.NewHTTPSender(portal.HTTPConfig{URL: srv.URL, Token: token})
	require.NoError(t, err)
	require.NoError(t, s.Send(context.Background(), batchOf(t)))
	require.Len(t, body, 1)
	assert.Equal(t, "000.00.01.H26-250908-0001#7", body[0]["Key"])
	assert.Equal(t, "000.00.01.H26-250908-0001", body[0]["Code"])
	assert.EqualValues(t, 7, body[0]["Event"])
	record := body[0]["Record"].(map[string]any)
	assert.Equal(t, "000.00.01.H26-250908-0001", record["MaHoSo"])
	assert.Equal(t, "10", record["TrangThaiHoSo"])
}

func TestHTTPSenderStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		body   string
		ok     bool
	}{
		{http.StatusOK, `{"error_code":"0","message":"Thành công"}`, true},
		{http.StatusCreated, "", true},
		{http.StatusNoContent, "", true},
		{http.StatusBadRequest, `{"error_code":"-1","message":"MaTTHC không hợp lệ"}`, false},
		{http.StatusUnauthorized, "token expired", false},
		{http.StatusTooManyRequests, "", false},
		{http.StatusInternalServerError, strings.Repeat("x", 5000), false},
		{http.StatusServiceUnavailable, "", false},
	}
	batch := batchOf(t)
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			s, err := portal.NewHTTPSender(portal.HTTPConfig{URL: srv.URL, Token: token})
			require.NoError(t, err)
			err = s.Send(context.Background(), batch)
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			var se *portal.StatusError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.status, se.StatusCode)
			assert.LessOrEqual(t, len(se.Body), 512, "the body is cut")
			assert.True(t, strings.HasPrefix(tt.body, se.Body))
			assert.NotContains(t, err.Error(), token)
		})
	}
}

// The token never shows: not in errors, not when the sender is printed.
func TestHTTPSenderHidesToken(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A portal that echoes what it got back.
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	}))
	s, err := portal.NewHTTPSender(portal.HTTPConfig{URL: srv.URL + "/api?key=abc", Token: token})
	require.NoError(t, err)
	batch := batchOf(t)
	err = s.Send(context.Background(), batch)
	require.Error(t, err)
	srv.Close()
	down := s.Send(context.Background(), batch)
	require.Error(t, down, "the server is gone")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cancelled := s.Send(ctx, batch)
	require.Error(t, cancelled)
	for _, text := range []string{
		err.Error(), down.Error(), cancelled.Error(),
		fmt.Sprint(s), fmt.Sprintf("%v", *s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), fmt.Sprintf("%#v", *s), s.String(),
	} {
		assert.NotContains(t, text, token)
		assert.NotContains(t, text, "abc", "nor the query")
	}
	assert.Contains(t, s.String(), srv.URL)
}

// A portal that does not answer in time makes Send return the deadline's
// error, which the Syncer counts as no answer (TestSyncerLateAnswer).
func TestHTTPSenderDeadline(t *testing.T) {
	t.Parallel()
	answer := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-answer }))
	defer srv.Close()
	defer close(answer)
	s, err := portal.NewHTTPSender(portal.HTTPConfig{URL: srv.URL, Token: token})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	err = s.Send(ctx, batchOf(t))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotContains(t, err.Error(), token)
}

func TestNewHTTPSender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  portal.HTTPConfig
	}{
		{"no URL", portal.HTTPConfig{Token: token}},
		{"not a URL", portal.HTTPConfig{URL: "://x", Token: token}},
		{"no scheme", portal.HTTPConfig{URL: "dichvucong.gov.vn/api", Token: token}},
		{"another scheme", portal.HTTPConfig{URL: "ftp://dichvucong.gov.vn/api", Token: token}},
		{"no host", portal.HTTPConfig{URL: "https:///api", Token: token}},
		{"no token", portal.HTTPConfig{URL: "https://dichvucong.gov.vn/api"}},
		{"a token that breaks the header", portal.HTTPConfig{URL: "https://dichvucong.gov.vn/api", Token: "a\r\nX-Evil: 1"}},
	}
	for _, tt := range tests {
		s, err := portal.NewHTTPSender(tt.cfg)
		assert.Error(t, err, tt.name)
		assert.Nil(t, s, tt.name)
		if err != nil {
			assert.NotContains(t, err.Error(), token, tt.name)
		}
	}
}

// A Syncer delivers to a fake portal over HTTP.
func TestHTTPSenderWithSyncer(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	want := busy(t, d, 30, 21)
	p := newFakePortal()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var batch []portal.Change
		if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if calls.Add(1)%4 == 0 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		if err := p.Send(r.Context(), batch); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	s, err := portal.NewHTTPSender(portal.HTTPConfig{URL: srv.URL, Token: token, Client: &http.Client{Timeout: 5 * time.Second}})
	require.NoError(t, err)
	require.NoError(t, newSyncer(t, d, s, nil).Drain(timeout(t, 10*time.Second)))
	// A 503 comes after the portal decoded the batch but before it took it,
	// so what it took is exactly what was acknowledged.
	p.check(t, want)
}

package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/sla"
)

// testToken is the API token of the desk's test officer, canbo, who holds
// every role but administrator.
const testToken = "test-officer-token-0123456789"

// testPassword is every test officer's password; its hash is made once, as
// argon2id takes a tenth of a second.
const testPassword = "mat-khau-thu-0123"

var testHash = sync.OnceValue(func() string {
	h, err := hashPassword(context.Background(), testPassword)
	if err != nil {
		panic(err)
	}
	return h
})

// testActor is how events record canbo.
const testActor = "Cán Bộ Thử (canbo)"

// A clock is a settable time for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// monday0900 is a working morning, 06/10/2025 09:00 ICT, when the
// sample catalogue's current versions are in force.
var monday0900 = time.Date(2025, 10, 6, 9, 0, 0, 0, sla.ICT)

// A desk is a server under test behind httptest, on a real SQLite file in
// the test's temporary directory.
type desk struct {
	t     testing.TB
	srv   *server
	http  *httptest.Server
	store backend
	clock *clock
	logs  *syncBuffer
}

type deskOption func(*config)

func newDesk(t testing.TB, opts ...deskOption) *desk {
	t.Helper()
	b := sqliteBackend(t)
	return newDeskOn(t, b, opts...)
}

// memoryBackendOf is a memory backend closed at the end of the test.
func memoryBackendOf(t testing.TB) backend {
	t.Helper()
	b, err := newMemoryBackend(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, b.Close()) })
	return b
}

func sqliteBackend(t testing.TB) backend {
	t.Helper()
	b, err := openBackend(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "motcua.db"))
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, b.Close()) })
	return b
}

// postgresBackend opens a migrated store in a schema of its own in the
// PostgreSQL database that MOTCUA_TEST_POSTGRES names, and drops the schema
// at the end. Without the variable it skips, or fails when
// MOTCUA_REQUIRE_POSTGRES is set, as the SQL store's own tests do.
func postgresBackend(t testing.TB) backend {
	t.Helper()
	dsn := os.Getenv("MOTCUA_TEST_POSTGRES")
	if dsn == "" {
		const msg = "MOTCUA_TEST_POSTGRES is unset: set it to a PostgreSQL DSN to run the server on PostgreSQL"
		if os.Getenv("MOTCUA_REQUIRE_POSTGRES") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ctx := context.Background()
	admin, err := sqlstore.Open(ctx, dsn)
	require.NoError(t, err, "MOTCUA_TEST_POSTGRES is set, but the server cannot be reached")
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "server_test_" + hex.EncodeToString(b[:])
	_, err = admin.DB().ExecContext(ctx, `CREATE SCHEMA `+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = admin.DB().ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(dsn)
	require.NoError(t, err, "MOTCUA_TEST_POSTGRES must be a postgres:// URL")
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	be, err := openBackend(ctx, u.String())
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, be.Close()) })
	return be
}

func newDeskOn(t testing.TB, b backend, opts ...deskOption) *desk {
	t.Helper()
	d := &desk{t: t, store: b, clock: newClock(monday0900), logs: &syncBuffer{}}
	cfg := config{
		Backend: b, Logger: slog.New(slog.NewJSONHandler(d.logs, nil)), Now: d.clock.Now,
		Public: publicConfig{Limits: &testLimits}, // ratelimit_test.go tests the real limits
	}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := newServer(cfg)
	require.NoError(t, err)
	d.srv = s
	// A database the tests made before (reopened) has canbo already.
	if _, err := b.Desk().officer(context.Background(), "canbo"); errors.Is(err, errNoOfficer) {
		d.addOfficer("canbo", "Cán Bộ Thử", byOneStop|bySpecialist|byLeader)
		require.NoError(t, b.Desk().addToken(context.Background(), "canbo", "test", testToken, monday0900))
	}
	d.http = httptest.NewUnstartedServer(s)
	d.http.Config.WriteTimeout = cfg.WriteTimeout
	d.http.Start()
	t.Cleanup(d.http.Close)
	return d
}

// syncBuffer is a bytes.Buffer for logs written by many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A reply is a response read whole.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(r.body, &v), "body: %s", r.body)
	return v
}

func (r reply) String() string { return string(r.body) }

// request sends a request. body is sent as it is when it is a string or
// []byte, and as JSON otherwise; officer adds canbo's token.
func (d *desk) request(method, path string, body any, officer bool, header ...string) reply {
	d.t.Helper()
	if officer {
		header = append([]string{"Authorization", "Bearer " + testToken}, header...)
	}
	return d.requestAs(method, path, body, header...)
}

// as sends a request with an officer's API token.
func (d *desk) as(token, method, path string, body any) reply {
	d.t.Helper()
	return d.requestAs(method, path, body, "Authorization", "Bearer "+token)
}

func (d *desk) requestAs(method, path string, body any, header ...string) reply {
	d.t.Helper()
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
		contentType = "application/json"
	case []byte:
		rd = bytes.NewReader(b)
		contentType = "application/json"
	default:
		j, err := json.Marshal(b)
		require.NoError(d.t, err)
		rd = bytes.NewReader(j)
		contentType = "application/json"
	}
	req, err := http.NewRequest(method, d.http.URL+path, rd)
	require.NoError(d.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(d.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(d.t, err)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func (d *desk) officer(method, path string, body any) reply {
	d.t.Helper()
	return d.request(method, path, body, true)
}

func (d *desk) public(method, path string, body any) reply {
	d.t.Helper()
	return d.request(method, path, body, false)
}

// receive receives a dossier and returns its code.
func (d *desk) receive(body any) string {
	d.t.Helper()
	r := d.officer("POST", "/api/v1/dossiers", body)
	require.Equal(d.t, http.StatusCreated, r.status, "%s", r.body)
	code, _ := r.json(d.t)["code"].(string)
	require.NotEmpty(d.t, code)
	return code
}

// anApplicant is a dossier of a household business registration, filed at
// the counter with the result sent by post.
func anIntake(name string) map[string]any {
	return map[string]any{
		"procedure": "1.001612",
		"applicant": map[string]any{
			"name": name, "idNumber": "001099012345", "phone": "0912345678",
			"email": "an.nguyen@example.vn", "address": "12 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
		},
		"channel":       "direct",
		"returnChannel": "postal",
	}
}

// requireProblem checks that r is a problem+json with the status, and
// returns it.
func requireProblem(t testing.TB, r reply, status int) map[string]any {
	t.Helper()
	require.Equal(t, status, r.status, "%s", r.body)
	assert.Equal(t, "application/problem+json; charset=utf-8", r.header.Get("Content-Type"))
	p := r.json(t)
	assert.Equal(t, float64(status), p["status"])
	for _, k := range []string{"type", "title", "detail"} {
		assert.NotEmpty(t, p[k], "problem member %q", k)
	}
	assert.NotEmpty(t, r.header.Get("X-Request-ID"))
	if _, hasInstance := p["instance"]; hasInstance || p["requestId"] != nil {
		assert.Equal(t, r.header.Get("X-Request-ID"), p["requestId"])
	}
	return p
}

func discardLogger() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

// addOfficer adds an officer of the default agency with the roles and
// testPassword, changed as opts say.
func (d *desk) addOfficer(username, fullName string, rs roles, opts ...func(*officer)) *officer {
	d.t.Helper()
	o := &officer{Username: username, FullName: fullName, Agency: defaultAgency, Roles: rs, Password: testHash(), Created: monday0900}
	for _, f := range opts {
		f(o)
	}
	require.NoError(d.t, d.store.Desk().addOfficer(context.Background(), o))
	return o
}

// officerToken adds an officer and returns an API token of theirs: the
// helper for a test that needs an officer with some roles.
func (d *desk) officerToken(username, fullName string, rs roles, opts ...func(*officer)) string {
	d.t.Helper()
	d.addOfficer(username, fullName, rs, opts...)
	tok, err := d.store.Desk().newToken(context.Background(), username, "test", monday0900)
	require.NoError(d.t, err)
	return tok
}

func ofAgency(a string) func(*officer) { return func(o *officer) { o.Agency = a } }

func centreWide(o *officer) { o.CentreWide = true }

// A browser is a client with a cookie jar, signed in on the sign-in page,
// that posts forms with the CSRF token of the last page it read.
type browser struct {
	t      testing.TB
	base   string
	client *http.Client
	csrf   string
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newBrowser(t testing.TB, base string) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, base: base, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (d *desk) newBrowser() *browser { return newBrowser(d.t, d.http.URL) }

// signIn signs in as username with testPassword and reads the queue.
func (d *desk) signIn(username string) *browser {
	d.t.Helper()
	return signInAt(d.t, d.http.URL, username, testPassword)
}

func signInAt(t testing.TB, base, username, password string) *browser {
	t.Helper()
	b := newBrowser(t, base)
	r := b.post("/dang-nhap", url.Values{"username": {username}, "password": {password}})
	require.Equal(t, http.StatusSeeOther, r.status, "sign-in of %s: %s", username, r.body)
	r = b.get("/")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.NotEmpty(t, b.csrf)
	return b
}

func (b *browser) do(req *http.Request) reply {
	b.t.Helper()
	resp, err := b.client.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	if m := csrfRE.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: body}
}

func (b *browser) get(path string) reply {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.base+path, nil)
	require.NoError(b.t, err)
	return b.do(req)
}

// post posts a form, with the CSRF token unless the form has one.
func (b *browser) post(path string, form url.Values) reply {
	b.t.Helper()
	if _, ok := form["csrf"]; !ok && b.csrf != "" {
		form = cloneValues(form)
		form.Set("csrf", b.csrf)
	}
	req, err := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

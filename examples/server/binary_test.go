package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// environWithout is the test's environment without the variable.
func environWithout(name string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// runCLI runs "bin officer args…" and returns its standard output; it fails
// the test if the command fails.
func runCLI(t *testing.T, bin string, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"officer"}, args...)...)
	cmd.Env = environWithout("MOTCUA_OFFICER_TOKEN")
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "officer %v: %s", args, stderr.String())
	return stdout.String()
}

// cliToken adds an officer with the roles through the command line, and
// returns an API token of theirs, made through the command line too.
func cliToken(t *testing.T, bin, dsn, username, roles string, more ...string) string {
	t.Helper()
	runCLI(t, bin, "", append([]string{"add", "-db", dsn, "-username", username, "-name", "Cán bộ " + username, "-roles", roles}, more...)...)
	return strings.TrimSpace(runCLI(t, bin, "", "token", "-db", dsn, "-username", username))
}

var passwordLine = regexp.MustCompile(`(?m)^  password: (\S+)$`)

// apiCall sends a request to the running binary with a bearer token.
func apiCall(t *testing.T, base, token, method, path string, body any) reply {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// TestBinaryAccounts builds and runs the real binary on a new SQLite file,
// with two agencies, and checks what issue 13 asks of accounts: the first
// start's administrator and its password; "officer add"; signing in through
// the form with a cookie; roles refusing each other's actions with 403;
// "actor" refused; the event's actor being the officer; per-officer tokens
// working and, once revoked, refused; a disabled officer's session ending
// at once; an agency's dossier hidden from another agency's officer; and
// sign-in throttling.
func TestBinaryAccounts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := buildServer(t, dir)
	dsn := "sqlite:" + filepath.Join(dir, "motcua.db")
	agencies := filepath.Join(dir, "agencies.json")
	require.NoError(t, os.WriteFile(agencies, []byte(`[
		{"id": "000.00.01.H26", "name": "Trung tâm Phục vụ hành chính công thành phố Hà Nội"},
		{"id": "000.00.12.H26", "name": "Sở Tư pháp thành phố Hà Nội"}
	]`), 0o600))

	srv := start(t, bin, dsn, "-agencies", agencies)
	base := "http://" + srv.addr
	logs := srv.stderr.String()

	// The first start made the administrator and told its password once, in
	// plain words on standard error, not in a JSON log line.
	m := passwordLine.FindStringSubmatch(logs)
	require.NotNil(t, m, "no password line in:\n%s", logs)
	adminPassword := m[1]
	assert.Contains(t, logs, "  username: admin\n")
	assert.Equal(t, 1, strings.Count(logs, adminPassword))
	for line := range strings.Lines(logs) {
		if strings.HasPrefix(line, "{") {
			assert.NotContains(t, line, adminPassword, "the password in a log line")
		}
	}

	// Signing in through the form sets a session cookie.
	t.Run("sign-in form", func(t *testing.T) {
		b := newBrowser(t, base)
		r := b.get("/")
		require.Equal(t, http.StatusSeeOther, r.status)
		assert.Equal(t, "/dang-nhap?tiep=%2F", r.header.Get("Location"))
		r = b.post("/dang-nhap", url.Values{"username": {"admin"}, "password": {adminPassword}})
		require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
		cookie := r.header.Get("Set-Cookie")
		assert.Contains(t, cookie, "motcua_session=")
		assert.Contains(t, cookie, "HttpOnly")
		assert.Contains(t, cookie, "SameSite=Lax")
		r = b.get("/tai-khoan")
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		assert.Contains(t, r.String(), "Quản trị hệ thống (admin)")
		assert.Contains(t, r.String(), "Thêm cán bộ")
	})

	// officer add, through the command line, on the same database as the
	// running server.
	out := runCLI(t, bin, "", "add", "-db", dsn, "-agencies", agencies, "-username", "an.nguyen", "-name", "Nguyễn Văn An", "-roles", "one-stop")
	pw := regexp.MustCompile(`(?m)^password: (\S+)$`).FindStringSubmatch(out)
	require.NotNil(t, pw, "%s", out)
	assert.Contains(t, out, "Nguyễn Văn An (an.nguyen)")
	oneStopPassword := pw[1]
	oneStop := strings.TrimSpace(runCLI(t, bin, "", "token", "-db", dsn, "-username", "an.nguyen"))
	specialist := cliToken(t, bin, dsn, "cuong.le", "specialist", "-agencies", agencies)
	other := cliToken(t, bin, dsn, "tuphap", "one-stop,specialist", "-agencies", agencies, "-agency", "000.00.12.H26")
	list := runCLI(t, bin, "", "list", "-db", dsn)
	for _, u := range []string{"admin", "an.nguyen", "cuong.le", "tuphap"} {
		assert.Contains(t, list, u)
	}

	var code string
	t.Run("actor refused and recorded", func(t *testing.T) {
		in := anIntake("Phạm Thị Dung")
		in["actor"] = "Giám đốc Sở (giả mạo)"
		r := apiCall(t, base, oneStop, "POST", "/api/v1/dossiers", in)
		p := requireProblem(t, r, http.StatusBadRequest)
		assert.Equal(t, "urn:motcua:problem:actor-not-accepted", p["type"])
		assert.Contains(t, p["detail"], "actor")

		r = apiCall(t, base, oneStop, "POST", "/api/v1/dossiers", anIntake("Phạm Thị Dung"))
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		got := r.json(t)
		code = got["code"].(string)
		assert.Equal(t, "Nguyễn Văn An (an.nguyen)", got["events"].([]any)[0].(map[string]any)["actor"])

		r = apiCall(t, base, specialist, "POST", "/api/v1/dossiers/"+code+"/transfer", map[string]string{"to": "cuong.le", "actor": "x"})
		requireProblem(t, r, http.StatusBadRequest)
	})
	require.NotEmpty(t, code)

	t.Run("roles", func(t *testing.T) {
		// A one-stop officer may not transfer; a specialist may not receive.
		p := requireProblem(t, apiCall(t, base, oneStop, "POST", "/api/v1/dossiers/"+code+"/transfer", map[string]string{"to": "cuong.le"}), http.StatusForbidden)
		assert.Equal(t, "urn:motcua:problem:forbidden", p["type"])
		assert.Contains(t, p["detail"], "chuyên viên xử lý")
		p = requireProblem(t, apiCall(t, base, specialist, "POST", "/api/v1/dossiers", anIntake("Lê Thị Hoa")), http.StatusForbidden)
		assert.Contains(t, p["detail"], "cán bộ một cửa")
		requireProblem(t, apiCall(t, base, specialist, "POST", "/api/v1/dossiers/"+code+"/return", nil), http.StatusForbidden)

		r := apiCall(t, base, specialist, "POST", "/api/v1/dossiers/"+code+"/transfer", map[string]string{"to": "cuong.le"})
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		evs := r.json(t)["events"].([]any)
		last := evs[len(evs)-1].(map[string]any)
		assert.Equal(t, "Cán bộ cuong.le (cuong.le)", last["actor"])
		assert.Equal(t, "Cán bộ cuong.le (cuong.le)", last["receiver"])
	})

	t.Run("agencies", func(t *testing.T) {
		p := requireProblem(t, apiCall(t, base, other, "GET", "/api/v1/dossiers/"+code, nil), http.StatusNotFound)
		assert.Equal(t, "urn:motcua:problem:not-found", p["type"])
		requireProblem(t, apiCall(t, base, other, "POST", "/api/v1/dossiers/"+code+"/resolve", nil), http.StatusNotFound)
		r := apiCall(t, base, other, "POST", "/api/v1/dossiers", anIntake("Đỗ Văn Hải"))
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		assert.True(t, strings.HasPrefix(r.json(t)["code"].(string), "000.00.12.H26-"), "issued under the officer's agency")
		r = apiCall(t, base, other, "GET", "/api/v1/dossiers", nil)
		for _, it := range r.json(t)["items"].([]any) {
			assert.True(t, strings.HasPrefix(it.(map[string]any)["code"].(string), "000.00.12.H26-"))
		}
	})

	t.Run("tokens", func(t *testing.T) {
		b := signInAt(t, base, "an.nguyen", oneStopPassword)
		// Signed in through the form, the officer is the actor of what the
		// session records.
		body, _ := json.Marshal(anIntake("Vũ Thị Thu"))
		req, _ := http.NewRequest("POST", base+"/api/v1/dossiers", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		r := b.do(req)
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		assert.Equal(t, "Nguyễn Văn An (an.nguyen)", r.json(t)["events"].([]any)[0].(map[string]any)["actor"])

		r = b.post("/tai-khoan", url.Values{"viec": {"tao-ma"}, "ten": {"Máy quét"}})
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		tok := regexp.MustCompile(`id="new-token">([^<]+)<`).FindStringSubmatch(r.String())
		require.NotNil(t, tok, "%s", r.body)
		assert.Equal(t, http.StatusOK, apiCall(t, base, tok[1], "GET", "/api/v1/dossiers/"+code, nil).status)

		id := regexp.MustCompile(`name="ma" value="([0-9a-f]+)"`).FindAllStringSubmatch(r.String(), -1)
		require.NotEmpty(t, id)
		for _, m := range id {
			require.Equal(t, http.StatusOK, b.post("/tai-khoan", url.Values{"viec": {"thu-hoi-ma"}, "ma": {m[1]}}).status)
		}
		requireProblem(t, apiCall(t, base, tok[1], "GET", "/api/v1/dossiers/"+code, nil), http.StatusUnauthorized)
		requireProblem(t, apiCall(t, base, oneStop, "GET", "/api/v1/dossiers/"+code, nil), http.StatusUnauthorized)
	})

	t.Run("disabled session ends", func(t *testing.T) {
		runCLI(t, bin, "mat-khau-cua-binh\n", "add", "-db", dsn, "-username", "binh.tran", "-name", "Trần Thị Bình", "-roles", "one-stop", "-password-stdin")
		b := signInAt(t, base, "binh.tran", "mat-khau-cua-binh")
		tok := strings.TrimSpace(runCLI(t, bin, "", "token", "-db", dsn, "-username", "binh.tran"))
		assert.Equal(t, http.StatusOK, apiCall(t, base, tok, "GET", "/api/v1/dossiers", nil).status)
		runCLI(t, bin, "", "disable", "-db", dsn, "-username", "binh.tran")
		r := b.get("/")
		assert.Equal(t, http.StatusSeeOther, r.status, "the session ended")
		assert.True(t, strings.HasPrefix(r.header.Get("Location"), "/dang-nhap"))
		requireProblem(t, apiCall(t, base, tok, "GET", "/api/v1/dossiers", nil), http.StatusUnauthorized)
		r = newBrowser(t, base).post("/dang-nhap", url.Values{"username": {"binh.tran"}, "password": {"mat-khau-cua-binh"}})
		assert.Equal(t, http.StatusUnauthorized, r.status, "a disabled officer cannot sign in")
	})

	t.Run("throttling", func(t *testing.T) {
		b := newBrowser(t, base)
		for i := 1; i <= throttleAfter; i++ {
			r := b.post("/dang-nhap", url.Values{"username": {"cuong.le"}, "password": {"wrong password"}})
			if i < throttleAfter {
				assert.Equal(t, http.StatusUnauthorized, r.status, "attempt %d", i)
				continue
			}
			assert.Equal(t, http.StatusTooManyRequests, r.status, "attempt %d", i)
			assert.Equal(t, "60", r.header.Get("Retry-After"))
			assert.Contains(t, r.String(), "xin chờ 1 phút")
		}
		// Even the right password waits now; another username does not.
		r := b.post("/dang-nhap", url.Values{"username": {"cuong.le"}, "password": {"whatever it is"}})
		assert.Equal(t, http.StatusTooManyRequests, r.status)
		assert.NotEmpty(t, r.header.Get("Retry-After"))
		r = newBrowser(t, base).post("/dang-nhap", url.Values{"username": {"admin"}, "password": {adminPassword}})
		assert.Equal(t, http.StatusSeeOther, r.status)
	})

	srv.stop(t, os.Interrupt)
}

// TestBinaryBootstrapToken: MOTCUA_OFFICER_TOKEN becomes the first
// administrator's token at the first start, and is ignored, with a warning,
// on a later one.
func TestBinaryBootstrapToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := buildServer(t, dir)
	dsn := "sqlite:" + filepath.Join(dir, "motcua.db")
	const token = "bootstrap-token-0123456789"
	run := func() (*exec.Cmd, string, *bytes.Buffer) {
		cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-db", dsn)
		cmd.Env = append(environWithout("MOTCUA_OFFICER_TOKEN"), "MOTCUA_OFFICER_TOKEN="+token)
		pipe, err := cmd.StderrPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		var logs bytes.Buffer
		sc := bufio.NewScanner(pipe)
		deadline := time.Now().Add(30 * time.Second)
		for sc.Scan() && time.Now().Before(deadline) {
			logs.Write(append(sc.Bytes(), '\n'))
			var rec struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "listening" {
				go func() { _, _ = io.Copy(io.Discard, pipe) }()
				return cmd, "http://" + rec.Addr, &logs
			}
		}
		t.Fatalf("the server did not listen:\n%s", logs.String())
		return nil, "", nil
	}
	stop := func(cmd *exec.Cmd) {
		require.NoError(t, cmd.Process.Signal(os.Interrupt))
		require.NoError(t, cmd.Wait())
	}

	cmd, base, logs := run()
	assert.Contains(t, logs.String(), "First start")
	assert.NotContains(t, logs.String(), token)
	assert.Equal(t, http.StatusOK, apiCall(t, base, token, "GET", "/api/v1/reports/summary", nil).status, "the administrator reads reports")
	p := requireProblem(t, apiCall(t, base, token, "POST", "/api/v1/dossiers", anIntake("Lê Văn Tám")), http.StatusForbidden)
	assert.Contains(t, p["detail"], "quản trị", "an administrator has no dossier actions")
	stop(cmd)

	cmd, base, logs = run()
	assert.NotContains(t, logs.String(), "First start")
	assert.Equal(t, http.StatusOK, apiCall(t, base, token, "GET", "/api/v1/reports/summary", nil).status, "the token stays")
	stop(cmd)
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A binClient talks to the server binary.
type binClient struct {
	t     *testing.T
	base  string
	http  *http.Client
	token string // an officer's API token
}

func (c binClient) do(method, path string, body any, officer bool) reply {
	c.t.Helper()
	return c.doWith(method, path, body, officer)
}

// doWith sends the request with headers, given as name, value pairs.
func (c binClient) doWith(method, path string, body any, officer bool, header ...string) reply {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(c.t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	require.NoError(c.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if officer {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// startWithOfficer builds the server, gives the officer canbo (one-stop and
// specialist) a token on a new SQLite file, and runs it, with a client
// that uses the token.
func startWithOfficer(t *testing.T) (binClient, *process) {
	t.Helper()
	dir := t.TempDir()
	bin := buildServer(t, dir)
	dsn := "sqlite:" + filepath.Join(dir, "motcua.db")
	token := cliToken(t, bin, dsn, "canbo", "one-stop,specialist")
	srv := start(t, bin, dsn)
	return binClient{t: t, base: "http://" + srv.addr, http: &http.Client{Timeout: 30 * time.Second}, token: token}, srv
}

// TestBinaryPublicSide runs the real binary on SQLite, as the acceptance
// checks do: lookups and ratings with and without the secret; a wrong
// secret and an unknown code answer alike; the public view's supplement
// reason; every form page of a dossier with the national name, the form's
// number and the code; no appointment for a refused dossier; and a walk
// over sequential codes that learns nothing and is answered 429 within the
// documented limit of failed lookups.
func TestBinaryPublicSide(t *testing.T) {
	t.Parallel()
	c, srv := startWithOfficer(t)

	receive := func(name string) (string, string) {
		r := c.do("POST", "/api/v1/dossiers", anIntake(name), true)
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		v := r.json(t)
		return v["code"].(string), v["secret"].(string)
	}
	code, secret := receive("Nguyễn Văn An")
	refused, refusedSecret := receive("Lê Thị Bích")
	assert.NotEqual(t, secret, refusedSecret)

	// Lookups with and without the secret.
	r := c.do("GET", lookupPath(code, secret), nil, false)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "Nguyễn V. A.", r.json(t)["applicant"])
	noSecret := c.do("GET", "/api/v1/public/dossiers/"+code, nil, false)
	assert.Equal(t, http.StatusNotFound, noSecret.status)
	wrong := c.do("GET", lookupPath(code, "ABCDEFGHJK"), nil, false)
	unknown := c.do("GET", lookupPath(strings.TrimSuffix(code, "0001")+"0777", secret), nil, false)
	assert.Equal(t, http.StatusNotFound, wrong.status)
	assert.Equal(t, unknown.status, wrong.status)
	assert.Equal(t, string(unknown.body), string(wrong.body), "a wrong secret answers as an unknown code")
	assert.Equal(t, string(unknown.body), string(noSecret.body))
	for _, h := range []string{"Content-Type", "Content-Length", "Cache-Control"} {
		assert.Equal(t, unknown.header.Get(h), wrong.header.Get(h), h)
	}

	// The supplement's reason is in the public view.
	const missing = "Bản sao hợp đồng thuê địa điểm kinh doanh, có chứng thực"
	r = c.do("POST", "/api/v1/dossiers/"+code+"/request-supplement", map[string]string{"reason": missing}, true)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r = c.do("GET", lookupPath(code, secret), nil, false)
	v := r.json(t)
	assert.Equal(t, missing, v["supplement"].(map[string]any)["reason"])
	assert.Contains(t, v["next"], missing)
	page := c.do("GET", "/tra-cuu?ma="+code+"&secret="+secret, nil, false)
	assert.Contains(t, page.String(), missing)
	for _, step := range []string{"supplement", "resolve"} {
		require.Equal(t, http.StatusOK, c.do("POST", "/api/v1/dossiers/"+code+"/"+step, nil, true).status)
	}

	// Ratings with and without the secret.
	rate := "/api/v1/public/dossiers/" + code + "/rating"
	assert.Equal(t, http.StatusNotFound, c.do("POST", rate, map[string]any{"level": 3}, false).status)
	assert.Equal(t, http.StatusNotFound, c.do("POST", rate, map[string]any{"level": 3, "secret": "ABCDEFGHJK"}, false).status)
	r = c.do("POST", rate, map[string]any{"level": 1, "secret": secret}, false)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	v = c.do("GET", lookupPath(code, secret), nil, false).json(t)
	assert.Equal(t, true, v["rated"])
	assert.Equal(t, false, v["rateable"])

	// Every form page, with the national name, its number and the code.
	for n := 1; n <= 6; n++ {
		r := c.do("GET", fmt.Sprintf("/ho-so/%s/mau-%02d", code, n), nil, true)
		require.Equal(t, http.StatusOK, r.status, "mau-%02d: %s", n, r.body)
		for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", fmt.Sprintf("Mẫu số %02d", n), code} {
			assert.Contains(t, r.String(), want, "mau-%02d", n)
		}
		assert.Equal(t, http.StatusUnauthorized, c.do("GET", fmt.Sprintf("/ho-so/%s/mau-%02d", code, n), nil, false).status)
	}
	r = c.do("GET", "/so-theo-doi", nil, true)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Mẫu số 07", code, refused} {
		assert.Contains(t, r.String(), want)
	}

	// A refused dossier has no appointment, on any page.
	dueOf := c.do("GET", "/api/v1/dossiers/"+refused, nil, true).json(t)["due"].(string)
	due, err := time.Parse(time.RFC3339, dueOf)
	require.NoError(t, err)
	r = c.do("POST", "/api/v1/dossiers/"+refused+"/refuse", map[string]string{"reason": "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan"}, true)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	v = c.do("GET", lookupPath(refused, refusedSecret), nil, false).json(t)
	assert.NotContains(t, v, "due")
	assert.Contains(t, v["refusal"].(map[string]any)["reason"], "không thuộc thẩm quyền")
	for _, path := range []string{"/ho-so/" + refused + "/mau-01", "/ho-so/" + refused + "/mau-03", "/ho-so/" + refused + "/mau-06", "/tra-cuu?ma=" + refused + "&secret=" + refusedSecret} {
		r := c.do("GET", path, nil, strings.HasPrefix(path, "/ho-so/"))
		require.Equal(t, http.StatusOK, r.status, "%s: %s", path, r.body)
		assert.NotContains(t, r.String(), due.Format("02/01/06"), path)
		assert.NotContains(t, r.String(), longTime(due), path)
		assert.NotContains(t, r.String(), shortTime(due), path)
		assert.NotContains(t, r.String(), "Ngày hẹn trả", path)
	}
	assert.Contains(t, c.do("GET", "/ho-so/"+refused+"/mau-03", nil, true).String(), "không thuộc thẩm quyền")

	// A walk over sequential codes learns nothing, and is answered 429
	// once the failed lookups' burst is spent.
	prefix := strings.TrimSuffix(code, "0001")
	learned, firstLimited := 0, 0
	for i := 1; i <= 2000; i++ {
		r := c.do("GET", fmt.Sprintf("/api/v1/public/dossiers/%s%04d", prefix, i), nil, false)
		switch r.status {
		case http.StatusOK:
			learned++
		case http.StatusTooManyRequests:
			if firstLimited == 0 {
				firstLimited = i
				assert.NotEmpty(t, r.header.Get("Retry-After"))
				assert.NotContains(t, r.String(), "Nguyễn")
			}
		default:
			assert.Equal(t, http.StatusNotFound, r.status)
		}
		if firstLimited > 0 && i > firstLimited+50 {
			break // bounded: the rest is all 429
		}
	}
	assert.Zero(t, learned, "the walk learned a dossier")
	// Five lookups and ratings above named no dossier: the walk had the rest
	// of the burst.
	const failedBefore = 5
	assert.Equal(t, defaultLimits.Failed.Burst-failedBefore+1, firstLimited, "429 right after the documented burst of failed lookups")
	// The limit holds for the address's right lookups and ratings too.
	assert.Equal(t, http.StatusTooManyRequests, c.do("GET", lookupPath(code, secret), nil, false).status)
	srv.stop(t, syscall.SIGTERM)
}

// TestBinarySafeRetries runs the real binary on SQLite, as the acceptance
// checks do: a receipt retried with its Idempotency-Key, before and after a
// restart, is the first receipt and makes no second dossier; the same key
// with another body is a 422; an action with a stale If-Match is a 412 and
// changes nothing, and one retried with its key adds no second event.
func TestBinarySafeRetries(t *testing.T) {
	t.Parallel()
	c, srv := startWithOfficer(t)
	bin, dsn := srv.bin, srv.dsn
	count := func() int {
		r := c.do("GET", "/api/v1/dossiers", nil, true)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		return len(r.json(t)["items"].([]any))
	}

	const key = "9b1f3c2e-receipt-1"
	first := c.doWith("POST", "/api/v1/dossiers", anIntake("Nguyễn Văn An"), true, "Idempotency-Key", key)
	require.Equal(t, http.StatusCreated, first.status, "%s", first.body)
	code := first.json(t)["code"].(string)
	again := c.doWith("POST", "/api/v1/dossiers", anIntake("Nguyễn Văn An"), true, "Idempotency-Key", key)
	require.Equal(t, http.StatusCreated, again.status, "%s", again.body)
	assert.Equal(t, code, again.json(t)["code"])
	assert.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
	assert.Equal(t, 1, count())
	r := c.doWith("POST", "/api/v1/dossiers", anIntake("Trần Thị Bình"), true, "Idempotency-Key", key)
	assert.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.body)

	srv.stop(t, syscall.SIGTERM)
	srv = start(t, bin, dsn)
	c.base = "http://" + srv.addr
	again = c.doWith("POST", "/api/v1/dossiers", anIntake("Nguyễn Văn An"), true, "Idempotency-Key", key)
	require.Equal(t, http.StatusCreated, again.status, "%s", again.body)
	assert.Equal(t, code, again.json(t)["code"], "the key survived the restart")
	assert.Equal(t, 1, count())

	transfer := map[string]string{"to": "Phòng Kinh tế"}
	r = c.doWith("POST", "/api/v1/dossiers/"+code+"/transfer", transfer, true, "If-Match", `"1"`, "Idempotency-Key", "chuyen-1")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r = c.doWith("POST", "/api/v1/dossiers/"+code+"/transfer", transfer, true, "If-Match", `"1"`, "Idempotency-Key", "chuyen-1")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, `"2"`, r.header.Get("ETag"), "the retry added no event")
	r = c.doWith("POST", "/api/v1/dossiers/"+code+"/resolve", nil, true, "If-Match", `"1"`)
	assert.Equal(t, http.StatusPreconditionFailed, r.status, "%s", r.body)
	assert.Equal(t, `"2"`, c.do("GET", "/api/v1/dossiers/"+code, nil, true).header.Get("ETag"), "the stale action changed nothing")
	srv.stop(t, syscall.SIGTERM)
}

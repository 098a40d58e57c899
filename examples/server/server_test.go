package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/sla"
)

// TestDossierLife walks one dossier through its whole life over HTTP:
// received at the counter, a supplement requested and brought, handed to
// the next step, rescheduled with an apology, resolved, rated once, returned;
// then listed and counted in the report.
//
// It runs on SQLite, and on PostgreSQL too when MOTCUA_TEST_POSTGRES names
// one (as .ci/run does), in a schema of its own.
func TestDossierLife(t *testing.T) {
	t.Parallel()
	t.Run("SQLite", func(t *testing.T) {
		t.Parallel()
		testDossierLife(t, newDesk(t))
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		testDossierLife(t, newDeskOn(t, postgresBackend(t)))
	})
}

func testDossierLife(t *testing.T, d *desk) {
	r := d.officer("POST", "/api/v1/dossiers", anIntake("Nguyễn Văn An"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	got := r.json(t)
	code := got["code"].(string)
	secret := got["secret"].(string)
	assert.Equal(t, "/api/v1/dossiers/"+code, r.header.Get("Location"))
	assert.True(t, strings.HasPrefix(code, "000.00.01.H26-251006-"), code)
	assert.Equal(t, "received", got["status"])
	assert.Equal(t, "Được tiếp nhận", got["statusText"])
	// 03 ngày làm việc from Monday 09:00 is Thursday 09:00.
	assert.Equal(t, "2025-10-09T09:00:00+07:00", got["due"])
	assert.Equal(t, "2025-10-06T09:00:00+07:00", got["receivedAt"])
	assert.Equal(t, "postal", got["returnChannel"])
	assert.Equal(t, "Đăng ký thành lập hộ kinh doanh", got["procedureName"])

	steps := []struct {
		action string
		body   any
		status string
	}{
		{"request-supplement", map[string]string{"reason": "Thiếu bản sao giấy tờ về quyền sử dụng địa điểm kinh doanh"}, "awaiting-supplement"},
		{"supplement", nil, "in-progress"},
		{"transfer", map[string]string{"to": "Phòng Kinh tế"}, "in-progress"},
		{"reschedule", map[string]string{"reason": "Cần xác minh địa điểm kinh doanh", "due": "2025-10-17 16:00"}, "in-progress"},
		{"resolve", nil, "resolved"},
	}
	for _, st := range steps {
		r := d.officer("POST", "/api/v1/dossiers/"+code+"/"+st.action, st.body)
		require.Equal(t, http.StatusOK, r.status, "%s: %s", st.action, r.body)
		assert.Equal(t, st.status, r.json(t)["status"], st.action)
	}

	// The citizen rates the result once.
	r = d.public("POST", "/api/v1/public/dossiers/"+code+"/rating", map[string]any{"level": 1, "comment": "Cán bộ hướng dẫn tận tình", "secret": secret})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Equal(t, "Rất hài lòng", r.json(t)["levelText"])
	requireProblem(t, d.public("POST", "/api/v1/public/dossiers/"+code+"/rating", map[string]any{"level": 3, "secret": secret}), http.StatusConflict)

	r = d.officer("POST", "/api/v1/dossiers/"+code+"/return", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)

	r = d.officer("GET", "/api/v1/dossiers/"+code, nil)
	require.Equal(t, http.StatusOK, r.status)
	got = r.json(t)
	assert.Equal(t, "returned", got["status"])
	assert.Equal(t, float64(10), got["statusCode"])
	assert.Equal(t, "2025-10-17T16:00:00+07:00", got["due"], "the new appointment")
	assert.NotEqual(t, got["due"], got["originalDue"], "the legal due time stays")
	var kinds []string
	for _, e := range got["events"].([]any) {
		kinds = append(kinds, e.(map[string]any)["kind"].(string))
		assert.Equal(t, testActor, e.(map[string]any)["actor"], "the officer of the token")
	}
	assert.Equal(t, []string{"receive", "request-supplement", "supplement", "transfer", "reschedule", "resolve", "return"}, kinds)
	require.Len(t, got["handovers"], 2, "the receiving desk's row, then the transfer")
	assert.Equal(t, "Phòng Kinh tế", got["handovers"].([]any)[1].(map[string]any)["to"])
	require.Len(t, got["pauses"], 1)

	// The list and the report count it.
	r = d.officer("GET", "/api/v1/dossiers?from=2025-10-01&to=2025-10-31&status=returned", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	items := r.json(t)["items"].([]any)
	require.Len(t, items, 1)
	assert.Equal(t, code, items[0].(map[string]any)["code"])

	r = d.officer("GET", "/api/v1/reports/summary?from=2025-10-01&to=2025-10-31", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	rep := r.json(t)
	assert.Equal(t, float64(1), rep["received"].(map[string]any)["total"])
	assert.Equal(t, float64(1), rep["satisfaction"].(map[string]any)["total"])

	r = d.officer("GET", "/api/v1/reports/summary?from=2025-10-01&to=2025-10-31&format=text", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "text/plain; charset=utf-8", r.header.Get("Content-Type"))
	assert.Contains(t, r.String(), "Tiếp nhận 1 hồ sơ")
	assert.Contains(t, r.String(), "Rất hài lòng: 1 lượt (100,00%)")
}

// TestPublicLookup checks that a citizen's lookup shows the status and the
// name masked, on its NFC form, and never the ID number, phone, e-mail or
// address.
func TestPublicLookup(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	tests := []struct{ name, applicant, masked string }{
		{"precomposed", "Nguyễn Văn An", "Nguyễn V. A."},
		{"decomposed", "Nguye\u0302\u0303n Va\u0306n A\u0301nh", "Nguyễn V. Á."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, secret := d.receiveWithSecret(anIntake(tt.applicant))
			secrets := []string{tt.applicant, "Văn", "001099012345", "0912345678", "example.vn", "Hàng Bạc"}

			r := d.public("GET", "/api/v1/public/dossiers/"+code+"?secret="+secret, nil)
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			got := r.json(t)
			assert.Equal(t, tt.masked, got["applicant"])
			assert.Equal(t, "Được tiếp nhận", got["statusText"])
			assert.Equal(t, "Đăng ký thành lập hộ kinh doanh", got["procedureName"])
			assert.Equal(t, "2025-10-06T09:00:00+07:00", got["receivedAt"])
			assert.Equal(t, "2025-10-09T09:00:00+07:00", got["due"])
			assert.Equal(t, false, got["rateable"])
			for _, secret := range append(secrets, "Cán bộ") {
				assert.NotContains(t, r.String(), secret)
			}

			page := d.public("GET", "/tra-cuu?ma="+url.QueryEscape(code)+"&secret="+secret, nil)
			require.Equal(t, http.StatusOK, page.status)
			assert.Contains(t, page.String(), tt.masked)
			for _, secret := range secrets {
				assert.NotContains(t, page.String(), secret)
			}
		})
	}
}

var maskTests = []struct {
	name, in, want string
}{
	{"three words", "Nguyễn Văn An", "Nguyễn V. A."},
	{"four words", "Trần Thị Minh Khai", "Trần T. M. K."},
	{"one word", "Hùng", "H."},
	{"extra spaces", "  Lê   văn   Đức ", "Lê V. Đ."},
	{"lower case initial", "phạm ánh", "phạm Á."},
	{"decomposed", "Nguye\u0302\u0303n E\u0302\u0301", "Nguyễn Ế."},
	{"decomposed family name", "Tra\u0302\u0300n Thi\u0323 Ma\u0302y", "Trần T. M."},
	{"zero width spaces", "Nguyễn\u200bVăn\u200bAn Sơn", "Nguyễn V. A. S."},
	{"word joiner", "Nguyễn\u2060Văn An", "Nguyễn V. A."},
	{"right-to-left override", "\u202eNguyễn\u202eVăn An", "Nguyễn V. A."},
	{"soft hyphen and byte order mark", "\ufeffNguyễn\u00adVăn", "Nguyễn V."},
	{"control characters", "Nguyễn\x00Văn\x1bAn", "Nguyễn V. A."},
	{"marks piled up", "Lê A\u0301\u0301\u0301\u0301", "Lê Á\u0301\u0301."},
	{"empty", "   ", ""},
	{"punctuation", `Lý "<b>Thị</b>" & Nở`, "Lý B. N."},
	{"hyphen first", "-an", "A."},
}

func TestMaskName(t *testing.T) {
	t.Parallel()
	for _, tt := range maskTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, maskName(tt.in))
		})
	}
}

// TestRatingOnceWhenReady: a dossier is rated only once its result is ready,
// and only once even when many ratings race.
func TestRatingOnceWhenReady(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	code, secret := d.receiveWithSecret(anIntake("Phạm Thị Dung"))
	path := "/api/v1/public/dossiers/" + code + "/rating?secret=" + secret

	p := requireProblem(t, d.public("POST", path, map[string]any{"level": 2}), http.StatusConflict)
	assert.Equal(t, "urn:motcua:problem:not-ready", p["type"])

	require.Equal(t, http.StatusOK, d.officer("POST", "/api/v1/dossiers/"+code+"/resolve", nil).status)
	for _, body := range []string{`{"level":0}`, `{"level":4}`, `{"level":"1"}`, `{"level":1.5}`, `{}`, `{"level":null}`} {
		requireProblem(t, d.public("POST", path, body), http.StatusBadRequest)
	}

	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = d.public("POST", path, map[string]any{"level": 1 + i%3}).status
		})
	}
	wg.Wait()
	created := 0
	for _, st := range statuses {
		if st == http.StatusCreated {
			created++
		} else {
			assert.Equal(t, http.StatusConflict, st)
		}
	}
	assert.Equal(t, 1, created, "%v", statuses)

	n := 0
	for rt, err := range d.store.Ratings().List(context.Background(), time.Time{}, time.Time{}) {
		require.NoError(t, err)
		assert.Equal(t, code, rt.Dossier.String())
		n++
	}
	assert.Equal(t, 1, n)
}

// TestRatingRefusals: each refusal of a rating answers with its own status
// and problem.
func TestRatingRefusals(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	open, openSecret := d.receiveWithSecret(anIntake("Đỗ Văn Hải"))
	refused, refusedSecret := d.receiveWithSecret(anIntake("Ngô Thị Hoa"))
	ready, readySecret := d.receiveWithSecret(anIntake("Vũ Minh Tâm"))
	secrets := map[string]string{open: openSecret, refused: refusedSecret, ready: readySecret}
	require.Equal(t, http.StatusOK, d.officer("POST", "/api/v1/dossiers/"+refused+"/refuse", map[string]string{"reason": "Không thuộc thẩm quyền"}).status)
	require.Equal(t, http.StatusOK, d.officer("POST", "/api/v1/dossiers/"+ready+"/resolve", nil).status)
	tests := []struct {
		name, code string
		level      int
		status     int
		problem    string // "" for none
	}{
		{"unknown dossier", "000.00.01.H26-250101-9999", 1, http.StatusNotFound, "not-found"},
		{"invalid level of an unknown dossier", "000.00.01.H26-250101-9999", 5, http.StatusBadRequest, "invalid-value"},
		{"malformed code", "ho-so-42", 1, http.StatusBadRequest, "invalid-code"},
		{"no secret", "-" + open, 1, http.StatusNotFound, "not-found"},
		{"not ready", open, 1, http.StatusConflict, "not-ready"},
		{"refused", refused, 1, http.StatusConflict, "not-ready"},
		{"invalid level", ready, 5, http.StatusBadRequest, "invalid-value"},
		{"ready", ready, 2, http.StatusCreated, ""},
		{"again", ready, 1, http.StatusConflict, "duplicate-rating"},
	}
	for _, tt := range tests {
		code, secret := strings.TrimPrefix(tt.code, "-"), secrets[tt.code]
		r := d.public("POST", "/api/v1/public/dossiers/"+code+"/rating", map[string]any{"level": tt.level, "secret": secret})
		if tt.problem == "" {
			assert.Equal(t, tt.status, r.status, "%s: %s", tt.name, r.body)
			continue
		}
		p := requireProblem(t, r, tt.status)
		assert.Equal(t, "urn:motcua:problem:"+tt.problem, p["type"], tt.name)
	}
}

// TestOfficerAuth: officer routes want the token; a missing or wrong one
// gets the same 401, which says nothing of the token or the data.
func TestOfficerAuth(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	code, secret := d.receiveWithSecret(anIntake("Võ Thị Sáu"))

	routes := []struct{ method, path string }{
		{"POST", "/api/v1/dossiers"},
		{"GET", "/api/v1/dossiers"},
		{"GET", "/api/v1/dossiers/" + code},
		{"POST", "/api/v1/dossiers/" + code + "/resolve"},
		{"POST", "/api/v1/dossiers/" + code + "/no-such-action"},
		{"GET", "/api/v1/reports/summary"},
		{"GET", "/dossiers/" + code + "/receipt"},
	}
	headers := []struct{ name, value string }{
		{"none", ""},
		{"wrong token", "Bearer not-the-token-at-all-000000"},
		{"token prefix", "Bearer " + testToken[:10]},
		{"token and more", "Bearer " + testToken + "x"},
		{"basic scheme", "Basic " + testToken},
		{"no scheme", testToken},
		{"empty bearer", "Bearer "},
	}
	var first map[string]any
	for _, rt := range routes {
		for _, h := range headers {
			r := d.request(rt.method, rt.path, nil, false, "Authorization", h.value)
			p := requireProblem(t, r, http.StatusUnauthorized)
			assert.Equal(t, `Bearer realm="motcua"`, r.header.Get("WWW-Authenticate"))
			assert.NotContains(t, r.String(), testToken[:10])
			assert.NotContains(t, r.String(), "Võ")
			delete(p, "instance")
			delete(p, "requestId")
			if first == nil {
				first = p
			}
			assert.Equal(t, first, p, "%s %s with %s", rt.method, rt.path, h.name)
		}
	}
	// The scheme is case-insensitive.
	r := d.request("GET", "/api/v1/dossiers/"+code, nil, false, "Authorization", "bearer "+testToken)
	assert.Equal(t, http.StatusOK, r.status)
	// Public routes need nothing.
	assert.Equal(t, http.StatusOK, d.public("GET", "/api/v1/public/dossiers/"+code+"?secret="+secret, nil).status)
	assert.Equal(t, http.StatusOK, d.public("GET", "/healthz", nil).status)
}

// TestErrorStatuses checks each error status of the API and that it comes
// as application/problem+json in Vietnamese.
func TestErrorStatuses(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	code := d.receive(anIntake("Đặng Văn Ngữ"))
	unknown := "000.00.01.H26-251006-9999"
	big := `{"procedure":"1.001612","applicant":{"name":"` + strings.Repeat("a", maxBody) + `"}}`

	tests := []struct {
		name        string
		method      string
		path        string
		body        any
		contentType string // "" keeps the JSON default; "-" sends none
		status      int
		typ         string
	}{
		{"malformed JSON", "POST", "/api/v1/dossiers", `{"procedure": "1.001612",`, "", 400, "malformed-json"},
		{"not JSON", "POST", "/api/v1/dossiers", `procedure=1.001612`, "", 400, "malformed-json"},
		{"JSON array", "POST", "/api/v1/dossiers", `[1,2]`, "", 400, "malformed-json"},
		{"two values", "POST", "/api/v1/dossiers", `{"procedure":"1.001612","applicant":{"name":"A"}} {}`, "", 400, "malformed-json"},
		{"empty body", "POST", "/api/v1/dossiers", ``, "", 400, "malformed-json"},
		{"unknown field", "POST", "/api/v1/dossiers", `{"procedure":"1.001612","applicant":{"name":"A"},"priority":1}`, "", 400, "unknown-field"},
		{"unknown nested field", "POST", "/api/v1/dossiers", `{"procedure":"1.001612","applicant":{"name":"A","age":30}}`, "", 400, "unknown-field"},
		{"wrong type", "POST", "/api/v1/dossiers", `{"procedure":1001612,"applicant":{"name":"A"}}`, "", 400, "invalid-value"},
		{"no procedure", "POST", "/api/v1/dossiers", `{"applicant":{"name":"A"}}`, "", 400, "invalid-value"},
		{"unknown procedure", "POST", "/api/v1/dossiers", `{"procedure":"9.999999","applicant":{"name":"A"}}`, "", 400, "invalid-value"},
		{"bad procedure code", "POST", "/api/v1/dossiers", `{"procedure":"thủ tục","applicant":{"name":"A"}}`, "", 400, "invalid-value"},
		{"bad channel", "POST", "/api/v1/dossiers", `{"procedure":"1.001612","applicant":{"name":"A"},"channel":"fax"}`, "", 400, "invalid-value"},
		{"channel not allowed", "POST", "/api/v1/dossiers", `{"procedure":"1.004194","applicant":{"name":"A"},"channel":"postal"}`, "", 400, "invalid-value"},
		{"no name", "POST", "/api/v1/dossiers", `{"procedure":"1.001612","applicant":{"name":"  "}}`, "", 400, "invalid-value"},
		{"control character", "POST", "/api/v1/dossiers", `{"procedure":"1.001612","applicant":{"name":"A\u0000B"}}`, "", 400, "invalid-value"},
		{"bad code", "GET", "/api/v1/dossiers/not-a-code", nil, "", 400, "invalid-code"},
		{"bad public code", "GET", "/api/v1/public/dossiers/000.00.01.H26-251345-0001", nil, "", 400, "invalid-code"},
		{"bad cursor", "GET", "/api/v1/dossiers?cursor=zzz", nil, "", 400, "invalid-cursor"},
		{"bad status", "GET", "/api/v1/dossiers?status=lost", nil, "", 400, "invalid-value"},
		{"bad limit", "GET", "/api/v1/dossiers?limit=0", nil, "", 400, "invalid-value"},
		{"bad from", "GET", "/api/v1/dossiers?from=03/03/2025", nil, "", 400, "invalid-value"},
		{"reason missing", "POST", "/api/v1/dossiers/" + code + "/refuse", `{}`, "", 400, "invalid-value"},
		{"field not taken", "POST", "/api/v1/dossiers/" + code + "/resolve", `{"due":"2025-10-20 10:00"}`, "", 400, "invalid-value"},
		{"reschedule earlier", "POST", "/api/v1/dossiers/" + code + "/reschedule", `{"reason":"x","due":"2025-10-07 10:00"}`, "", 400, "invalid-value"},
		{"bad duration", "GET", "/api/v1/due?duration=ba%20ng%C3%A0y", nil, "", 400, "invalid-value"},
		{"bad procedure path", "GET", "/api/v1/procedures/abc", nil, "", 400, "invalid-procedure-code"},
		{"bad report format", "GET", "/api/v1/reports/summary?format=pdf", nil, "", 400, "invalid-value"},
		{"dossier not found", "GET", "/api/v1/dossiers/" + unknown, nil, "", 404, "not-found"},
		{"public not found", "GET", "/api/v1/public/dossiers/" + unknown, nil, "", 404, "not-found"},
		{"action on unknown dossier", "POST", "/api/v1/dossiers/" + unknown + "/resolve", nil, "", 404, "not-found"},
		{"unknown action", "POST", "/api/v1/dossiers/" + code + "/approve", nil, "", 404, "not-found"},
		{"procedure not found", "GET", "/api/v1/procedures/9.999999", nil, "", 404, "not-found"},
		{"no route", "GET", "/api/v2/dossiers", nil, "", 404, "not-found"},
		{"method not allowed", "DELETE", "/api/v1/dossiers/" + code, nil, "", 405, "method-not-allowed"},
		{"invalid transition", "POST", "/api/v1/dossiers/" + code + "/return", nil, "", 409, "invalid-transition"},
		{"too large", "POST", "/api/v1/dossiers", big, "", 413, "too-large"},
		{"too large action", "POST", "/api/v1/dossiers/" + code + "/refuse", `{"reason":"` + strings.Repeat("x", maxBody) + `"}`, "", 413, "too-large"},
		{"text/plain", "POST", "/api/v1/dossiers", `{"procedure":"1.001612","applicant":{"name":"A"}}`, "text/plain", 415, "unsupported-media-type"},
		{"form", "POST", "/api/v1/dossiers", `procedure=1.001612`, "application/x-www-form-urlencoded", 415, "unsupported-media-type"},
		{"no content type", "POST", "/api/v1/dossiers", `{"procedure":"1.001612","applicant":{"name":"A"}}`, "-", 415, "unsupported-media-type"},
		{"latin-1", "POST", "/api/v1/dossiers", `{}`, "application/json; charset=iso-8859-1", 415, "unsupported-media-type"},
		{"action body without type", "POST", "/api/v1/dossiers/" + code + "/refuse", `{"reason":"x"}`, "-", 415, "unsupported-media-type"},
		{"rating as text", "POST", "/api/v1/public/dossiers/" + code + "/rating", `{"level":1}`, "text/plain", 415, "unsupported-media-type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			switch tt.contentType {
			case "":
			case "-":
				hdr = []string{"Content-Type", ""}
			default:
				hdr = []string{"Content-Type", tt.contentType}
			}
			r := d.request(tt.method, tt.path, tt.body, true, hdr...)
			p := requireProblem(t, r, tt.status)
			assert.Equal(t, "urn:motcua:problem:"+tt.typ, p["type"], "%s", r.body)
			if tt.status == http.StatusMethodNotAllowed {
				assert.Contains(t, r.header.Get("Allow"), "GET")
			}
		})
	}
	// Nothing above changed the dossier.
	r := d.officer("GET", "/api/v1/dossiers/"+code, nil)
	assert.Equal(t, "received", r.json(t)["status"])
	assert.Len(t, r.json(t)["events"], 1)
}

// conflictingBackend fails every append with ErrConflict, as when another
// officer wrote the dossier in between.
type conflictingBackend struct{ backend }

func (conflictingBackend) Append(context.Context, dossier.Code, int, ...dossier.Event) (*dossier.Dossier, error) {
	return nil, dossier.ErrConflict
}

func TestConflict(t *testing.T) {
	t.Parallel()
	d := newDeskOn(t, conflictingBackend{sqliteBackend(t)})
	code := d.receive(anIntake("Ngô Thị Hoa"))
	p := requireProblem(t, d.officer("POST", "/api/v1/dossiers/"+code+"/resolve", nil), http.StatusConflict)
	assert.Equal(t, "urn:motcua:problem:conflict", p["type"])
}

// brokenBackend fails as a database that went away does.
type brokenBackend struct{ backend }

var errDown = errors.New("database is down: connection refused to 10.0.0.7:5432")

func (brokenBackend) Get(context.Context, dossier.Code) (*dossier.Dossier, error) {
	return nil, errDown
}
func (brokenBackend) Ping(context.Context) error { return errDown }

// TestInternalErrors: a failing store and a panicking handler get a 500 that
// says nothing of the cause, which goes to the log; the server keeps
// serving.
func TestInternalErrors(t *testing.T) {
	t.Parallel()
	mb, err := newMemoryBackend(context.Background())
	require.NoError(t, err)
	d := newDeskOn(t, brokenBackend{mb})
	d.srv.mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) {
		panic("secret internal state 42")
	})

	r := d.public("GET", "/panic", nil)
	p := requireProblem(t, r, http.StatusInternalServerError)
	assert.NotContains(t, r.String(), "secret")
	assert.NotContains(t, r.String(), "goroutine")
	assert.Contains(t, d.logs.String(), "secret internal state 42")
	assert.Contains(t, d.logs.String(), p["requestId"].(string))

	r = d.public("GET", "/api/v1/public/dossiers/000.00.01.H26-251006-0001", nil)
	requireProblem(t, r, http.StatusInternalServerError)
	assert.NotContains(t, r.String(), "10.0.0.7")
	assert.Contains(t, d.logs.String(), "10.0.0.7")

	requireProblem(t, d.public("GET", "/healthz", nil), http.StatusServiceUnavailable)
	// Still serving.
	assert.Equal(t, http.StatusOK, d.public("GET", "/api/v1/procedures", nil).status)
}

// TestPagination pages through the list with an opaque cursor: every
// dossier once, in order.
func TestPagination(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	var want []string
	for i := range 23 {
		if i == 12 {
			d.clock.Set(monday0900.Add(24 * time.Hour)) // the next day, a new sequence
		}
		want = append(want, d.receive(anIntake(fmt.Sprintf("Người nộp %d", i))))
	}
	require.Equal(t, http.StatusOK, d.officer("POST", "/api/v1/dossiers/"+want[3]+"/resolve", nil).status)

	var got []string
	cursor := ""
	pages := 0
	for {
		path := "/api/v1/dossiers?limit=5"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		r := d.officer("GET", path, nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		page := r.json(t)
		for _, it := range page["items"].([]any) {
			got = append(got, it.(map[string]any)["code"].(string))
		}
		pages++
		next, _ := page["next"].(string)
		if next == "" {
			break
		}
		cursor = next
		require.Less(t, pages, 10)
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 5, pages)

	r := d.officer("GET", "/api/v1/dossiers?status=resolved", nil)
	items := r.json(t)["items"].([]any)
	require.Len(t, items, 1)
	assert.Equal(t, want[3], items[0].(map[string]any)["code"])

	r = d.officer("GET", "/api/v1/dossiers?from=2025-10-07&limit=100", nil)
	assert.Len(t, r.json(t)["items"], 11)
	r = d.officer("GET", "/api/v1/dossiers?to=2025-10-06&status=2", nil)
	assert.Len(t, r.json(t)["items"], 11)
}

func TestParseCursor(t *testing.T) {
	t.Parallel()
	c := cursor{received: monday0900.Add(123456789), code: dossier.Code{Agency: "000.00.01.H26", Date: sla.Date{Year: 2025, Month: 10, Day: 6}, Seq: 42}}
	got, ok := parseCursor(c.String())
	require.True(t, ok)
	assert.True(t, c.received.Equal(got.received))
	assert.Equal(t, c.code, got.code)
	for _, bad := range []string{"", "x", "MXwxfA", c.String() + "A", strings.Repeat("A", 300)} {
		_, ok := parseCursor(bad)
		assert.False(t, ok, "%q", bad)
	}
}

func TestCatalogueAndDue(t *testing.T) {
	t.Parallel()
	d := newDesk(t)

	r := d.public("GET", "/api/v1/procedures?q="+url.QueryEscape("dang ky ket hon"), nil)
	require.Equal(t, http.StatusOK, r.status)
	items := r.json(t)["items"].([]any)
	require.NotEmpty(t, items)
	assert.Equal(t, "Thủ tục đăng ký kết hôn", items[0].(map[string]any)["name"])

	r = d.public("GET", "/api/v1/procedures?q="+url.QueryEscape("xyzzy"), nil)
	assert.Equal(t, `{"items":[]}`, strings.TrimSpace(r.String()))

	r = d.public("GET", "/api/v1/procedures/1.001612", nil)
	require.Equal(t, http.StatusOK, r.status)
	p := r.json(t)
	assert.Equal(t, "03 ngày làm việc", p["duration"])
	assert.Equal(t, []any{"direct", "online", "postal"}, p["channels"])

	// Three working days from the Friday before Tết 2025 end after the holiday.
	r = d.public("GET", "/api/v1/due?received="+url.QueryEscape("2025-01-24 10:00")+"&duration="+url.QueryEscape("3 ngày làm việc"), nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	due := r.json(t)
	assert.Equal(t, "2025-02-05T10:00:00+07:00", due["due"])
	assert.Equal(t, "03 ngày làm việc", due["duration"])
	assert.Equal(t, "10 giờ 00 phút, Thứ Tư, ngày 05/02/2025", due["dueText"])
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	r := d.public("GET", "/healthz", nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.JSONEq(t, `{"status":"ok"}`, r.String())
}

// TestRequestLog: every request is logged as one JSON line with its ID,
// which the response carries too.
func TestRequestLog(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	r := d.public("GET", "/healthz", nil)
	id := r.header.Get("X-Request-ID")
	require.NotEmpty(t, id)
	assert.Contains(t, d.logs.String(), `"request_id":"`+id+`"`)
	assert.Contains(t, d.logs.String(), `"path":"/healthz","status":200`)

	r = d.request("GET", "/healthz", nil, false, "X-Request-ID", "from-the-proxy-1")
	assert.Equal(t, "from-the-proxy-1", r.header.Get("X-Request-ID"))
	r = d.request("GET", "/healthz", nil, false, "X-Request-ID", "<script>")
	assert.NotEqual(t, "<script>", r.header.Get("X-Request-ID"))
}

// Times far outside the calendar's years are a 400, not a cut answer or a
// database error further down.
func TestYearsOutOfRange(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	for _, path := range []string{
		"/api/v1/reports/summary?from=2025-01-01&to=9999-12-31",
		"/api/v1/reports/summary?from=0001-01-01",
		"/api/v1/dossiers?from=2025-01-01&to=9999-12-31T00:00:00Z",
	} {
		requireProblem(t, d.officer("GET", path, nil), http.StatusBadRequest)
	}
	requireProblem(t, d.public("GET", "/api/v1/due?received=3000-01-01%2009:00&duration=3%20ng%C3%A0y%20l%C3%A0m%20vi%E1%BB%87c", nil), http.StatusBadRequest)
	code := d.receive(anIntake("Nguyễn Văn An"))
	requireProblem(t, d.officer("POST", "/api/v1/dossiers/"+code+"/reschedule", map[string]any{"reason": "chờ xác minh", "due": "9999-01-01 09:00"}), http.StatusBadRequest)
}

// The DSN's password never reaches a message, however it is written.
func TestDSNPasswordNeverShown(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{"postgres://u@host/db?password=hunter2", "postgres://u:hunter2@host/db", "postgres://u:hun@ter2@host/db", "host=x password=hunter2"} {
		assert.NotContains(t, sqlstore.Redact(dsn), "ter2", dsn)
	}
	// Refused before any connection is tried.
	for _, dsn := range []string{"host=x password=hunter2", "mysql://u:hunter2@host/db"} {
		_, err := openBackend(context.Background(), dsn)
		require.Error(t, err, dsn)
		assert.NotContains(t, err.Error(), "hunter2", dsn)
	}
}

// TestNoTimelinessWithoutResult: a dossier refused, withdrawn or stopped
// ended without a result, so it is neither early, on time nor late; one
// with a result, or still open, is judged.
func TestNoTimelinessWithoutResult(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	tests := []struct {
		name    string
		actions []string
		want    string // "" for no timeliness
	}{
		{"refused", []string{"refuse"}, ""},
		{"withdrawn", []string{"withdraw"}, ""},
		{"stopped", []string{"stop"}, ""},
		{"withdrawn while in progress", []string{"transfer", "withdraw"}, ""},
		{"open", nil, "in-time"},
		{"resolved", []string{"resolve"}, "early"},
		{"returned", []string{"resolve", "return"}, "early"},
	}
	body := map[string]map[string]string{
		"refuse":   {"reason": "Hồ sơ không thuộc thẩm quyền"},
		"withdraw": {"reason": "Người nộp xin rút hồ sơ"},
		"stop":     {"reason": "Người nộp đã qua đời"},
		"transfer": {"to": "Phòng Kinh tế"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code := d.receive(anIntake("Hoàng Văn Nam"))
			var last reply
			for _, a := range tt.actions {
				var b any
				if m, ok := body[a]; ok {
					b = m
				}
				last = d.officer("POST", "/api/v1/dossiers/"+code+"/"+a, b)
				require.Equal(t, http.StatusOK, last.status, "%s: %s", a, last.body)
			}
			views := []map[string]any{d.officer("GET", "/api/v1/dossiers/"+code, nil).json(t)}
			if last.body != nil {
				views = append(views, last.json(t))
			}
			for _, got := range views {
				if tt.want == "" {
					assert.NotContains(t, got, "timeliness")
					assert.NotContains(t, got, "timelinessText")
				} else {
					assert.Equal(t, tt.want, got["timeliness"])
				}
			}
		})
	}
}

// TestRescheduleInWorkingTime: a new appointment falls in the desk's hours
// on Vietnam's calendar; otherwise the 400 says when the next working time
// starts. The dossiers are received on Monday 06/10/2025, due 09/10.
func TestRescheduleInWorkingTime(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	tests := []struct {
		name, due string
		next      string // "" when the appointment is taken
	}{
		{"Saturday", "2025-10-11 09:00", "07:30 ngày 13/10/2025"},
		{"night", "2025-10-14 03:00", "07:30 ngày 14/10/2025"},
		{"lunch", "2025-10-14 12:00", "13:00 ngày 14/10/2025"},
		{"a second after the morning", "2025-10-14T11:30:01+07:00", "13:00 ngày 14/10/2025"},
		{"evening", "2025-10-14 17:01", "07:30 ngày 15/10/2025"},
		{"Tết", "2026-02-17 10:00", "07:30 ngày 23/02/2026"},
		{"in the afternoon", "2025-10-14 14:00", ""},
		{"start of the day", "2025-10-14 07:30", ""},
		{"end of the day", "2025-10-17 17:00", ""},
		{"make-up Saturday", "2026-01-10 09:00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code := d.receive(anIntake("Vũ Thị Lan"))
			r := d.officer("POST", "/api/v1/dossiers/"+code+"/reschedule", map[string]string{"reason": "Cần xác minh thêm", "due": tt.due})
			if tt.next == "" {
				require.Equal(t, http.StatusOK, r.status, "%s", r.body)
				return
			}
			p := requireProblem(t, r, http.StatusBadRequest)
			assert.Equal(t, "Ngày hẹn mới (due) phải trong giờ làm việc; thời điểm làm việc gần nhất là "+tt.next+".", p["detail"])
			assert.Len(t, d.officer("GET", "/api/v1/dossiers/"+code, nil).json(t)["events"], 1, "nothing recorded")
		})
	}
}

// TestNamesWithoutFormatCharacters: a name holding an invisible format
// character (Unicode category Cf) is refused with a 400 that names the
// field; free text such as an address may hold one.
func TestNamesWithoutFormatCharacters(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	code := d.receive(anIntake("Nguyễn Văn An"))
	intake := func(field, value string) map[string]any {
		in := anIntake("Nguyễn Văn An")
		if f, ok := strings.CutPrefix(field, "applicant."); ok {
			in["applicant"].(map[string]any)[f] = value
		} else {
			in[field] = value
		}
		return in
	}
	tests := []struct {
		name, path, field string
		body              any
	}{
		{"zero width space", "/api/v1/dossiers", "applicant.name", intake("applicant.name", "Nguyễn\u200bVăn\u200bAn")},
		{"word joiner", "/api/v1/dossiers", "applicant.name", intake("applicant.name", "Nguyễn\u2060Văn An")},
		{"right-to-left override", "/api/v1/dossiers", "applicant.name", intake("applicant.name", "\u202eNguyễn Văn An")},
		{"byte order mark", "/api/v1/dossiers", "applicant.name", intake("applicant.name", "\ufeffNguyễn Văn An")},
		{"organisation", "/api/v1/dossiers", "applicant.organisation", intake("applicant.organisation", "Công ty\u200b TNHH An Phát")},
		{"receiver", "/api/v1/dossiers/" + code + "/transfer", "to", map[string]string{"to": "Phòng\u202eKinh tế"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := requireProblem(t, d.officer("POST", tt.path, tt.body), http.StatusBadRequest)
			assert.Contains(t, p["detail"], "«"+tt.field+"»")
		})
	}
	p := requireProblem(t, d.officer("POST", "/api/v1/dossiers", intake("applicant.address", "12 Hàng\u00adBạc, Hoàn Kiếm")), http.StatusBadRequest)
	assert.Contains(t, p["detail"], "«applicant.address»", "no field takes invisible characters")
}

// The analyses answer in each of their formats, and the
// statistics as Excel.
func TestReportRoutes(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	code := d.receive(anIntake("Nguyễn Văn An"))
	d.clock.Set(monday0900.Add(26 * time.Hour))
	require.Equal(t, http.StatusOK, d.officer("POST", "/api/v1/dossiers/"+code+"/resolve", nil).status)
	q := "?from=2025-10-01&to=2025-10-31"
	tests := []struct {
		path, format, contentType, contains string
	}{
		{"statistics", "xlsx", xlsxType, "PK"},
		{"statistics", "csv", csvType, "Tổng cộng"},
		{"late", "json", jsonType, `"late": 0`},
		{"late", "xlsx", xlsxType, "PK"},
		{"cuts", "json", jsonType, "[]"},
		{"cuts", "text", textType, ""},
		{"online", "text", textType, "Trên 1 hồ sơ tiếp nhận trong kỳ"},
		{"online", "json", jsonType, `"online"`},
		{"index", "text", textType, "Quyết định 766/QĐ-TTg"},
		{"index", "json", jsonType, `"groups"`},
	}
	for _, tt := range tests {
		r := d.officer("GET", "/api/v1/reports/"+tt.path+q+"&format="+tt.format, nil)
		require.Equal(t, http.StatusOK, r.status, "%s %s: %s", tt.path, tt.format, r.body)
		assert.Equal(t, tt.contentType, r.header.Get("Content-Type"), tt.path)
		assert.Contains(t, r.String(), tt.contains, "%s as %s", tt.path, tt.format)
	}
	p := requireProblem(t, d.officer("GET", "/api/v1/reports/late"+q+"&format=pdf", nil), http.StatusBadRequest)
	assert.Contains(t, p["detail"], "json, xlsx")
	assert.Equal(t, http.StatusUnauthorized, d.public("GET", "/api/v1/reports/index"+q, nil).status)
}

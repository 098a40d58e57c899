package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

// TestSignIn: the form signs in with a cookie that scripts cannot read and
// other sites do not send; a wrong password, an unknown username and a
// disabled account get the same refusal; the page goes back where the
// officer was sent from, and never to another site.
func TestSignIn(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.addOfficer("an.nguyen", "Nguyễn Văn An", byOneStop)
	d.addOfficer("khoa", "Người Bị Khóa", byOneStop, func(o *officer) { o.Disabled = true })

	r := d.public("GET", "/", nil)
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/dang-nhap?tiep=%2F", r.header.Get("Location"))
	r = d.public("GET", "/dang-nhap", nil)
	require.Equal(t, http.StatusOK, r.status)
	checkPage(t, r)
	assert.Contains(t, r.String(), `<form method="post" action="/dang-nhap"`)

	b := d.newBrowser()
	r = b.post("/dang-nhap", url.Values{"username": {"  AN.Nguyen "}, "password": {testPassword}, "tiep": {"/ho-so/x"}})
	require.Equal(t, http.StatusSeeOther, r.status, "%s", r.body)
	assert.Equal(t, "/ho-so/x", r.header.Get("Location"))
	c := r.header.Get("Set-Cookie")
	for _, want := range []string{"motcua_session=", "Path=/", "HttpOnly", "SameSite=Lax"} {
		assert.Contains(t, c, want)
	}
	assert.NotContains(t, c, "Secure", "plain HTTP, no -behind-tls")
	r = b.get("/")
	require.Equal(t, http.StatusOK, r.status)
	checkPage(t, r)
	assert.Contains(t, r.String(), "Nguyễn Văn An (an.nguyen)")

	for _, tt := range []struct{ name, username, password string }{
		{"wrong password", "an.nguyen", "not the password"},
		{"unknown", "nobody", testPassword},
		{"disabled", "khoa", testPassword},
		{"too long", strings.Repeat("a", 100), testPassword},
	} {
		r := d.newBrowser().post("/dang-nhap", url.Values{"username": {tt.username}, "password": {tt.password}})
		assert.Equal(t, http.StatusUnauthorized, r.status, tt.name)
		assert.Contains(t, r.String(), "Sai tên đăng nhập hoặc mật khẩu", tt.name)
		assert.Empty(t, r.header.Get("Set-Cookie"), tt.name)
	}

	for _, next := range []string{"//evil.example/x", "https://evil.example", "/\\evil.example", "evil", "/\t/evil.example", "/a\\b"} {
		r := d.newBrowser().post("/dang-nhap", url.Values{"username": {"an.nguyen"}, "password": {testPassword}, "tiep": {next}})
		require.Equal(t, http.StatusSeeOther, r.status)
		assert.Equal(t, "/", r.header.Get("Location"), next)
	}
}

// TestSecureCookie: the cookie is Secure, under the __Host- prefix, over
// TLS and behind a proxy that says it serves TLS.
func TestSecureCookie(t *testing.T) {
	t.Parallel()
	d := newDesk(t, func(c *config) { c.BehindTLS = true })
	d.addOfficer("an.nguyen", "Nguyễn Văn An", byOneStop)
	r := d.newBrowser().post("/dang-nhap", url.Values{"username": {"an.nguyen"}, "password": {testPassword}})
	require.Equal(t, http.StatusSeeOther, r.status)
	c := r.header.Get("Set-Cookie")
	assert.True(t, strings.HasPrefix(c, "__Host-motcua_session="), c)
	assert.Contains(t, c, "Secure")

	plain := newDesk(t)
	ts := httptest.NewTLSServer(plain.srv)
	defer ts.Close()
	plain.addOfficer("an.nguyen", "Nguyễn Văn An", byOneStop)
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.PostForm(ts.URL+"/dang-nhap", url.Values{"username": {"an.nguyen"}, "password": {testPassword}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Contains(t, resp.Header.Get("Set-Cookie"), "Secure")
}

// TestSessions: a session ends after 30 minutes without a request, after 12
// hours whatever, and at once when the officer signs out; the cookie of an
// ended session signs nobody in.
func TestSessions(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.addOfficer("an.nguyen", "Nguyễn Văn An", byOneStop)

	b := d.signIn("an.nguyen")
	for range 4 { // 4 × 25 minutes, each within the idle time of the last
		d.clock.Set(d.clock.Now().Add(25 * time.Minute))
		require.Equal(t, http.StatusOK, b.get("/").status)
	}
	d.clock.Set(d.clock.Now().Add(sessionIdle))
	r := b.get("/tai-khoan")
	assert.Equal(t, http.StatusSeeOther, r.status, "idle for 30 minutes")
	assert.Equal(t, "/dang-nhap?tiep=%2Ftai-khoan", r.header.Get("Location"))

	d.clock.Set(monday0900)
	b = d.signIn("an.nguyen")
	for at := monday0900; at.Before(monday0900.Add(sessionMax - 20*time.Minute)); at = at.Add(20 * time.Minute) {
		d.clock.Set(at)
		require.Equal(t, http.StatusOK, b.get("/").status)
	}
	d.clock.Set(monday0900.Add(sessionMax))
	assert.Equal(t, http.StatusSeeOther, b.get("/").status, "signed in for 12 hours")

	d.clock.Set(monday0900)
	b = d.signIn("an.nguyen")
	cookies := b.client.Jar.Cookies(mustURL(t, d.http.URL))
	r = b.post("/dang-xuat", url.Values{})
	require.Equal(t, http.StatusSeeOther, r.status)
	assert.Equal(t, "/dang-nhap?da-dang-xuat=1", r.header.Get("Location"))
	assert.Contains(t, b.get("/dang-nhap?da-dang-xuat=1").String(), "Ông/bà đã đăng xuất.")
	replay := d.newBrowser()
	replay.client.Jar.SetCookies(mustURL(t, d.http.URL), cookies)
	assert.Equal(t, http.StatusSeeOther, replay.get("/").status, "the cookie of a signed-out session")
	assert.Equal(t, http.StatusUnauthorized, replay.get("/api/v1/dossiers").status)
}

var (
	newTokenRE = regexp.MustCompile(`id="new-token">([^<]+)<`)
	tokenIDRE  = regexp.MustCompile(`name="ma" value="([0-9a-f]+)"`)
)

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

// TestCSRF: a form that changes something needs the session's token; the
// API, used with the cookie, needs it in X-CSRF-Token; with a bearer token
// it needs none.
func TestCSRF(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	b := d.signIn("canbo")
	code := d.receive(anIntake("Nguyễn Văn An"))

	for _, tok := range []string{"", "forged-token"} {
		r := b.post("/ho-so/"+code, url.Values{"csrf": {tok}, "action": {"resolve"}, "version": {"1"}})
		assert.Equal(t, http.StatusForbidden, r.status, "%q: %s", tok, r.body)
		assert.Contains(t, r.String(), "Biểu mẫu đã cũ")
		r = b.post("/dang-xuat", url.Values{"csrf": {tok}})
		assert.Equal(t, http.StatusForbidden, r.status)
	}
	assert.Equal(t, "received", d.officer("GET", "/api/v1/dossiers/"+code, nil).json(t)["status"], "nothing recorded")

	// The API with the cookie: reading needs nothing more; writing, the token.
	req, _ := http.NewRequest("GET", d.http.URL+"/api/v1/dossiers/"+code, nil)
	assert.Equal(t, http.StatusOK, b.do(req).status)
	req, _ = http.NewRequest("POST", d.http.URL+"/api/v1/dossiers/"+code+"/resolve", nil)
	p := requireProblem(t, b.do(req), http.StatusForbidden)
	assert.Equal(t, "urn:motcua:problem:csrf", p["type"])
	req, _ = http.NewRequest("POST", d.http.URL+"/api/v1/dossiers/"+code+"/resolve", nil)
	req.Header.Set("X-CSRF-Token", b.csrf)
	assert.Equal(t, http.StatusOK, b.do(req).status)
	// JSON is as good: no other site's page can send it.
	req, _ = http.NewRequest("POST", d.http.URL+"/api/v1/dossiers", strings.NewReader(`{"procedure":"1.001612","applicant":{"name":"Lê Văn Tám"}}`))
	req.Header.Set("Content-Type", "application/json")
	r := b.do(req)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Equal(t, testActor, r.json(t)["events"].([]any)[0].(map[string]any)["actor"], "the officer signed in")
	req, _ = http.NewRequest("POST", d.http.URL+"/api/v1/dossiers", strings.NewReader(`procedure=1.001612`))
	req.Header.Set("Content-Type", "text/plain")
	requireProblem(t, b.do(req), http.StatusForbidden)

	// A form that is not one.
	req, _ = http.NewRequest("POST", d.http.URL+"/ho-so/"+code, strings.NewReader(`{"action":"return"}`))
	req.Header.Set("Content-Type", "application/json")
	assert.Equal(t, http.StatusUnsupportedMediaType, b.do(req).status)
}

// TestThrottle: after 5 failed sign-ins in a row for a username, the 5th
// answers 429 and says how long to wait; until then even the right
// password is refused unchecked; the wait doubles with each failure after;
// a success forgets the failures; other usernames are not slowed down.
func TestThrottle(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.addOfficer("an.nguyen", "Nguyễn Văn An", byOneStop)
	try := func(username, password string) reply {
		return d.newBrowser().post("/dang-nhap", url.Values{"username": {username}, "password": {password}})
	}
	for i := 1; i < throttleAfter; i++ {
		r := try("an.nguyen", "sai")
		require.Equal(t, http.StatusUnauthorized, r.status)
		if throttleAfter-i <= 2 {
			assert.Contains(t, r.String(), "trước khi phải chờ")
		}
	}
	r := try("an.nguyen", "sai")
	require.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, "60", r.header.Get("Retry-After"))
	checkPage(t, r)
	assert.Contains(t, r.String(), "đã nhập sai mật khẩu 5 lần liên tiếp")
	assert.Contains(t, r.String(), "xin chờ 1 phút")

	d.clock.Set(monday0900.Add(30 * time.Second))
	r = try("an.nguyen", testPassword)
	assert.Equal(t, http.StatusTooManyRequests, r.status, "the right password waits too")
	assert.Equal(t, "30", r.header.Get("Retry-After"))
	assert.Contains(t, r.String(), "xin chờ 30 giây")
	assert.Equal(t, http.StatusSeeOther, try("canbo", testPassword).status, "another username")
	assert.Equal(t, http.StatusUnauthorized, try("nobody", "x").status, "an unknown one")

	d.clock.Set(monday0900.Add(61 * time.Second))
	r = try("an.nguyen", "sai again")
	assert.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, "120", r.header.Get("Retry-After"), "the 6th failure doubles the wait")

	d.clock.Set(monday0900.Add(61*time.Second + 2*time.Minute))
	assert.Equal(t, http.StatusSeeOther, try("an.nguyen", testPassword).status)
	assert.Equal(t, http.StatusUnauthorized, try("an.nguyen", "sai").status, "the success forgot the failures")

	// Failures an hour old are forgotten too.
	for range throttleAfter {
		try("an.nguyen", "sai")
	}
	d.clock.Set(d.clock.Now().Add(throttleWindow))
	assert.Equal(t, http.StatusSeeOther, try("an.nguyen", testPassword).status)
}

func TestThrottleDelay(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]time.Duration{0: 0, 4: 0, 5: time.Minute, 6: 2 * time.Minute, 7: 4 * time.Minute, 9: throttleMax, 100: throttleMax} {
		assert.Equal(t, want, throttleDelay(n), "%d failures", n)
	}
}

// TestPasswordChange: the account page changes the password with the
// current one; the officer's other sessions end, this one stays.
func TestPasswordChange(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.addOfficer("an.nguyen", "Nguyễn Văn An", byOneStop)
	b := d.signIn("an.nguyen")
	other := d.signIn("an.nguyen")

	for _, tt := range []struct{ name, old, pw, again, want string }{
		{"wrong current", "sai", "mat-khau-moi-123", "mat-khau-moi-123", "Mật khẩu hiện tại không đúng"},
		{"short", testPassword, "ngan", "ngan", "ít nhất 10 ký tự"},
		{"mismatch", testPassword, "mat-khau-moi-123", "mat-khau-moi-124", "không khớp"},
	} {
		r := b.post("/tai-khoan", url.Values{"viec": {"doi-mat-khau"}, "mat-khau-cu": {tt.old}, "mat-khau-moi": {tt.pw}, "nhap-lai": {tt.again}})
		assert.Equal(t, http.StatusBadRequest, r.status, tt.name)
		assert.Contains(t, r.String(), tt.want, tt.name)
	}
	r := b.post("/tai-khoan", url.Values{"viec": {"doi-mat-khau"}, "mat-khau-cu": {testPassword}, "mat-khau-moi": {"mat-khau-moi-123"}, "nhap-lai": {"mat-khau-moi-123"}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Contains(t, r.String(), "Đã đổi mật khẩu")
	assert.Equal(t, http.StatusOK, b.get("/").status, "this session stays")
	assert.Equal(t, http.StatusSeeOther, other.get("/").status, "the other ended")
	assert.Equal(t, http.StatusUnauthorized, d.newBrowser().post("/dang-nhap", url.Values{"username": {"an.nguyen"}, "password": {testPassword}}).status)
	assert.Equal(t, http.StatusSeeOther, d.newBrowser().post("/dang-nhap", url.Values{"username": {"an.nguyen"}, "password": {"mat-khau-moi-123"}}).status)
}

// TestTokens: a token made on the account page is shown once and works; the
// page lists it by name, never its value; revoked, it gets the same 401 as
// a wrong one, and so does a disabled officer's.
func TestTokens(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	d.addOfficer("an.nguyen", "Nguyễn Văn An", byOneStop)
	b := d.signIn("an.nguyen")
	r := b.post("/tai-khoan", url.Values{"viec": {"tao-ma"}, "ten": {"Máy quét <tại quầy>"}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	checkPage(t, r)
	tok := newTokenRE.FindStringSubmatch(r.String())
	require.NotNil(t, tok, "%s", r.body)
	assert.True(t, strings.HasPrefix(tok[1], tokenPrefix))
	assert.Contains(t, r.String(), "Máy quét &lt;tại quầy&gt;")

	code := d.receive(anIntake("Lê Thị Hoa"))
	assert.Equal(t, http.StatusOK, d.as(tok[1], "GET", "/api/v1/dossiers/"+code, nil).status)
	r = b.get("/tai-khoan")
	assert.NotContains(t, r.String(), tok[1], "shown once")
	assert.Contains(t, r.String(), "Máy quét &lt;tại quầy&gt;")
	assert.NotContains(t, r.String(), "chưa dùng", "last used")

	// Another officer cannot revoke it.
	ids := tokenIDRE.FindStringSubmatch(r.String())
	require.NotNil(t, ids)
	other := d.signIn("canbo")
	assert.Equal(t, http.StatusNotFound, other.post("/tai-khoan", url.Values{"viec": {"thu-hoi-ma"}, "ma": {ids[1]}}).status)
	assert.Equal(t, http.StatusOK, d.as(tok[1], "GET", "/api/v1/dossiers/"+code, nil).status)

	r = b.post("/tai-khoan", url.Values{"viec": {"thu-hoi-ma"}, "ma": {ids[1]}})
	require.Equal(t, http.StatusOK, r.status)
	assert.Contains(t, r.String(), "Đã thu hồi mã truy cập")
	p := requireProblem(t, d.as(tok[1], "GET", "/api/v1/dossiers/"+code, nil), http.StatusUnauthorized)
	wrong := requireProblem(t, d.as("motcua_wrong", "GET", "/api/v1/dossiers/"+code, nil), http.StatusUnauthorized)
	assert.Equal(t, wrong["detail"], p["detail"])

	tok2, err := d.store.Desk().newToken(context.Background(), "an.nguyen", "cli", monday0900)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, d.as(tok2, "GET", "/api/v1/dossiers/"+code, nil).status)
	require.NoError(t, d.store.Desk().setDisabled(context.Background(), "an.nguyen", true))
	requireProblem(t, d.as(tok2, "GET", "/api/v1/dossiers/"+code, nil), http.StatusUnauthorized)
	assert.Equal(t, http.StatusSeeOther, b.get("/").status, "the session ended with the account")
}

// TestVerifyPassword: a hash made at other parameters verifies and asks to
// be made again; what is not an argon2id hash is an error, not a panic.
func TestVerifyPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ok, stale, err := verifyPassword(ctx, testHash(), testPassword)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.False(t, stale)
	ok, _, err = verifyPassword(ctx, testHash(), testPassword+"x")
	require.NoError(t, err)
	assert.False(t, ok)

	old := "$argon2id$v=19$m=8192,t=1,p=1$" + b64.EncodeToString([]byte("sixteen byte slt")) + "$"
	key, err := argon(ctx, []byte("old password"), []byte("sixteen byte slt"), 1, 8192, 1, 32)
	require.NoError(t, err)
	ok, stale, err = verifyPassword(ctx, old+b64.EncodeToString(key), "old password")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.True(t, stale)

	_, stale, err = verifyPassword(ctx, dummyHash, "x")
	require.NoError(t, err)
	assert.False(t, stale, "the dummy hash costs what a real one does")

	for _, bad := range []string{"", "$argon2i$v=19$m=8,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=1,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdA$a2V5a2V5a2V5a2V5", "$argon2id$v=19$m=64,t=1,p=1$!!$!!", "$argon2id$v=18$m=64,t=1,p=1$c2FsdA$a2V5"} {
		_, _, err := verifyPassword(ctx, bad, "x")
		assert.ErrorIs(t, err, errBadHash, bad)
	}
}

// TestRehashOnSignIn: a password hashed at older parameters is hashed
// again at today's when its officer signs in.
func TestRehashOnSignIn(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	ctx := context.Background()
	salt := []byte("sixteen byte slt")
	key, err := argon(ctx, []byte(testPassword), salt, 1, 8192, 1, 32)
	require.NoError(t, err)
	old := "$argon2id$v=19$m=8192,t=1,p=1$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
	d.addOfficer("cu.ky", "Tài Khoản Cũ", byOneStop, func(o *officer) { o.Password = old })
	d.signIn("cu.ky")
	o, err := d.store.Desk().officer(ctx, "cu.ky")
	require.NoError(t, err)
	assert.NotEqual(t, old, o.Password)
	assert.True(t, strings.HasPrefix(o.Password, fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$", argonMemory, argonTime, argonThreads)), o.Password)
	d.signIn("cu.ky")
}

func TestNewPassword(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		pw, err := newPassword()
		require.NoError(t, err)
		assert.Regexp(t, `^[a-km-np-z2-9]{4}(-[a-km-np-z2-9]{4}){3}$`, pw)
		assert.False(t, seen[pw])
		seen[pw] = true
		assert.NoError(t, checkNewPassword("an.nguyen", pw))
	}
}

// FuzzLocalPath: where a sign-in sends the browser back to is always a path
// on this server.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/ho-so/x?y=1", "//evil.example", "/\\evil", "https://evil.example", "", "/\r\nLocation: x", "/\t/evil.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := localPath(s)
		if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
			t.Fatalf("localPath(%q) = %q", s, p)
		}
		if u, err := url.Parse(p); err == nil && (u.Host != "" || u.Scheme != "") {
			t.Fatalf("localPath(%q) = %q leaves the server", s, p)
		}
	})
}

// TestAccountTextsNFC: the desk's own problems are NFC Vietnamese.
func TestAccountTextsNFC(t *testing.T) {
	t.Parallel()
	for _, p := range []*problem{errCSRF, errFormType, errActorField, forbidden(&officer{Username: "x", Roles: byOneStop}, dutyTransfer)} {
		assert.True(t, norm.NFC.IsNormalString(p.Title+p.Detail), "%s", p.Title)
	}
	assert.True(t, norm.NFC.IsNormalString(errSignIn))
}

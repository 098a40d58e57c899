package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// How officers are recognised.
//
// A browser signs in on the sign-in page (/dang-nhap) and gets a session
// cookie: HttpOnly, SameSite=Lax, Path=/, and Secure (under the name
// __Host-motcua_session) when the request came over TLS or -behind-tls says
// a proxy in front terminates it. The cookie holds a random 256-bit value;
// the table desk_sessions holds its SHA-256, so that signing out, a new
// password and disabling the account end sessions at once. A session ends
// after sessionIdle without a request and sessionMax after sign-in.
//
// Forms that change something carry the session's CSRF token in a hidden
// field, csrf, which the server checks (in constant time) before it reads
// anything else. A request to the API made with the cookie sends JSON
// (Content-Type: application/json, which no other site's page can send
// without a CORS preflight, never granted here) or the token in the header
// X-CSRF-Token. SameSite=Lax keeps the cookie off cross-site POSTs
// already, and the server's cross-origin check refuses them too; the token
// is what protects a browser that sends neither Sec-Fetch-Site nor Origin.
// The sign-in form has no session yet: the cross-origin check guards it.
//
// A program sends "Authorization: Bearer <token>", with a token its officer
// made on the account page (or the command line). Tokens are kept as their
// SHA-256 and looked up by it, so no comparison of secrets depends on their
// content; a revoked token, or one whose account is disabled, gets the same
// 401 as a wrong one.

type authKey struct{}

// A principal is who made a request: an officer, and the session when the
// request came from a signed-in browser (nil for a bearer token).
type principal struct {
	officer *officer
	session *session
}

func withPrincipal(r *http.Request, p *principal) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), authKey{}, p))
}

// signedIn returns who made the request, which the officer and officerPage
// wrappers have put in its context.
func signedIn(r *http.Request) *principal {
	p, _ := r.Context().Value(authKey{}).(*principal)
	return p
}

// cookieName is the session cookie's name: with the __Host- prefix when the
// cookie is Secure, which browsers then keep to this host and path /.
func (s *server) cookieName(r *http.Request) string {
	if s.secure(r) {
		return "__Host-motcua_session"
	}
	return "motcua_session"
}

func (s *server) secure(r *http.Request) bool { return r.TLS != nil || s.behindTLS }

// sessionOf returns the officer and live session of the request's cookie;
// errNoSession when there is none.
func (s *server) sessionOf(r *http.Request) (*officer, *session, error) {
	c, err := r.Cookie(s.cookieName(r))
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil, nil, errNoSession
	}
	return s.desk.session(r.Context(), c.Value, s.now())
}

// officer lets an API request through with an officer's bearer token, or
// with a signed-in browser's session cookie (which, for a method that
// changes something, must send the session's CSRF token in X-CSRF-Token).
func (s *server) officer(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var p principal
		var err error
		if hdr := r.Header.Get("Authorization"); hdr != "" {
			tok, ok := bearer(hdr)
			if !ok || len(tok) > 200 {
				writeProblem(w, r, errUnauthorized)
				return
			}
			p.officer, err = s.desk.tokenOfficer(r.Context(), tok, s.now())
		} else {
			p.officer, p.session, err = s.sessionOf(r)
		}
		switch {
		case errors.Is(err, errNoSession):
			writeProblem(w, r, errUnauthorized)
			return
		case err != nil:
			s.fail(w, r, err)
			return
		}
		if p.session != nil && !safeMethod(r.Method) && !sameSecret(r.Header.Get("X-CSRF-Token"), p.session.csrf) && !jsonBody(r) {
			writeProblem(w, r, errCSRF)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, withPrincipal(r, &p))
	}
}

// officerPage lets a request for an officer's screen through with a
// signed-in browser's session; others are sent to the sign-in page, which
// brings them back. A form posted to it must carry the session's CSRF token.
func (s *server) officerPage(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		o, sess, err := s.sessionOf(r)
		switch {
		case errors.Is(err, errNoSession):
			back := r.URL.RequestURI()
			if r.Method != http.MethodGet {
				back = r.URL.Path
			}
			http.Redirect(w, r, "/dang-nhap?tiep="+url.QueryEscape(back), http.StatusSeeOther)
			return
		case err != nil:
			s.failScreen(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		r = withPrincipal(r, &principal{officer: o, session: sess})
		if !safeMethod(r.Method) {
			if p := readForm(w, r); p != nil {
				s.failScreen(w, r, p)
				return
			}
			if !sameSecret(r.PostForm.Get("csrf"), sess.csrf) {
				s.failScreen(w, r, errCSRF)
				return
			}
		}
		h(w, r)
	}
}

func safeMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

// jsonBody reports whether the request says it sends JSON: no page of
// another site can send that (a form cannot, and a script needs a CORS
// preflight that this server never grants), so it protects an API request
// made with the session's cookie as the CSRF token does.
func jsonBody(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

func sameSecret(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// readForm reads a form posted from one of the server's pages:
// application/x-www-form-urlencoded, at most maxBody bytes.
func readForm(w http.ResponseWriter, r *http.Request) *problem {
	if r.ContentLength > maxBody {
		return errTooLarge
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		return errFormType
	}
	if err := r.ParseForm(); err != nil {
		var maxb *http.MaxBytesError
		if errors.As(err, &maxb) {
			return errTooLarge
		}
		return badRequest("malformed-form", "Biểu mẫu không hợp lệ", "Không đọc được biểu mẫu.")
	}
	return nil
}

var (
	errCSRF = &problem{
		Type: problemType("csrf"), Title: "Biểu mẫu không hợp lệ", Status: http.StatusForbidden,
		Detail: "Biểu mẫu đã cũ hoặc không gửi từ trang của máy chủ này. Hãy tải lại trang rồi thử lại. (Một yêu cầu gửi API kèm phiên đăng nhập cần nội dung JSON hoặc tiêu đề X-CSRF-Token.)",
	}
	errFormType = &problem{
		Type: problemType("unsupported-media-type"), Title: "Kiểu nội dung không được hỗ trợ", Status: http.StatusUnsupportedMediaType,
		Detail: "Biểu mẫu phải được gửi từ các trang của máy chủ này.",
	}
	errActorField = badRequest("actor-not-accepted", "Không nhận trường «actor»",
		"Người thực hiện là cán bộ đã đăng nhập (theo mã truy cập hoặc phiên đăng nhập), không do yêu cầu ghi: hãy bỏ trường «actor».")
	errSignIn = "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khóa."
)

type signInData struct {
	pageBase
	Username string
	Next     string
}

// localPath returns p if it is a path on this server to go back to after
// signing in, and "/" otherwise: never another site ("//evil.example"),
// nor a path with a backslash or a control character, which browsers
// drop or turn into a slash ("/\t/evil.example" is "//evil.example" to
// them).
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || len(p) > 2000 {
		return "/"
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "/"
		}
	}
	return p
}

// signInPage answers GET /dang-nhap.
func (s *server) signInPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data := signInData{pageBase: s.base(r, "Đăng nhập"), Next: localPath(q.Get("tiep"))}
	if q.Get("da-dang-xuat") != "" {
		data.Notice = "Ông/bà đã đăng xuất."
	}
	if _, _, err := s.sessionOf(r); err == nil && q.Get("da-dang-xuat") == "" {
		http.Redirect(w, r, data.Next, http.StatusSeeOther)
		return
	}
	s.screen(w, r, http.StatusOK, s.screens.signIn, &data)
}

// signIn answers the sign-in form. After throttleAfter failures in a row for
// a username it answers 429 Too Many Requests, with Retry-After and the
// wait in the page, without checking the password, until the wait is over.
func (s *server) signIn(w http.ResponseWriter, r *http.Request) {
	data := signInData{pageBase: s.base(r, "Đăng nhập")}
	if p := readForm(w, r); p != nil {
		data.Error = p.Detail
		s.screen(w, r, p.Status, s.screens.signIn, &data)
		return
	}
	ctx := r.Context()
	username := normUsername(r.PostForm.Get("username"))
	password := r.PostForm.Get("password")
	data.Username, data.Next = username, localPath(r.PostForm.Get("tiep"))
	if len(username) > maxUsername || len(password) > maxPassword {
		data.Error = errSignIn
		s.screen(w, r, http.StatusUnauthorized, s.screens.signIn, &data)
		return
	}
	now := s.now()
	failures, wait, err := s.desk.throttled(ctx, username, now)
	if err != nil {
		s.failScreen(w, r, err)
		return
	}
	if wait > 0 {
		s.tooManySignIns(w, r, &data, wait)
		return
	}

	o, err := s.desk.officer(ctx, username)
	if err != nil && !errors.Is(err, errNoOfficer) {
		s.failScreen(w, r, err)
		return
	}
	hash := dummyHash
	if o != nil && !o.Disabled {
		hash = o.Password
	}
	ok, stale, err := verifyPassword(ctx, hash, password)
	if err != nil {
		s.failScreen(w, r, err)
		return
	}
	if !ok || o == nil || o.Disabled {
		n, err := s.desk.failed(ctx, username, now)
		if err != nil {
			s.failScreen(w, r, err)
			return
		}
		logger(ctx).Warn("sign-in failed", "username", username, "failures", n)
		if n >= throttleAfter {
			s.tooManySignIns(w, r, &data, throttleDelay(n))
			return
		}
		data.Error = errSignIn
		if left := throttleAfter - n; left <= 2 {
			data.Error += fmt.Sprintf(" Còn %d lần thử trước khi phải chờ.", left)
		}
		s.screen(w, r, http.StatusUnauthorized, s.screens.signIn, &data)
		return
	}

	if failures > 0 {
		if err := s.desk.succeeded(ctx, username); err != nil {
			s.failScreen(w, r, err)
			return
		}
	}
	if stale {
		if h, err := hashPassword(ctx, password); err == nil {
			if err := s.desk.rehash(ctx, username, o.Password, h); err != nil {
				logger(ctx).Warn("rehashing a password", "username", username, "err", err)
			}
		}
	}
	if err := s.desk.pruneSessions(ctx, now); err != nil {
		logger(ctx).Warn("pruning sessions", "err", err)
	}
	value, _, err := s.desk.newSession(ctx, username, now)
	if err != nil {
		s.failScreen(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(r), Value: value, Path: "/",
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
	logger(ctx).Info("signed in", "username", username)
	http.Redirect(w, r, data.Next, http.StatusSeeOther)
}

// tooManySignIns answers a throttled sign-in.
func (s *server) tooManySignIns(w http.ResponseWriter, r *http.Request, data *signInData, wait time.Duration) {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	data.Error = fmt.Sprintf("Tên đăng nhập này đã nhập sai mật khẩu %d lần liên tiếp. Để bảo vệ tài khoản, xin chờ %s rồi thử lại.",
		throttleAfter, waitText(secs))
	s.screen(w, r, http.StatusTooManyRequests, s.screens.signIn, data)
}

// waitText writes a wait for people: "45 giây", "2 phút".
func waitText(secs int) string {
	if secs < 60 {
		return fmt.Sprintf("%d giây", secs)
	}
	return fmt.Sprintf("%d phút", (secs+59)/60)
}

// signOut answers POST /dang-xuat: the session ends at once.
func (s *server) signOut(w http.ResponseWriter, r *http.Request) {
	p := signedIn(r)
	if err := s.desk.endSession(r.Context(), p.session.id); err != nil {
		s.failScreen(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(r), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, "/dang-nhap?da-dang-xuat=1", http.StatusSeeOther)
}

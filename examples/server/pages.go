package main

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

//go:embed pages/*.html pages/style.css
var pageFiles embed.FS

// pages holds the citizens' lookup page (the printed forms are forms.go's).
// Their one inline style sheet is allowed by its hash in the
// Content-Security-Policy, which allows nothing else: no script, no image,
// no frame, and forms that post only to this server.
type pages struct {
	lookup *template.Template
	style  template.CSS
	csp    string
}

func newPages() (*pages, error) {
	css, err := pageFiles.ReadFile("pages/style.css")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{"inc": func(i int) int { return i + 1 }}
	lookup, err := template.New("lookup.html").Funcs(funcs).ParseFS(pageFiles, "pages/lookup.html")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(css)
	return &pages{
		lookup: lookup,
		style:  template.CSS(css), // our own embedded file
		csp: "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
			"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
	}, nil
}

// render executes t into a buffer first, so that a failing template sends a
// clean 500 rather than half a page.
func (pg *pages) render(w http.ResponseWriter, status int, t *template.Template, data any) error {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pg.csp)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// shortTime writes an instant for the lookup page: "10:05, Thứ Hai,
// 27/01/2025".
func shortTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(sla.ICT)
	return fmt.Sprintf("%s, %s, %s", t.Format("15:04"), sla.WeekdayName(t.Weekday()), t.Format("02/01/2006"))
}

// dong writes an amount in Vietnamese đồng with dots between thousands:
// 1500000 is "1.500.000 đồng"; nothing to pay is "Miễn phí".
func dong(n int64) string {
	if n == 0 {
		return "Miễn phí"
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String() + " đồng"
}

type receiptFee struct{ Name, Note, Amount, Collected string }

type lookupDossier struct {
	Code, ProcedureName, Applicant, Status string
	Received, Due, Finished, Returned      string
	ReturnChannel, Next                    string
	Supplement, Payment                    *pageNotice
	Refusal, Stop, Withdrawal              *pageNotice
	Apology                                *pageApology
	Rated                                  bool
}

type pageNotice struct{ Reason, At, By string }

type pageApology struct{ Reason, At, Due string }

type levelOption struct {
	Value         int
	Text, Meaning string
}

type lookupData struct {
	Style   template.CSS
	Code    string
	Secret  string
	Error   string
	Notice  string
	Dossier *lookupDossier
	CanRate bool
	Levels  []levelOption
}

func (s *server) lookupData(code, secret string) lookupData {
	data := lookupData{Style: s.pages.style, Code: code, Secret: secret}
	for _, l := range rating.Levels() {
		data.Levels = append(data.Levels, levelOption{Value: int(l), Text: l.String(), Meaning: levelMeanings[l]})
	}
	return data
}

// lookupPage answers GET /tra-cuu?ma=…&secret=…: a citizen's lookup by code
// and secret, as plain HTML that works without JavaScript, with the rating
// form once the result is ready. The receipt's QR code opens it.
func (s *server) lookupPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data := s.lookupData(strings.TrimSpace(q.Get("ma")), strings.TrimSpace(q.Get("secret")))
	if q.Get("da-danh-gia") != "" {
		data.Notice = "Cảm ơn ông/bà đã đánh giá. Ý kiến của ông/bà giúp chúng tôi phục vụ tốt hơn."
	}
	status := http.StatusOK
	if data.Code != "" {
		if !s.admit(w, r, lookupRequest, true) {
			return
		}
		status = s.fillLookup(r, &data, true)
	}
	if err := s.pages.render(w, status, s.pages.lookup, data); err != nil {
		s.fail(w, r, err)
	}
}

// fillLookup finds the dossier of data.Code, if data.Secret is its secret,
// for the page, and returns the status to answer with. An unknown code and
// a wrong secret read alike, and count against the client's failed lookups.
func (s *server) fillLookup(r *http.Request, data *lookupData, count bool) int {
	c, err := dossier.ParseCode(data.Code)
	if err != nil || c.IsZero() {
		data.Error = "Mã hồ sơ không đúng dạng. Mã hồ sơ có dạng 000.00.01.H26-250127-0042."
		return http.StatusBadRequest
	}
	d, err := s.lookupPublic(r.Context(), c, data.Secret)
	var view publicView
	if err == nil {
		view, err = s.publicView(r.Context(), d)
	}
	switch {
	case errors.Is(err, errNoSuchDossier):
		if count {
			s.noteFailure(r, err)
		}
		data.Error = errNoSuchDossier.Detail
		return http.StatusNotFound
	case err != nil:
		p := s.problemFor(err)
		logFailure(r, "lookup failed", err)
		if p.retryAfter != "" {
			// The page cannot carry the header otherwise.
			data.Error = "Không tra cứu được lúc này. Xin thử lại sau ít phút."
			return http.StatusServiceUnavailable
		}
		data.Error = "Không tra cứu được lúc này. Xin thử lại sau."
		return http.StatusInternalServerError
	}
	data.Code = d.Code.String()
	dv := &lookupDossier{
		Code: d.Code.String(), ProcedureName: s.procedureName(d), Applicant: maskName(d.Applicant.Name),
		Status: d.Status().String(), Received: shortTime(d.ReceivedAt()), Due: shortTime(appointment(d)),
		Finished: shortTime(d.FinishedAt()), Returned: shortTime(d.ReturnedAt()),
		ReturnChannel: view.ReturnChannelText, Next: view.Next, Rated: view.Rated,
	}
	note := func(n *noticeView) *pageNotice {
		if n == nil {
			return nil
		}
		return &pageNotice{Reason: n.Reason, At: shortTime(time.Time(n.At)), By: shortTime(time.Time(n.By))}
	}
	dv.Supplement, dv.Payment = note(view.Supplement), note(view.Payment)
	dv.Refusal, dv.Stop, dv.Withdrawal = note(view.Refusal), note(view.Stop), note(view.Withdrawal)
	if a := view.Apology; a != nil {
		dv.Apology = &pageApology{Reason: a.Reason, At: shortTime(time.Time(a.At)), Due: shortTime(time.Time(a.Due))}
	}
	data.Dossier = dv
	data.CanRate = view.Rateable
	return http.StatusOK
}

// ratePage answers the rating form of the lookup page: it records the rating
// and sends the browser back to the lookup (post/redirect/get), or shows the
// page again with what went wrong.
func (s *server) ratePage(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > maxBody {
		s.failPage(w, r, "", http.StatusRequestEntityTooLarge, "Nội dung gửi lên quá lớn.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		s.failPage(w, r, "", http.StatusUnsupportedMediaType, "Biểu mẫu phải được gửi từ trang tra cứu.")
		return
	}
	if err := r.ParseForm(); err != nil {
		var maxb *http.MaxBytesError
		if errors.As(err, &maxb) {
			s.failPage(w, r, "", http.StatusRequestEntityTooLarge, "Nội dung gửi lên quá lớn.")
			return
		}
		s.failPage(w, r, "", http.StatusBadRequest, "Không đọc được biểu mẫu.")
		return
	}
	code := strings.TrimSpace(r.PostForm.Get("ma"))
	secret := strings.TrimSpace(r.PostForm.Get("secret"))
	c, err := dossier.ParseCode(code)
	if err != nil || c.IsZero() {
		s.failPage(w, r, code, http.StatusBadRequest, "Mã hồ sơ không đúng dạng. Mã hồ sơ có dạng 000.00.01.H26-250127-0042.")
		return
	}
	if !s.admit(w, r, ratingRequestKind, true) {
		return
	}
	data := s.lookupData(code, secret)
	n, err := strconv.Atoi(r.PostForm.Get("level"))
	if err != nil || n < 1 || n > 3 {
		s.fillLookup(r, &data, true)
		s.showPage(w, r, data, http.StatusBadRequest, "Xin chọn một mức đánh giá.")
		return
	}
	_, err = s.addRating(r, c, secret, rating.Level(n), r.PostForm.Get("comment"))
	if err != nil {
		p := s.problemFor(err)
		if p.Status >= 500 {
			logFailure(r, "rating failed", err)
		}
		if !errors.Is(err, errNoSuchDossier) {
			s.fillLookup(r, &data, false)
		}
		s.showPage(w, r, data, p.Status, p.Detail)
		return
	}
	q := url.Values{"ma": {c.String()}, "secret": {secret}, "da-danh-gia": {"1"}}
	http.Redirect(w, r, "/tra-cuu?"+q.Encode(), http.StatusSeeOther)
}

// failPage shows the lookup page with an error, and the code typed, but no
// dossier.
func (s *server) failPage(w http.ResponseWriter, r *http.Request, code string, status int, msg string) {
	s.showPage(w, r, s.lookupData(code, ""), status, msg)
}

// showPage shows the lookup page as data has it, with an error.
func (s *server) showPage(w http.ResponseWriter, r *http.Request, data lookupData, status int, msg string) {
	data.Error = msg
	data.CanRate = data.CanRate && status < 400
	if err := s.pages.render(w, status, s.pages.lookup, data); err != nil {
		s.fail(w, r, err)
	}
}

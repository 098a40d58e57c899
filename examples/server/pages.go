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

// pages holds the HTML pages: the printable receipt and the citizens' lookup.
// Their one inline style sheet is allowed by its hash in the
// Content-Security-Policy, which allows nothing else: no script, no image,
// no frame, and forms that post only to this server.
type pages struct {
	receipt, lookup *template.Template
	style           template.CSS
	csp             string
}

func newPages() (*pages, error) {
	css, err := pageFiles.ReadFile("pages/style.css")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{"inc": func(i int) int { return i + 1 }}
	receipt, err := template.New("receipt.html").Funcs(funcs).ParseFS(pageFiles, "pages/receipt.html")
	if err != nil {
		return nil, err
	}
	lookup, err := template.New("lookup.html").Funcs(funcs).ParseFS(pageFiles, "pages/lookup.html")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(css)
	return &pages{
		receipt: receipt, lookup: lookup,
		style: template.CSS(css), // our own embedded file
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

type receiptData struct {
	Style                  template.CSS
	AgencyName, Agency     string
	Dated                  string
	Code                   string
	Applicant              dossier.Applicant
	Procedure              string
	ProcedureName          string
	Channel, ReturnChannel string
	Documents              []documentView
	Limit                  string
	Received, Due          string
	Fees                   []receiptFee
	LookupPath             string
	Officer                string
}

// receipt answers GET /dossiers/{code}/receipt: the printable "Giấy tiếp nhận
// hồ sơ và hẹn trả kết quả" handed to the applicant (form 01, Circular
// 01/2018/TT-VPCP).
func (s *server) receipt(w http.ResponseWriter, r *http.Request) {
	d, ok := s.officerDossier(w, r)
	if !ok {
		return
	}
	if o := signedIn(r).officer; !o.may(dutyPrint, d.Status()) {
		s.fail(w, r, forbidden(o, dutyPrint))
		return
	}
	if d.ReceivedAt().IsZero() {
		s.fail(w, r, conflict("not-received", "Hồ sơ chưa được tiếp nhận",
			"Chỉ in giấy tiếp nhận cho hồ sơ đã được tiếp nhận."))
		return
	}
	received := d.ReceivedAt().In(sla.ICT)
	data := receiptData{
		Style: s.pages.style, AgencyName: s.agencies.name(d.Code.Agency), Agency: d.Code.Agency,
		Dated: fmt.Sprintf("ngày %02d tháng %02d năm %d", received.Day(), received.Month(), received.Year()),
		Code:  d.Code.String(), Applicant: d.Applicant, Procedure: d.Procedure, ProcedureName: d.Procedure,
		Channel: d.Channel.String(), ReturnChannel: d.ReturnChannel.String(),
		Limit: d.Limit().String(), Received: longTime(received), Due: longTime(d.Due()),
		LookupPath: "/tra-cuu?ma=" + url.QueryEscape(d.Code.String()),
	}
	if p, ok := s.procedureOf(d); ok {
		data.ProcedureName = p.Name
		v := viewProcedure(p)
		data.Documents = v.Documents
		for _, f := range p.Fees {
			if f.Channel != 0 && f.Channel != d.Channel {
				continue
			}
			data.Fees = append(data.Fees, receiptFee{Name: f.Name, Note: f.Note, Amount: dong(f.Amount), Collected: f.Collected.String()})
		}
	}
	for _, e := range d.Events {
		if e.Kind == dossier.KindReceive {
			data.Officer = e.Actor
		}
	}
	if err := s.pages.render(w, http.StatusOK, s.pages.receipt, data); err != nil {
		s.fail(w, r, err)
	}
}

type lookupDossier struct {
	Code, ProcedureName, Applicant, Status string
	Received, Due, Finished, Returned      string
}

type levelOption struct {
	Value int
	Text  string
}

type lookupData struct {
	Style   template.CSS
	Code    string
	Error   string
	Notice  string
	Dossier *lookupDossier
	CanRate bool
	Levels  []levelOption
}

func (s *server) lookupData(code string) lookupData {
	data := lookupData{Style: s.pages.style, Code: code}
	for _, l := range rating.Levels() {
		data.Levels = append(data.Levels, levelOption{Value: int(l), Text: l.String()})
	}
	return data
}

// lookupPage answers GET /tra-cuu?ma=…: a citizen's lookup by code, as plain
// HTML that works without JavaScript, with the rating form once the result
// is ready.
func (s *server) lookupPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	code := strings.TrimSpace(q.Get("ma"))
	data := s.lookupData(code)
	if q.Get("da-danh-gia") != "" {
		data.Notice = "Cảm ơn ông/bà đã đánh giá. Ý kiến của ông/bà giúp chúng tôi phục vụ tốt hơn."
	}
	status := s.fillLookup(r, &data, data.Notice == "")
	if err := s.pages.render(w, status, s.pages.lookup, data); err != nil {
		s.fail(w, r, err)
	}
}

// fillLookup finds the dossier of data.Code for the page, and returns the
// status to answer with.
func (s *server) fillLookup(r *http.Request, data *lookupData, rate bool) int {
	if data.Code == "" {
		return http.StatusOK
	}
	c, err := dossier.ParseCode(data.Code)
	if err != nil || c.IsZero() {
		data.Error = "Mã hồ sơ không đúng dạng. Mã hồ sơ có dạng 000.00.01.H26-250127-0042."
		return http.StatusBadRequest
	}
	d, err := s.svc.Get(r.Context(), c)
	switch {
	case errors.Is(err, dossier.ErrNotFound):
		data.Error = "Không tìm thấy hồ sơ có mã " + c.String() + "."
		return http.StatusNotFound
	case err != nil:
		logFailure(r, "lookup failed", err)
		data.Error = "Không tra cứu được lúc này. Xin thử lại sau."
		return http.StatusInternalServerError
	}
	data.Code = d.Code.String()
	data.Dossier = &lookupDossier{
		Code: d.Code.String(), ProcedureName: s.procedureName(d), Applicant: maskName(d.Applicant.Name),
		Status: d.Status().String(), Received: shortTime(d.ReceivedAt()), Due: shortTime(d.Due()),
		Finished: shortTime(d.FinishedAt()), Returned: shortTime(d.ReturnedAt()),
	}
	data.CanRate = rate && rating.Rateable(d)
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
	c, err := dossier.ParseCode(code)
	if err != nil || c.IsZero() {
		s.failPage(w, r, code, http.StatusBadRequest, "Mã hồ sơ không đúng dạng. Mã hồ sơ có dạng 000.00.01.H26-250127-0042.")
		return
	}
	n, err := strconv.Atoi(r.PostForm.Get("level"))
	if err != nil || n < 1 || n > 3 {
		s.failPage(w, r, code, http.StatusBadRequest, "Xin chọn một mức đánh giá.")
		return
	}
	_, err = s.addRating(r.Context(), c, rating.Level(n), r.PostForm.Get("comment"))
	if err != nil {
		p := s.problemFor(err)
		if p.Status >= 500 {
			logFailure(r, "rating failed", err)
		}
		s.failPage(w, r, code, p.Status, p.Detail)
		return
	}
	http.Redirect(w, r, "/tra-cuu?ma="+url.QueryEscape(c.String())+"&da-danh-gia=1", http.StatusSeeOther)
}

// failPage shows the lookup page with an error.
func (s *server) failPage(w http.ResponseWriter, r *http.Request, code string, status int, msg string) {
	data := s.lookupData(code)
	if code != "" {
		s.fillLookup(r, &data, false)
	}
	data.Error = msg
	if err := s.pages.render(w, status, s.pages.lookup, data); err != nil {
		s.fail(w, r, err)
	}
}

package main

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/sla"
)

// The officers' screens are HTML rendered on the server with html/template,
// in Vietnamese, and work without JavaScript: every action is a form posted
// to the server, which answers with a page or a redirect. Their one style
// sheet, pages/desk.css, is inlined in each page and allowed by its hash in
// the Content-Security-Policy, which allows nothing else: no script, no
// image, no frame, forms posted only to this server.

//go:embed pages/desk.css
var deskCSS []byte

// screens holds the templates of the officers' screens.
type screens struct {
	style                                                     template.CSS
	csp                                                       string
	dayLength                                                 time.Duration // the calendar's working day
	signIn, queue, receive, dossier, reports, account, notice *template.Template
}

var screenFuncs = template.FuncMap{
	"inc": func(i int) int { return i + 1 },
}

func newScreens(cal *sla.Calendar) (*screens, error) {
	sc := &screens{style: template.CSS(deskCSS), dayLength: cal.DayLength()} // our own embedded file
	sum := sha256.Sum256(deskCSS)
	sc.csp = "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	for _, p := range []struct {
		t    **template.Template
		file string
	}{
		{&sc.signIn, "desk-signin.html"}, {&sc.queue, "desk-queue.html"}, {&sc.receive, "desk-receive.html"},
		{&sc.dossier, "desk-dossier.html"}, {&sc.reports, "desk-reports.html"}, {&sc.account, "desk-account.html"},
		{&sc.notice, "desk-notice.html"},
	} {
		t, err := template.New(p.file).Funcs(screenFuncs).ParseFS(pageFiles, "pages/desk-layout.html", "pages/"+p.file)
		if err != nil {
			return nil, err
		}
		*p.t = t
	}
	return sc, nil
}

// can says which parts of the desk the navigation offers.
type can struct{ Receive, Reports, Accounts bool }

// pageBase is what every screen shows: the officer signed in, the
// navigation their roles allow, and a notice or an error.
type pageBase struct {
	Style      template.CSS
	Title      string
	Officer    *officer
	AgencyName string
	CSRF       string
	Can        can
	Error      string
	Notice     string
}

func (s *server) base(r *http.Request, title string) pageBase {
	b := pageBase{Style: s.screens.style, Title: title}
	if p := signedIn(r); p != nil {
		o := p.officer
		b.Officer, b.AgencyName = o, s.agencies.name(o.Agency)
		b.Can = can{Receive: o.may(dutyReceive, 0), Reports: o.may(dutyReports, 0), Accounts: o.may(dutyAccounts, 0)}
		if p.session != nil {
			b.CSRF = p.session.csrf
		}
	}
	return b
}

// screen renders a screen into a buffer first, so that a failing template
// sends a clean 500 rather than half a page.
func (s *server) screen(w http.ResponseWriter, r *http.Request, status int, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		logFailure(r, "rendering a screen", err)
		http.Error(w, "Lỗi máy chủ khi hiển thị trang.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", s.screens.csp)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

type noticeData struct {
	pageBase
	Detail string
	Back   string
}

// failScreen answers a screen's request that failed with err: the problem
// it means, as a page; a failure of the server's own is logged and told in
// general words, as the API's problems are.
func (s *server) failScreen(w http.ResponseWriter, r *http.Request, err error) {
	p := s.problemOf(r, err)
	data := noticeData{pageBase: s.base(r, p.Title), Detail: p.Detail, Back: "/"}
	if data.Officer == nil {
		data.Back = "/dang-nhap"
	}
	s.screen(w, r, p.Status, s.screens.notice, &data)
}

// problemOf is the problem err means, as problemFor says; a failure of the
// server's own is logged.
func (s *server) problemOf(r *http.Request, err error) *problem {
	p := s.problemFor(err)
	if p.Status >= 500 {
		logFailure(r, "request failed", err)
	}
	return p
}

// upperFirst capitalises the first letter, for a duty's text on a button.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// dateTime writes an instant for the screens: "09:00 06/10/2025".
func dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(sla.ICT).Format("15:04 02/01/2006")
}

// workText writes an amount of working time in working days, hours and
// minutes: "2 ngày 3 giờ", "3 giờ 20 phút", "45 phút".
func workText(d, day time.Duration) string {
	days, rest := int(d/day), d%day
	hours, mins := int(rest/time.Hour), int(rest%time.Hour/time.Minute)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d ngày %d giờ", days, hours)
	case days > 0:
		return fmt.Sprintf("%d ngày", days)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%d giờ %d phút", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%d giờ", hours)
	}
	return fmt.Sprintf("%d phút", max(mins, 1))
}

// timeLeft says how a dossier stands against its legal due time now, in
// working time on the calendar: "còn 3 giờ làm việc", "quá hạn 2 ngày làm
// việc", with the clock's pause; and whether it is overdue (as
// dossier.Facts.OverdueAt judges it, so the queue and the reports agree).
func (s *server) timeLeft(d *dossier.Dossier, now time.Time) (string, bool) {
	f := d.Facts()
	switch st := d.Status(); {
	case st == dossier.Submitted:
		return "Chờ tiếp nhận", false
	case st.HasResult():
		return "Đã có kết quả", false
	case !st.Open() || f.LegalDue.IsZero():
		return "", false
	}
	at, paused := now, !f.PausedSince.IsZero() && !f.PausedSince.After(now)
	if paused {
		at = f.PausedSince
	}
	suffix := ""
	if paused {
		suffix = " (đang tạm dừng)"
	}
	if f.OverdueAt(now) {
		return "quá hạn " + workText(s.cal.WorkingTime(f.LegalDue, at), s.screens.dayLength) + " làm việc" + suffix, true
	}
	return "còn " + workText(s.cal.WorkingTime(at, f.LegalDue), s.screens.dayLength) + " làm việc" + suffix, false
}

// The queue's filters, as the query parameter loc names them.
var queueFilterNames = [queueFilters]struct{ key, label string }{
	allOpen:            {"", "Tất cả"},
	mine:               {"cua-toi", "Của tôi"},
	dueToday:           {"den-han-hom-nay", "Đến hạn hôm nay"},
	overdue:            {"qua-han", "Quá hạn"},
	awaitingSupplement: {"cho-bo-sung", "Chờ bổ sung"},
	awaitingPayment:    {"cho-nop-phi", "Chờ nộp phí, lệ phí"},
}

// queuePageSize is how many dossiers a page of the queue shows.
const queuePageSize = 50

type filterLink struct {
	Label  string
	Count  int
	URL    string
	Active bool
}

type option struct {
	Value, Text string
	Selected    bool
}

type queueRow struct {
	Code, URL, ProcedureName, Applicant, Status string
	Due, Left, Holder                           string
	Overdue                                     bool
}

type queueData struct {
	pageBase
	Filters     []filterLink
	Agencies    []option // for an officer who sees every agency
	Rows        []queueRow
	Page, Pages int
	Prev, Next  string
	Count       int
}

// queuePage answers GET /: the open dossiers of the officer's agency (or of
// every agency, or the one chosen, for an officer who sees all), under one
// filter, by legal due time, a page at a time, with the count under each
// filter.
func (s *server) queuePage(w http.ResponseWriter, r *http.Request) {
	o := signedIn(r).officer
	qv := r.URL.Query()
	data := queueData{pageBase: s.base(r, "Hàng đợi hồ sơ")}

	filter := queueFilters
	for i, f := range queueFilterNames {
		if f.key == qv.Get("loc") {
			filter = queueFilter(i)
		}
	}
	if filter == queueFilters {
		s.failScreen(w, r, invalidValue("Bộ lọc không hợp lệ: dùng cua-toi, den-han-hom-nay, qua-han, cho-bo-sung hoặc cho-nop-phi."))
		return
	}
	page := 1
	if v := qv.Get("trang"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			s.failScreen(w, r, invalidValue("Số trang (trang) phải là một số nguyên dương."))
			return
		}
		page = n
	}
	agency := o.Agency
	if o.seesAll() {
		agency = qv.Get("co-quan")
		if _, ok := s.agencies.byID(agency); agency != "" && !ok {
			s.failScreen(w, r, invalidValue(fmt.Sprintf("Không có cơ quan mã «%s» trên máy chủ.", agency)))
			return
		}
		data.Agencies = append(data.Agencies, option{Value: "", Text: "Tất cả cơ quan", Selected: agency == ""})
		for _, a := range s.agencies.all() {
			data.Agencies = append(data.Agencies, option{Value: a.ID, Text: a.Name, Selected: a.ID == agency})
		}
	} else if v := qv.Get("co-quan"); v != "" && v != o.Agency {
		s.failScreen(w, r, errOwnAgency)
		return
	}

	now := s.now()
	q := queueQuery{agency: agency, holder: o.Username, now: now, tomorrow: sla.DateOf(now).AddDays(1).At(0, 0)}
	ctx := r.Context()
	s.desk.flush() // the queue shows the writes the officer has just made
	counts, err := s.desk.counts(ctx, q)
	if err != nil {
		s.failScreen(w, r, err)
		return
	}
	link := func(f queueFilter, page int) string {
		v := url.Values{}
		if k := queueFilterNames[f].key; k != "" {
			v.Set("loc", k)
		}
		if agency != "" && o.seesAll() {
			v.Set("co-quan", agency)
		}
		if page > 1 {
			v.Set("trang", strconv.Itoa(page))
		}
		if len(v) == 0 {
			return "/"
		}
		return "/?" + v.Encode()
	}
	for i, f := range queueFilterNames {
		data.Filters = append(data.Filters, filterLink{Label: f.label, Count: counts[i], URL: link(queueFilter(i), 1), Active: queueFilter(i) == filter})
	}
	data.Count = counts[filter]
	data.Page, data.Pages = page, max(1, (data.Count+queuePageSize-1)/queuePageSize)
	if page > 1 {
		data.Prev = link(filter, page-1)
	}
	if page < data.Pages {
		data.Next = link(filter, page+1)
	}

	items, err := s.desk.page(ctx, q, filter, queuePageSize, (page-1)*queuePageSize)
	if err != nil {
		s.failScreen(w, r, err)
		return
	}
	for _, it := range items {
		c, err := dossier.ParseCode(it.code)
		if err != nil {
			continue
		}
		d, err := s.svc.Get(ctx, c)
		if err != nil {
			s.failScreen(w, r, err)
			return
		}
		if d.Version != it.version {
			// The index fell behind the record (a write it did not see):
			// mend it; the page shows the record.
			s.desk.index(d)
		}
		left, late := s.timeLeft(d, now)
		row := queueRow{
			Code: d.Code.String(), URL: "/ho-so/" + d.Code.String(), ProcedureName: s.procedureName(d),
			Applicant: d.Applicant.Name, Status: d.Status().String(), Due: dateTime(d.OriginalDue()),
			Left: left, Overdue: late,
		}
		if hs := d.Handovers(); len(hs) > 0 && hs[len(hs)-1].Done.IsZero() {
			row.Holder = hs[len(hs)-1].To
		}
		data.Rows = append(data.Rows, row)
	}
	s.screen(w, r, http.StatusOK, s.screens.queue, &data)
}

// joinNonEmpty joins the non-empty strings with sep.
func joinNonEmpty(sep string, ss ...string) string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, sep)
}

package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/report"
	"github.com/motcua/motcua/dossier/report/xlsx"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

// Lengths of the text fields, in characters.
const (
	maxName    = 200
	maxText    = 500 // addresses, reasons, officers' names
	maxComment = 2000
	maxShort   = 100 // ID numbers, phones, e-mails
)

// intakeRequest is the body of POST /api/v1/dossiers.
type intakeRequest struct {
	Procedure     string            `json:"procedure"`
	Applicant     dossier.Applicant `json:"applicant"`
	Channel       string            `json:"channel"`
	ReturnChannel string            `json:"returnChannel"`
	Actor         *string           `json:"actor"` // refused: the officer signed in is the actor
}

func (s *server) receive(w http.ResponseWriter, r *http.Request) {
	o := signedIn(r).officer
	svc, err := s.receivingService(o)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req intakeRequest
	if err := readJSON(w, r, &req, false); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Actor != nil {
		s.fail(w, r, errActorField)
		return
	}
	in, err := s.intake(req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in.Actor = o.actor()
	d, err := svc.Receive(r.Context(), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/dossiers/"+d.Code.String())
	writeJSON(w, http.StatusCreated, s.viewDossier(d))
}

// intake checks a request to receive a dossier, so that every mistake gets
// a Vietnamese explanation before the service sees it.
func (s *server) intake(req intakeRequest) (dossier.Intake, error) {
	var in dossier.Intake
	code := strings.TrimSpace(req.Procedure)
	if code == "" {
		return in, invalidValue("Cần mã thủ tục (procedure), ví dụ 1.001612.")
	}
	if !procedure.ValidCode(code) {
		return in, invalidValue(fmt.Sprintf("«%s» không phải là mã thủ tục, ví dụ 1.001612.", code))
	}
	p, err := s.catalog.Lookup(code, s.now())
	if err != nil {
		return in, invalidValue(fmt.Sprintf("Không có thủ tục mã %s đang có hiệu lực.", code))
	}
	in.Procedure = code

	in.Channel = procedure.Direct
	if req.Channel != "" {
		ch, ok := parseChannel(req.Channel)
		if !ok {
			return in, invalidValue("Kênh nộp (channel) phải là direct, online hoặc postal.")
		}
		in.Channel = ch
	}
	in.ReturnChannel = in.Channel
	if req.ReturnChannel != "" {
		ch, ok := parseChannel(req.ReturnChannel)
		if !ok {
			return in, invalidValue("Kênh trả kết quả (returnChannel) phải là direct, online hoặc postal.")
		}
		in.ReturnChannel = ch
	}
	for _, ch := range []procedure.Channel{in.Channel, in.ReturnChannel} {
		if !p.Allows(ch) {
			return in, invalidValue(fmt.Sprintf("Thủ tục %s không thực hiện qua kênh %s.", p.Code, ch))
		}
	}

	a := req.Applicant
	a.Name = strings.Join(strings.Fields(a.Name), " ")
	if a.Name == "" {
		return in, invalidValue("Cần họ tên người nộp hồ sơ (applicant.name).")
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{
		{"applicant.name", a.Name, maxName},
		{"applicant.idNumber", a.IDNumber, maxShort},
		{"applicant.phone", a.Phone, maxShort},
		{"applicant.email", a.Email, maxShort},
		{"applicant.address", a.Address, maxText},
		{"applicant.organisation", a.Organisation, maxText},
	} {
		if err := checkText(f.name, f.value, f.max); err != nil {
			return in, err
		}
	}
	if a.Email != "" && !strings.Contains(a.Email, "@") {
		return in, invalidValue("Địa chỉ thư điện tử (applicant.email) không hợp lệ.")
	}
	in.Applicant = a
	return in, nil
}

// pathCode reads the {code} of the path.
func pathCode(r *http.Request) (dossier.Code, error) {
	c, err := dossier.ParseCode(r.PathValue("code"))
	if err != nil || c.IsZero() {
		return dossier.Code{}, errBadCode
	}
	return c, nil
}

// actionRequest is the body of POST /api/v1/dossiers/{code}/{action}.
type actionRequest struct {
	Actor  *string `json:"actor"` // refused: the officer signed in is the actor
	Reason string  `json:"reason"`
	To     string  `json:"to"`
	Due    string  `json:"due"`
}

// use says whether an action takes a field.
type use uint8

const (
	unused use = iota
	optional
	required
)

// An action is one of the desk's actions on a dossier, with the fields of
// actionRequest it takes.
type action struct {
	reason, to, due use
	run             func(svc *dossier.Service, ctx context.Context, c dossier.Code, actor string, req actionRequest, due time.Time) (*dossier.Dossier, error)
}

var actions = map[string]action{
	"accept": {run: func(svc *dossier.Service, ctx context.Context, c dossier.Code, a string, _ actionRequest, _ time.Time) (*dossier.Dossier, error) {
		return svc.Accept(ctx, c, a)
	}},
	"transfer": {to: required, run: func(svc *dossier.Service, ctx context.Context, c dossier.Code, a string, req actionRequest, _ time.Time) (*dossier.Dossier, error) {
		return svc.Transfer(ctx, c, a, req.To)
	}},
	"request-supplement": {reason: required, due: optional, run: func(svc *dossier.Service, ctx context.Context, c dossier.Code, a string, req actionRequest, by time.Time) (*dossier.Dossier, error) {
		return svc.RequestSupplementBy(ctx, c, a, req.Reason, by)
	}},
	"supplement": {run: func(svc *dossier.Service, ctx context.Context, c dossier.Code, a string, _ actionRequest, _ time.Time) (*dossier.Dossier, error) {
		return svc.Supplement(ctx, c, a)
	}},
	"request-payment": {reason: optional, run: func(svc *dossier.Service, ctx context.Context, c dossier.Code, a string, req actionRequest, _ time.Time) (*dossier.Dossier, error) {
		return svc.RequestPayment(ctx, c, a, req.Reason)
	}},
	"pay": {run: func(svc *dossier.Service, ctx context.Context, c dossier.Code, a string, _ actionRequest, _ time.Time) (*dossier.Dossier, error) {
		return svc.Pay(ctx, c, a)
	}},
	"reschedule": {reason: required, due: required, run: func(svc *dossier.Service, ctx context.Context, c dossier.Code, a string, req actionRequest, due time.Time) (*dossier.Dossier, error) {
		if err := inWorkingTime(svc.Calendar(), due); err != nil {
			return nil, err
		}
		return svc.Reschedule(ctx, c, a, req.Reason, due)
	}},
	"resolve": {run: func(svc *dossier.Service, ctx context.Context, c dossier.Code, a string, _ actionRequest, _ time.Time) (*dossier.Dossier, error) {
		return svc.Resolve(ctx, c, a)
	}},
	"return": {run: func(svc *dossier.Service, ctx context.Context, c dossier.Code, a string, _ actionRequest, _ time.Time) (*dossier.Dossier, error) {
		return svc.Return(ctx, c, a)
	}},
	"refuse": {reason: required, run: func(svc *dossier.Service, ctx context.Context, c dossier.Code, a string, req actionRequest, _ time.Time) (*dossier.Dossier, error) {
		return svc.Refuse(ctx, c, a, req.Reason)
	}},
	"withdraw": {reason: optional, run: func(svc *dossier.Service, ctx context.Context, c dossier.Code, a string, req actionRequest, _ time.Time) (*dossier.Dossier, error) {
		return svc.Withdraw(ctx, c, a, req.Reason)
	}},
	"stop": {reason: required, run: func(svc *dossier.Service, ctx context.Context, c dossier.Code, a string, req actionRequest, _ time.Time) (*dossier.Dossier, error) {
		return svc.Stop(ctx, c, a, req.Reason)
	}},
}

func (s *server) act(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("action")
	if _, ok := actions[name]; !ok {
		s.fail(w, r, notFound(fmt.Sprintf("Không có thao tác «%s». Các thao tác: accept, transfer, request-supplement, supplement, "+
			"request-payment, pay, reschedule, resolve, return, refuse, withdraw, stop.", name)))
		return
	}
	cur, ok := s.officerDossier(w, r)
	if !ok {
		return
	}
	var req actionRequest
	if err := readJSON(w, r, &req, true); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.ifMatch(r.Context(), r, cur.Code); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.perform(r.Context(), signedIn(r).officer, cur, name, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("ETag", etag(d.Version))
	writeJSON(w, http.StatusOK, s.viewDossier(d))
}

// check reports a field the action needs and lacks, or gets and does not
// take, and reads the new appointment of a reschedule.
func (a action) check(name string, req actionRequest) (time.Time, error) {
	for _, f := range []struct {
		field, value string
		use          use
		what         string
	}{
		{"reason", req.Reason, a.reason, "lý do"},
		{"to", req.To, a.to, "người hoặc bộ phận nhận hồ sơ"},
		{"due", req.Due, a.due, "ngày hẹn mới"},
	} {
		blank := strings.TrimSpace(f.value) == ""
		switch {
		case f.use == required && blank:
			return time.Time{}, invalidValue(fmt.Sprintf("Thao tác %s cần trường «%s» (%s).", name, f.field, f.what))
		case f.use == unused && f.value != "":
			return time.Time{}, invalidValue(fmt.Sprintf("Thao tác %s không nhận trường «%s».", name, f.field))
		}
	}
	if req.Actor != nil {
		return time.Time{}, errActorField
	}
	for _, f := range []struct{ field, value string }{{"reason", req.Reason}, {"to", req.To}} {
		if err := checkText(f.field, f.value, maxText); err != nil {
			return time.Time{}, err
		}
	}
	if a.due == unused || a.due == optional && strings.TrimSpace(req.Due) == "" {
		return time.Time{}, nil
	}
	due, err := parseInstant(req.Due)
	if err != nil {
		return time.Time{}, invalidValue(fmt.Sprintf("Không đọc được thời điểm «%s» (due): hãy viết 2025-02-05 10:00 hoặc theo RFC 3339, trong các năm 1900–2199.", req.Due))
	}
	return due, nil
}

// inWorkingTime reports an appointment outside the desk's hours on the
// calendar, saying when they next start. A session's ends are in them
// ([sla.Calendar.InWorkingTime]), so that 17:00 is the end of the afternoon,
// as a due time is.
func inWorkingTime(cal *sla.Calendar, t time.Time) error {
	if cal.InWorkingTime(t) {
		return nil
	}
	next, ok := cal.NextWorkingTime(t)
	if !ok {
		return invalidValue("Ngày hẹn mới (due) phải trong giờ làm việc.")
	}
	return invalidValue(fmt.Sprintf("Ngày hẹn mới (due) phải trong giờ làm việc; thời điểm làm việc gần nhất là %s.",
		next.In(sla.ICT).Format("15:04 ngày 02/01/2006")))
}

// Pages of the list.
const (
	defaultPage = 50
	maxPage     = 500
)

type listPage struct {
	Items []listItem `json:"items"`
	Next  string     `json:"next,omitempty"`
}

func (s *server) list(w http.ResponseWriter, r *http.Request) {
	o := signedIn(r).officer
	q := r.URL.Query()
	var f dossier.Filter
	var err error
	if f.ReceivedFrom, f.ReceivedTo, err = bounds(q); err != nil {
		s.fail(w, r, err)
		return
	}
	if v := q.Get("status"); v != "" {
		st, ok := parseStatus(v)
		if !ok {
			s.fail(w, r, invalidValue("Trạng thái (status) không hợp lệ: dùng received, in-progress, awaiting-supplement, "+
				"awaiting-payment, resolved, returned, refused, withdrawn, stopped, submitted, hoặc mã 1–10 của Cổng dịch vụ công."))
			return
		}
		f.Status = st
	}
	if v := q.Get("procedure"); v != "" {
		if !procedure.ValidCode(v) {
			s.fail(w, r, invalidValue(fmt.Sprintf("«%s» không phải là mã thủ tục.", v)))
			return
		}
		f.Procedure = v
	}
	if v := q.Get("channel"); v != "" {
		ch, ok := parseChannel(v)
		if !ok {
			s.fail(w, r, invalidValue("Kênh (channel) phải là direct, online hoặc postal."))
			return
		}
		f.Channel = ch
	}
	limit := defaultPage
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPage {
			s.fail(w, r, invalidValue(fmt.Sprintf("Số hồ sơ mỗi trang (limit) phải từ 1 đến %d.", maxPage)))
			return
		}
		limit = n
	}
	var after *cursor
	if v := q.Get("cursor"); v != "" {
		c, ok := parseCursor(v)
		if !ok {
			s.fail(w, r, badRequest("invalid-cursor", "Con trỏ trang không hợp lệ",
				"Hãy dùng nguyên giá trị «next» của trang trước."))
			return
		}
		after = &c
		if c.received.After(f.ReceivedFrom) {
			f.ReceivedFrom = c.received // the store skips what came before
		}
	}

	page := listPage{Items: make([]listItem, 0, min(limit, 64))}
	var last *dossier.Dossier
	for d, err := range s.store.List(r.Context(), f) {
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if after != nil && !after.before(d) || !o.sees(d.Code) {
			continue
		}
		if len(page.Items) == limit {
			page.Next = cursorAfter(last).String()
			break
		}
		page.Items = append(page.Items, s.listItem(d))
		last = d
	}
	writeJSON(w, http.StatusOK, page)
}

const boundHelp = "hãy viết một ngày (2025-01-27), một thời điểm (2025-01-27 08:00) hoặc theo RFC 3339."

// parseBound reads a bound of a period. A date is a whole day: as a start,
// its first instant; as an end, the first instant of the next day, so that
// from=2025-01-01&to=2025-01-31 is the whole of January. An empty bound is
// open (the zero time).
func parseBound(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := sla.ParseDate(s); err == nil {
		if end {
			d = d.AddDays(1)
		}
		return checkYear(d.At(0, 0))
	}
	return parseInstant(s)
}

// parseInstant reads a time as sla.ParseTime does, within the calendar's
// years: a bound or appointment far outside them is a mistake, and would
// only fail later, deeper down.
func parseInstant(s string) (time.Time, error) {
	t, err := sla.ParseTime(s)
	if err != nil {
		return time.Time{}, err
	}
	return checkYear(t)
}

func checkYear(t time.Time) (time.Time, error) {
	if y := t.In(sla.ICT).Year(); y < 1900 || y > 2200 {
		return time.Time{}, sla.ErrOutOfRange
	}
	return t, nil
}

// period reads a report's period from the query: from and to, defaulting
// to the year so far. It answers the request itself and returns false when
// they do not read.
func (s *server) period(w http.ResponseWriter, r *http.Request) (report.Period, bool) {
	now := s.now().In(sla.ICT)
	p, err := s.periodFrom(r.URL.Query(), time.Date(now.Year(), time.January, 1, 0, 0, 0, 0, sla.ICT))
	if err != nil {
		s.fail(w, r, err)
		return report.Period{}, false
	}
	return p, true
}

// periodFrom reads a period from a query's from and to: from defaults to
// since, to to the end of today, and to must come after from.
func (s *server) periodFrom(q url.Values, since time.Time) (report.Period, error) {
	from, to, err := bounds(q)
	if err != nil {
		return report.Period{}, err
	}
	if from.IsZero() {
		from = since
	}
	if to.IsZero() {
		to = sla.DateOf(s.now().In(sla.ICT)).AddDays(1).At(0, 0)
	}
	if !to.After(from) {
		return report.Period{}, invalidValue("Cuối kỳ (to) phải sau đầu kỳ (from).")
	}
	return report.Period{From: from, To: to}, nil
}

// bounds reads a query's from and to (parseBound), open when absent.
func bounds(q url.Values) (from, to time.Time, err error) {
	if from, err = parseBound(q.Get("from"), false); err != nil {
		return from, to, invalidValue("Không đọc được «from»: " + boundHelp)
	}
	if to, err = parseBound(q.Get("to"), true); err != nil {
		return from, to, invalidValue("Không đọc được «to»: " + boundHelp)
	}
	return from, to, nil
}

// A rendering is one format of a report: its content type and writer.
type rendering struct {
	contentType string
	write       func(io.Writer) error
}

// render writes the report in the format the query names (the first of
// formats by default), rendered first so that a failure is a 500 rather
// than a cut answer.
func (s *server) render(w http.ResponseWriter, r *http.Request, formats map[string]rendering, order ...string) {
	format := cmp.Or(r.URL.Query().Get("format"), order[0])
	f, ok := formats[format]
	if !ok {
		s.fail(w, r, invalidValue(fmt.Sprintf("Định dạng (format) phải là %s.", strings.Join(order, ", "))))
		return
	}
	var body bytes.Buffer
	if err := f.write(&body); err != nil {
		s.fail(w, r, fmt.Errorf("writing the report: %w", err))
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	_, _ = body.WriteTo(w)
}

const (
	jsonType = "application/json; charset=utf-8"
	textType = "text/plain; charset=utf-8"
	csvType  = "text/csv; charset=utf-8"
)

// summary is the press release of a period, with the growth against the
// period before; its figures are the totals of Biểu 06.
func (s *server) summary(w http.ResponseWriter, r *http.Request) {
	p, ok := s.period(w, r)
	if !ok {
		return
	}
	sc, ok := s.requestScope(w, r)
	if !ok {
		return
	}
	rep, err := rating.Build(r.Context(), s.cal, sc.dossiers, sc.ratings, p.From, p.To, s.now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prev, err := report.Compute(r.Context(), report.Query{Store: sc.dossiers, Calendar: s.cal, Period: report.Period{From: previousPeriod(p.From, p.To), To: p.From}, By: report.ByAgency})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep.PreviousReceived = prev.Total.Received()
	s.render(w, r, map[string]rendering{"json": {jsonType, rep.WriteJSON}, "text": {textType, rep.WriteText}}, "json", "text")
}

// statistics is Biểu số 06/VPCP/KSTT for a period, by field, level,
// procedure or agency.
func (s *server) statistics(w http.ResponseWriter, r *http.Request) {
	p, ok := s.period(w, r)
	if !ok {
		return
	}
	by := report.ByField
	if v := r.URL.Query().Get("by"); v != "" {
		var err error
		if by, err = report.ParseGroupBy(v); err != nil {
			s.fail(w, r, invalidValue("Cách nhóm (by) phải là field, level, procedure hoặc agency."))
			return
		}
	}
	sc, ok := s.requestScope(w, r)
	if !ok {
		return
	}
	st, err := report.Compute(r.Context(), report.Query{Store: sc.dossiers, Catalog: s.catalog, Calendar: s.cal, Period: p, By: by})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	attachment(w, r, "bieu06", p)
	s.render(w, r, map[string]rendering{
		"json": {jsonType, st.WriteJSON}, "csv": {csvType, st.WriteCSV}, "text": {textType, st.WriteText},
		"xlsx": {xlsxType, func(w io.Writer) error { return xlsx.Write(w, st, nil, nil) }},
	}, "json", "csv", "text", "xlsx")
}

// previousPeriod returns the start of the period before [from, to), which
// ends at from: as many whole months back when the period is whole months
// (a year, a quarter), and the same duration back otherwise.
func previousPeriod(from, to time.Time) time.Time {
	f, t := from.In(sla.ICT), to.In(sla.ICT)
	midnight := func(x time.Time) bool {
		return x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0
	}
	if midnight(f) && midnight(t) && f.Day() == 1 && t.Day() == 1 {
		months := (t.Year()-f.Year())*12 + int(t.Month()-f.Month())
		return f.AddDate(0, -months, 0)
	}
	return f.Add(-t.Sub(f)) // ICT has no daylight saving: whole days stay whole
}

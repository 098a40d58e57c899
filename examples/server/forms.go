package main

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"rsc.io/qr"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/sla"
)

// The printed forms of Thông tư 03/2025/TT-VPCP (Phụ lục I), which replaced
// those of Thông tư 01/2018/TT-VPCP from 15/9/2025:
//
//	Mẫu số 01  Giấy tiếp nhận hồ sơ và hẹn trả kết quả            /ho-so/{code}/mau-01
//	Mẫu số 02  Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ            /ho-so/{code}/mau-02
//	Mẫu số 03  Phiếu từ chối tiếp nhận giải quyết hồ sơ           /ho-so/{code}/mau-03
//	Mẫu số 04  Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết  /ho-so/{code}/mau-04
//	Mẫu số 05  Thông báo dừng giải quyết hồ sơ                    /ho-so/{code}/mau-05
//	Mẫu số 06  Phiếu kiểm soát quá trình giải quyết hồ sơ         /ho-so/{code}/mau-06
//	Mẫu số 07  Sổ theo dõi hồ sơ                                  /so-theo-doi?from=&to=
//
// Source of the list and titles: the circular's Phụ lục I as republished by
// thuviennhadat.vn ("Tải file word biểu mẫu Thông tư 03/2025/TT-VPCP…"),
// which names form 05 "Thông báo dừng giải quyết hồ sơ". The text of the
// 2025 forms themselves could not be found; their content follows the
// 2018 forms (Thông tư 01/2018/TT-VPCP, forms 01–06, as republished by
// trangtinphapluat.com), adapted: the 2018 form 04 (an apology with a new
// appointment) becomes an apology asking for more time, the 2018 forms 05
// and 06 are numbered 06 and 07, and form 05 is written from its title.
//
// The layout is that of Nghị định 30/2020/NĐ-CP (Phụ lục I): A4 portrait,
// margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman
// (or the metric-compatible Liberation Serif or Tinos) at 13 pt; the agency
// on the left, in capitals, with "Số: …" under it; on the right the national
// name in capitals and bold, on one line, the motto in bold with a rule
// under it, then the place and date in italics; the form's number above;
// signature blocks at the end. Tables of forms 06 and 07 are set in 12 and
// 11 pt so that their columns fit the portrait page, and go on over pages
// with their header repeated.

//go:embed pages/forms/*.html pages/forms/print.css
var formFiles embed.FS

// printAccess is who may print the forms: an officer, by token or session;
// the routes let only those whose roles may print through (dutyPrint), and
// a dossier's forms only to an officer who sees it.
const printAccess = officerOnly

// forms holds the forms' templates and their one style sheet.
type forms struct {
	t     map[string]*template.Template
	style template.CSS
	csp   string
}

func newForms() (*forms, error) {
	css, err := formFiles.ReadFile("pages/forms/print.css")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"inc":   func(i int) int { return i + 1 },
		"upper": strings.ToUpper,
	}
	f := &forms{t: map[string]*template.Template{}, style: template.CSS(css)} // our own embedded file
	for _, n := range []string{"01", "02", "03", "04", "05", "06", "07"} {
		t, err := template.New("mau-"+n+".html").Funcs(funcs).ParseFS(formFiles, "pages/forms/common.html", "pages/forms/mau-"+n+".html")
		if err != nil {
			return nil, err
		}
		f.t[n] = t
	}
	sum := sha256.Sum256(css)
	// The same policy as the other pages, and images from data: URLs, for
	// the receipt's QR code.
	f.csp = "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	return f, nil
}

// A formData is what every form prints; each uses what it needs.
type formData struct {
	Style        template.CSS
	Form, Title  string
	AgencyName   string
	AgencyID     string
	Number       string // after "Số: "
	Place, Dated string // "Hà Nội", "ngày 06 tháng 10 năm 2025"

	Code                   string
	Applicant              applicantLines
	Procedure              string
	ProcedureName          string
	HandlingAgency         string
	Channel, ReturnChannel string
	Documents              []documentView
	Fees                   []receiptFee
	Limit                  string
	Received, Due          string // Due is "" when there is no appointment
	Refused                bool
	BookVolume, BookSeq    string
	Secret, LookupURL      string
	QR                     template.URL
	Officer                string

	// The event a form tells of (02, 03, 04, 05): its reason, its officer
	// and its time.
	Reason, EventOfficer, EventAt string
	SupplementBy                  string // form 02: the time to supplement by, if the request gave one
	NewDue, OriginalDue           string
	HasEvent                      bool

	Handovers []handoverRow
	Finished  string

	From, To string
	Rows     []bookRow
	Capped   bool
}

type applicantLines struct {
	Name, Organisation, IDNumber, Address, Phone, Email string
}

type handoverRow struct {
	Agency, From, To, At, Result, Note string
}

type bookRow struct {
	Code, Procedure, Applicant, Contact, Agency    string
	CodeAgency, CodeDay                            string // the code in two lines
	Received, Due, Transferred, Resolved, Returned string
	Note                                           string
}

// dotted stands for what the form leaves to be filled in by hand.
const dotted = "……………"

// vnDate writes a date as the forms do: "ngày 06 tháng 10 năm 2025"; a
// zero time is left to be filled in.
func vnDate(t time.Time) string {
	if t.IsZero() {
		return "ngày … tháng … năm …"
	}
	t = t.In(sla.ICT)
	return fmt.Sprintf("ngày %02d tháng %02d năm %d", t.Day(), t.Month(), t.Year())
}

// formTime writes an instant as the forms do: "09 giờ 00 phút, Thứ Hai,
// ngày 06/10/2025"; the zero time as nothing.
func formTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return longTime(t)
}

// renderForm writes form n, rendered first so that a failing template is a
// clean 500.
func (s *server) renderForm(w http.ResponseWriter, r *http.Request, n string, data *formData) {
	data.Style, data.Form = s.forms.style, n
	if data.AgencyID == "" { // the tracking book: the officer's agency
		data.AgencyID = signedIn(r).officer.Agency
	}
	data.AgencyName = s.agencies.name(data.AgencyID)
	data.Place = s.place
	if data.Place == "" {
		data.Place = dotted
	}
	var buf bytes.Buffer
	if err := s.forms.t[n].Execute(&buf, data); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", s.forms.csp)
	h.Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}

// dossierForm reads the dossier of the path and fills what every form of a
// dossier prints about it.
func (s *server) dossierForm(w http.ResponseWriter, r *http.Request) (*dossier.Dossier, *formData, bool) {
	d, ok := s.officerDossier(w, r)
	if !ok {
		return nil, nil, false
	}
	a := d.Applicant
	data := &formData{
		AgencyID: d.Code.Agency, AgencyName: s.agencies.name(d.Code.Agency), Code: d.Code.String(), Procedure: d.Procedure, ProcedureName: d.Procedure,
		Applicant: applicantLines{Name: a.Name, Organisation: a.Organisation, IDNumber: a.IDNumber, Address: a.Address, Phone: a.Phone, Email: a.Email},
		Channel:   d.Channel.String(), ReturnChannel: d.ReturnChannel.String(),
		Limit: d.Limit().String(), Received: formTime(d.ReceivedAt()), Due: formTime(appointment(d)),
		Refused: d.Status() == dossier.Refused,
		Number:  dotted,
	}
	if p, ok := s.procedureOf(d); ok {
		data.ProcedureName = p.Name
		data.HandlingAgency = p.Agency
		data.Documents = viewProcedure(p).Documents
		for _, f := range p.Fees {
			if f.Channel != 0 && f.Channel != d.Channel {
				continue
			}
			data.Fees = append(data.Fees, receiptFee{Name: f.Name, Note: f.Note, Amount: dong(f.Amount), Collected: f.Collected.String()})
		}
	}
	for _, e := range d.Events {
		if e.Kind == dossier.KindReceive || e.Kind == dossier.KindSubmit && data.Officer == "" {
			data.Officer = e.Actor
		}
	}
	return d, data, true
}

// lastEvent fills the form with the latest event of kind k, if there is one.
func lastEvent(d *dossier.Dossier, data *formData, k dossier.Kind) (dossier.Event, bool) {
	for i := len(d.Events) - 1; i >= 0; i-- {
		if e := d.Events[i]; e.Kind == k {
			data.Reason, data.EventOfficer, data.EventAt = e.Reason, e.Actor, formTime(e.At)
			data.SupplementBy = formTime(e.SupplementBy)
			data.Dated = vnDate(e.At)
			data.HasEvent = true
			return e, true
		}
	}
	data.Dated = vnDate(time.Time{})
	return dossier.Event{}, false
}

// receipt answers GET /dossiers/{code}/receipt, the receipt's first
// address: form 01.
func (s *server) receipt(w http.ResponseWriter, r *http.Request) { s.form01(w, r) }

// form01 is the receipt the applicant takes home, with the lookup secret
// and its QR code. A refused dossier's receipt gives no appointment.
func (s *server) form01(w http.ResponseWriter, r *http.Request) {
	d, data, ok := s.dossierForm(w, r)
	if !ok {
		return
	}
	if d.ReceivedAt().IsZero() {
		s.fail(w, r, conflict("not-received", "Hồ sơ chưa được tiếp nhận",
			"Chỉ in giấy tiếp nhận cho hồ sơ đã được tiếp nhận."))
		return
	}
	data.Title = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
	data.Dated = vnDate(d.ReceivedAt())
	// A reprint gives the appointment made at receipt, as the first print
	// did; a later apology has its own form (04).
	for _, e := range d.Events {
		if e.Kind == dossier.KindReceive && !data.Refused {
			data.Due = formTime(e.Due)
		}
	}
	// The receipt's number is its entry in the day's tracking book: the
	// dossier's sequence of the day.
	data.Number = fmt.Sprintf("%04d", d.Code.Seq)
	data.BookVolume = d.Code.Date.At(0, 0).Format("02/01/2006")
	data.BookSeq = data.Number
	data.Secret = s.secrets.secretFor(d.Code, d.ID)
	data.LookupURL = s.lookupURL(d)
	code, err := qr.Encode(data.LookupURL, qr.M)
	if err != nil {
		s.fail(w, r, fmt.Errorf("the receipt's QR code: %w", err))
		return
	}
	code.Scale = 4
	data.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(code.PNG())) // our own PNG
	s.renderForm(w, r, "01", data)
}

// eventForm is a form that tells of the latest event of kind k: form 02
// (what a supplement request listed), 03 (the reasons of a refusal, and
// never an appointment) and 05 (why handling stopped).
func (s *server) eventForm(n, title string, k dossier.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, data, ok := s.dossierForm(w, r)
		if !ok {
			return
		}
		data.Title = title
		if k == dossier.KindRefuse {
			data.Due = ""
		}
		lastEvent(d, data, k)
		s.renderForm(w, r, n, data)
	}
}

func (s *server) form02(w http.ResponseWriter, r *http.Request) {
	s.eventForm("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", dossier.KindRequestSupplement)(w, r)
}

func (s *server) form03(w http.ResponseWriter, r *http.Request) {
	s.eventForm("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", dossier.KindRefuse)(w, r)
}

func (s *server) form05(w http.ResponseWriter, r *http.Request) {
	s.eventForm("05", "Thông báo dừng giải quyết hồ sơ", dossier.KindStop)(w, r)
}

// form04 apologises for a late dossier and asks for more time: the new
// appointment, and the one it replaces.
func (s *server) form04(w http.ResponseWriter, r *http.Request) {
	d, data, ok := s.dossierForm(w, r)
	if !ok {
		return
	}
	data.Title = "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"
	// The appointment the apology replaces: the one before the latest
	// reschedule.
	var due, prev time.Time
	for _, e := range d.Events {
		if e.Kind == dossier.KindReschedule {
			prev = due
		}
		if !e.Due.IsZero() {
			due = e.Due
		}
	}
	if e, ok := lastEvent(d, data, dossier.KindReschedule); ok {
		data.NewDue = formTime(e.Due)
	}
	data.OriginalDue = formTime(prev)
	s.renderForm(w, r, "04", data)
}

// form06 is the control slip: one row per handover, with its step's
// result against the step's own due time, and the return of the result to
// the desk.
func (s *server) form06(w http.ResponseWriter, r *http.Request) {
	d, data, ok := s.dossierForm(w, r)
	if !ok {
		return
	}
	data.Title = "Phiếu kiểm soát quá trình giải quyết hồ sơ"
	data.Dated = vnDate(d.ReceivedAt())
	hs := d.Handovers()
	for _, h := range hs {
		row := handoverRow{Agency: h.To, From: cmp.Or(h.From, data.AgencyName), To: h.To, At: formTime(h.At)}
		if t, ok := h.Timeliness(s.cal); ok {
			row.Result = t.String()
		}
		if h.Step != "" {
			row.Note = h.Step
			if !h.Due.IsZero() {
				row.Note += "; hạn " + formTime(h.Due)
			}
		}
		data.Handovers = append(data.Handovers, row)
	}
	if d.Status().HasResult() && len(hs) > 0 {
		row := handoverRow{Agency: data.AgencyName, From: hs[len(hs)-1].To, To: data.AgencyName, At: formTime(d.FinishedAt()), Note: "Trả kết quả về Bộ phận tiếp nhận và trả kết quả"}
		if t, ok := d.Timeliness(s.cal); ok {
			row.Result = t.String()
		}
		data.Handovers = append(data.Handovers, row)
	}
	data.Finished = formTime(d.FinishedAt())
	s.renderForm(w, r, "06", data)
}

// maxBookRows caps the tracking book of one request, so that a period of
// years does not build one enormous page; the page says when it is cut.
const maxBookRows = 2000

// form07 is the tracking book of the dossiers received in a period, by time
// of receipt: from and to as the list takes them, today by default.
func (s *server) form07(w http.ResponseWriter, r *http.Request) {
	p, err := s.periodFrom(r.URL.Query(), sla.DateOf(s.now().In(sla.ICT)).At(0, 0))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := dossier.Filter{ReceivedFrom: p.From, ReceivedTo: p.To}
	data := &formData{
		Title: "Sổ theo dõi hồ sơ", Number: dotted, Dated: vnDate(s.now()),
		From: f.ReceivedFrom.In(sla.ICT).Format("02/01/2006"), To: f.ReceivedTo.In(sla.ICT).Add(-time.Nanosecond).Format("02/01/2006"),
	}
	for d, err := range s.store.List(r.Context(), f) {
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if d.ReceivedAt().IsZero() || !signedIn(r).officer.sees(d.Code) {
			continue
		}
		if len(data.Rows) == maxBookRows {
			data.Capped = true
			break
		}
		data.Rows = append(data.Rows, s.bookRow(d))
	}
	s.renderForm(w, r, "07", data)
}

func (s *server) bookRow(d *dossier.Dossier) bookRow {
	a := d.Applicant
	contact := a.Address
	if a.Phone != "" {
		contact = strings.TrimPrefix(contact+"; "+a.Phone, "; ")
	}
	row := bookRow{
		Code: d.Code.String(), Procedure: s.procedureName(d), Applicant: cmp.Or(a.Organisation, a.Name), Contact: contact,
		Received: shortDate(d.ReceivedAt()), Due: shortDate(appointment(d)),
		Resolved: shortDate(d.FinishedAt()), Returned: shortDate(d.ReturnedAt()),
	}
	if p, ok := s.procedureOf(d); ok {
		row.Agency = p.Agency
	}
	if hs := d.Handovers(); len(hs) > 1 {
		row.Transferred = shortDate(hs[1].At)
	}
	switch d.Status() {
	case dossier.Refused, dossier.Withdrawn, dossier.Stopped:
		row.Note = d.Status().String()
	}
	return row
}

// shortDate writes an instant for the book's narrow columns: "06/10/25"
// over "09:00".
func shortDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(sla.ICT).Format("02/01/06\n15:04")
}

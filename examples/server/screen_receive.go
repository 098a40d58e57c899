package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
)

// The receiving screen, /tiep-nhan: the officer finds the procedure (with or
// without diacritics), ticks the papers handed in, types the applicant's
// details and the channels, previews the due time, and receives; the
// receipt (form 01) opens, ready to print. A procedure done "4 tại chỗ" can be
// received, resolved and returned in the same step.

type procedureChoice struct {
	Code, Name, Duration, URL string
	OnTheSpot                 bool
}

type documentCheck struct {
	Index              int
	Name               string
	Originals, Copies  int
	Mandatory, Checked bool
}

// receiveFields are the form's fields, as typed.
type receiveFields struct {
	Name, IDNumber, Phone, Email, Address, Organisation string
	Channel, ReturnChannel                              string
}

type receivePreview struct {
	Received, Due, Limit string
}

type receiveData struct {
	pageBase
	Query          string
	Searched       bool
	Results        []procedureChoice
	Procedure      *procedureChoice
	Field, Level   string
	Documents      []documentCheck
	Channels       []option
	ReturnChannels []option
	Fees           []string
	Fields         receiveFields
	Preview        *receivePreview
	SubmitKey      string // the key of this rendering's receipt (receiveOnce)
	OnTheSpot      bool   // the procedure is done on the spot and the officer may
}

// receivePage answers GET /tiep-nhan: the search (q) or the form of the
// procedure chosen (thu-tuc).
func (s *server) receivePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data := receiveData{pageBase: s.base(r, "Tiếp nhận hồ sơ")}
	if code := q.Get("thu-tuc"); code != "" {
		p, err := s.procedureNow(code)
		if err != nil {
			s.failScreen(w, r, err)
			return
		}
		s.fillReceive(r, &data, p, receiveFields{}, nil)
		s.screen(w, r, http.StatusOK, s.screens.receive, &data)
		return
	}
	data.Query = strings.TrimSpace(q.Get("q"))
	if err := checkText("q", data.Query, maxName); err != nil {
		s.failScreen(w, r, err)
		return
	}
	var found []procedure.Procedure
	if data.Query != "" {
		data.Searched = true
		found = s.catalog.Search(data.Query)
	} else {
		now := s.now()
		for p := range s.catalog.All() {
			if p.InForce(now) {
				found = append(found, p)
			}
		}
	}
	now := s.now()
	for _, p := range found {
		if !p.InForce(now) {
			continue
		}
		data.Results = append(data.Results, procedureChoice{
			Code: p.Code, Name: p.Name, Duration: p.Duration.String(), OnTheSpot: p.OnTheSpot,
			URL: "/tiep-nhan?thu-tuc=" + url.QueryEscape(p.Code),
		})
	}
	s.screen(w, r, http.StatusOK, s.screens.receive, &data)
}

// procedureNow returns the version of a procedure in force now.
func (s *server) procedureNow(code string) (procedure.Procedure, error) {
	if !procedure.ValidCode(code) {
		return procedure.Procedure{}, invalidValue(fmt.Sprintf("«%s» không phải là mã thủ tục.", code))
	}
	p, err := s.catalog.Lookup(code, s.now())
	if err != nil {
		return procedure.Procedure{}, notFound(fmt.Sprintf("Không có thủ tục mã %s đang có hiệu lực.", code))
	}
	return p, nil
}

// fillReceive fills the form of procedure p with the fields typed and the
// papers ticked (by index).
func (s *server) fillReceive(r *http.Request, data *receiveData, p procedure.Procedure, f receiveFields, ticked []int) {
	data.Procedure = &procedureChoice{Code: p.Code, Name: p.Name, Duration: p.Duration.String(), OnTheSpot: p.OnTheSpot}
	data.SubmitKey = rand.Text()
	data.Field, data.Level = p.Field.Name, p.Level.String()
	data.OnTheSpot = p.OnTheSpot && signedIn(r).officer.may(dutyOnTheSpot, 0)
	for i, d := range p.Documents {
		data.Documents = append(data.Documents, documentCheck{
			Index: i, Name: d.Name, Originals: d.Originals, Copies: d.Copies, Mandatory: d.Mandatory,
			Checked: slices.Contains(ticked, i),
		})
	}
	if f.Channel == "" {
		f.Channel = channelKey(procedure.Direct)
	}
	if f.ReturnChannel == "" {
		f.ReturnChannel = f.Channel
	}
	for _, ch := range p.Channels {
		k := channelKey(ch)
		data.Channels = append(data.Channels, option{Value: k, Text: upperFirst(ch.String()), Selected: k == f.Channel})
		data.ReturnChannels = append(data.ReturnChannels, option{Value: k, Text: upperFirst(ch.String()), Selected: k == f.ReturnChannel})
	}
	for _, fee := range p.Fees {
		text := fee.Name + ": " + dong(fee.Amount)
		if fee.Channel != 0 {
			text += ", " + fee.Channel.String()
		}
		data.Fees = append(data.Fees, text+noteOf(fee.Note))
	}
	data.Fields = f
}

func noteOf(note string) string {
	if note == "" {
		return ""
	}
	return " (" + note + ")"
}

// The steps of the receiving form, in its field buoc.
const (
	stepPreview   = "xem-truoc"
	stepReceive   = "tiep-nhan"
	stepOnTheSpot = "tai-cho"
)

// receiveOnce makes a receipt from the screen safe to send twice (a double
// click, a reload of the answer, a retry after the network dropped it):
// every rendering of the form carries a fresh key in the field ma-gui, and
// a receipt sent again with it opens the dossier the first one made instead
// of receiving a second. It keeps only the receipt's redirect (303); a
// form the officer must correct is rendered again with a new key. See
// runOnce.
func (s *server) receiveOnce(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := r.PostForm
		if f.Get("buoc") == stepPreview || f.Get("ma-gui") == "" {
			h(w, r)
			return
		}
		key, err := idempotencyKey(f["ma-gui"])
		if err != nil {
			s.failScreen(w, r, invalidValue("Biểu mẫu không hợp lệ: mã lần gửi không đúng. Hãy mở lại trang tiếp nhận."))
			return
		}
		refuse := func(w http.ResponseWriter, r *http.Request, err error) {
			switch {
			case errors.Is(err, errIdempotencyKeyReused):
				err = &problem{Title: "Biểu mẫu đã được gửi", Status: http.StatusUnprocessableEntity,
					Detail: "Biểu mẫu này đã được gửi một lần với nội dung khác. Hãy mở lại trang tiếp nhận để tiếp nhận hồ sơ mới."}
			case errors.Is(err, errIdempotencyInFlight):
				err = &problem{Title: "Đang tiếp nhận", Status: http.StatusConflict,
					Detail: "Hồ sơ của biểu mẫu này đang được tiếp nhận. Chờ giây lát rồi tải lại trang."}
			}
			s.failScreen(w, r, err)
		}
		fp := fingerprint(r.Method, r.URL.Path, f.Encode())
		s.runOnce(w, r, "tiep-nhan:"+key, fp, func(status int) bool { return status == http.StatusSeeOther }, refuse, h)
	}
}

// receiveForm answers the receiving form: a preview of the due time, or the
// receipt itself (then the receipt opens), or, for a procedure done on the
// spot, receipt, result and return at once.
func (s *server) receiveForm(w http.ResponseWriter, r *http.Request) {
	o := signedIn(r).officer
	form := r.PostForm
	data := receiveData{pageBase: s.base(r, "Tiếp nhận hồ sơ")}
	p, err := s.procedureNow(form.Get("thu-tuc"))
	if err != nil {
		s.failScreen(w, r, err)
		return
	}
	f := receiveFields{
		Name: form.Get("ho-ten"), IDNumber: form.Get("so-dinh-danh"), Phone: form.Get("dien-thoai"), Email: form.Get("email"),
		Address: form.Get("dia-chi"), Organisation: form.Get("to-chuc"), Channel: form.Get("kenh-nop"), ReturnChannel: form.Get("kenh-tra"),
	}
	var ticked []int
	for _, v := range form["giay-to"] {
		if i, err := strconv.Atoi(v); err == nil && i >= 0 && i < len(p.Documents) && !slices.Contains(ticked, i) {
			ticked = append(ticked, i)
		}
	}
	s.fillReceive(r, &data, p, f, ticked)
	refuse := func(status int, msg string) {
		data.Error = msg
		s.screen(w, r, status, s.screens.receive, &data)
	}

	step := form.Get("buoc")
	if step != stepPreview && step != stepReceive && step != stepOnTheSpot {
		refuse(http.StatusBadRequest, "Biểu mẫu không hợp lệ: bước tiếp nhận không rõ.")
		return
	}
	if step == stepOnTheSpot && !data.OnTheSpot {
		if !p.OnTheSpot {
			refuse(http.StatusBadRequest, "Thủ tục này không giải quyết tại chỗ.")
			return
		}
		s.failScreen(w, r, forbidden(o, dutyOnTheSpot))
		return
	}
	in, err := s.intake(intakeRequest{
		Procedure: p.Code, Channel: f.Channel, ReturnChannel: f.ReturnChannel,
		Applicant: dossier.Applicant{Name: f.Name, IDNumber: strings.TrimSpace(f.IDNumber), Phone: strings.TrimSpace(f.Phone),
			Email: strings.TrimSpace(f.Email), Address: strings.TrimSpace(f.Address), Organisation: strings.TrimSpace(f.Organisation)},
	})
	if err != nil {
		p := s.problemFor(err)
		refuse(p.Status, p.Detail)
		return
	}
	var missing []string
	for i, d := range p.Documents {
		if d.Mandatory && !slices.Contains(ticked, i) {
			missing = append(missing, "«"+d.Name+"»")
		}
	}
	if len(missing) > 0 {
		refuse(http.StatusBadRequest, "Hồ sơ chưa đủ giấy tờ bắt buộc, chưa thể tiếp nhận: thiếu "+strings.Join(missing, ", ")+
			". Hãy hướng dẫn người nộp bổ sung cho đủ.")
		return
	}

	if step == stepPreview {
		now := s.now()
		limit := p.DurationFor(in.Channel)
		due, err := s.cal.Due(now, limit)
		if err != nil {
			s.failScreen(w, r, err)
			return
		}
		data.Preview = &receivePreview{Received: longTime(now), Due: longTime(due), Limit: limit.String()}
		s.screen(w, r, http.StatusOK, s.screens.receive, &data)
		return
	}

	svc, err := s.receivingService(o)
	if err != nil {
		s.failScreen(w, r, err)
		return
	}
	in.Actor = o.actor()
	d, err := svc.Receive(r.Context(), in)
	if err != nil {
		p := s.problemOf(r, err)
		refuse(p.Status, p.Detail)
		return
	}
	if step == stepOnTheSpot {
		// "4 tại chỗ": appraised, approved and returned at the desk, each
		// event recorded at its own time.
		if _, err = svc.Resolve(r.Context(), d.Code, o.actor()); err == nil {
			_, err = svc.Return(r.Context(), d.Code, o.actor())
		}
		if err != nil {
			logFailure(r, "on the spot", err)
			http.Redirect(w, r, "/ho-so/"+d.Code.String()+"?da-ghi=loi-tai-cho", http.StatusSeeOther)
			return
		}
	}
	http.Redirect(w, r, "/ho-so/"+d.Code.String()+"/mau-01", http.StatusSeeOther)
}

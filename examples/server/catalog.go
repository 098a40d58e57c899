package main

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// procedureItem is a procedure in a list of results.
type procedureItem struct {
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Field     string   `json:"field"`
	Level     string   `json:"level"`
	LevelText string   `json:"levelText"`
	Duration  string   `json:"duration"`
	Channels  []string `json:"channels"`
}

// procedureView is one procedure version with everything the catalogue
// says of it.
type procedureView struct {
	procedureItem
	FieldCode       string         `json:"fieldCode,omitempty"`
	Agency          string         `json:"agency,omitempty"`
	DirectDuration  string         `json:"directDuration,omitempty"`
	OnlineDuration  string         `json:"onlineDuration,omitempty"`
	PostalDuration  string         `json:"postalDuration,omitempty"`
	Supplement      string         `json:"supplementRegime"`
	OnlineLevel     string         `json:"onlineLevel"`
	OnlineLevelText string         `json:"onlineLevelText"`
	OnTheSpot       bool           `json:"onTheSpot"`
	Fees            []feeView      `json:"fees"`
	Documents       []documentView `json:"documents"`
	Steps           []stepView     `json:"steps"`
	LegalBasis      []string       `json:"legalBasis"`
	EffectiveFrom   string         `json:"effectiveFrom,omitempty"`
	EffectiveTo     string         `json:"effectiveTo,omitempty"`
}

type feeView struct {
	Name      string `json:"name"`
	Amount    int64  `json:"amount"`
	Collected string `json:"collected"`
	Channel   string `json:"channel,omitempty"`
	Note      string `json:"note,omitempty"`
}

type documentView struct {
	Name      string `json:"name"`
	Originals int    `json:"originals"`
	Copies    int    `json:"copies"`
	Mandatory bool   `json:"mandatory"`
}

type stepView struct {
	Name        string `json:"name"`
	Responsible string `json:"responsible,omitempty"`
	Duration    string `json:"duration"`
}

func text(m interface{ MarshalText() ([]byte, error) }) string {
	b, err := m.MarshalText()
	if err != nil {
		return ""
	}
	return string(b)
}

func viewItem(p procedure.Procedure) procedureItem {
	it := procedureItem{
		Code: p.Code, Name: p.Name, Field: p.Field.Name, Level: text(p.Level), LevelText: p.Level.String(),
		Duration: p.Duration.String(), Channels: make([]string, 0, len(p.Channels)),
	}
	for _, ch := range p.Channels {
		it.Channels = append(it.Channels, channelKey(ch))
	}
	return it
}

func viewProcedure(p procedure.Procedure) procedureView {
	v := procedureView{
		procedureItem: viewItem(p), FieldCode: p.Field.Code, Agency: p.Agency,
		Supplement: text(p.Supplement), OnlineLevel: text(p.OnlineLevel), OnlineLevelText: p.OnlineLevel.String(),
		OnTheSpot: p.OnTheSpot, Fees: []feeView{}, Documents: []documentView{}, Steps: []stepView{},
		LegalBasis: append([]string{}, p.LegalBasis...),
	}
	for _, own := range []struct {
		d  sla.Duration
		to *string
	}{{p.DirectDuration, &v.DirectDuration}, {p.OnlineDuration, &v.OnlineDuration}, {p.PostalDuration, &v.PostalDuration}} {
		if !own.d.IsZero() {
			*own.to = own.d.String()
		}
	}
	for _, f := range p.Fees {
		fv := feeView{Name: f.Name, Amount: f.Amount, Collected: text(f.Collected), Note: f.Note}
		if f.Channel != 0 {
			fv.Channel = channelKey(f.Channel)
		}
		v.Fees = append(v.Fees, fv)
	}
	for _, d := range p.Documents {
		v.Documents = append(v.Documents, documentView{Name: d.Name, Originals: d.Originals, Copies: d.Copies, Mandatory: d.Mandatory})
	}
	for _, st := range p.Steps {
		v.Steps = append(v.Steps, stepView{Name: st.Name, Responsible: st.Responsible, Duration: st.Duration.String()})
	}
	if !p.EffectiveFrom.IsZero() {
		v.EffectiveFrom = p.EffectiveFrom.String()
	}
	if !p.EffectiveTo.IsZero() {
		v.EffectiveTo = p.EffectiveTo.String()
	}
	return v
}

// searchProcedures answers GET /api/v1/procedures?q=…: the procedures whose
// name or code matches q, with or without diacritics, best first; without q,
// every procedure in force today, by code.
func (s *server) searchProcedures(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if err := checkText("q", q, maxName); err != nil {
		s.fail(w, r, err)
		return
	}
	items := []procedureItem{}
	if q == "" {
		now := s.now()
		for p := range s.catalog.All() {
			if p.InForce(now) {
				items = append(items, viewItem(p))
			}
		}
	} else {
		for _, p := range s.catalog.Search(q) {
			items = append(items, viewItem(p))
		}
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// getProcedure answers GET /api/v1/procedures/{code}?at=2025-07-01: the
// version in force on the date, today by default.
func (s *server) getProcedure(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if !procedure.ValidCode(code) {
		s.fail(w, r, badRequest("invalid-procedure-code", "Mã thủ tục không hợp lệ",
			fmt.Sprintf("«%s» không phải là mã thủ tục; mã thủ tục có dạng 1.001612 hoặc 1.000948.H38.", code)))
		return
	}
	at := s.now()
	if v := r.URL.Query().Get("at"); v != "" {
		t, err := parseBound(v, false)
		if err != nil {
			s.fail(w, r, invalidValue(fmt.Sprintf("Không đọc được «at»: %s", boundHelp)))
			return
		}
		at = t
	}
	p, err := s.catalog.Lookup(code, at)
	if err != nil {
		s.fail(w, r, notFound(fmt.Sprintf("Không có thủ tục mã %s có hiệu lực vào ngày %s.", code, sla.DateOf(at).String())))
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, viewProcedure(p))
}

type dueView struct {
	Received stamp  `json:"received"`
	Duration string `json:"duration"`
	Due      stamp  `json:"due"`
	DueText  string `json:"dueText"`
}

// due answers GET /api/v1/due?received=…&duration=…: when a dossier received
// then is due under the published limit, on the desk's calendar.
func (s *server) due(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("duration") == "" {
		s.fail(w, r, invalidValue("Cần thời hạn giải quyết (duration), ví dụ «3 ngày làm việc», «30 ngày» hoặc «trong ngày»."))
		return
	}
	d, err := sla.ParseDuration(q.Get("duration"))
	if err != nil {
		s.fail(w, r, invalidValue(fmt.Sprintf("Không đọc được thời hạn «%s»: hãy viết như «3 ngày làm việc», «04 giờ làm việc», «30 ngày», «03 tháng» hoặc «trong ngày».", q.Get("duration"))))
		return
	}
	received := s.now()
	if v := q.Get("received"); v != "" {
		if received, err = parseInstant(v); err != nil {
			s.fail(w, r, invalidValue(fmt.Sprintf("Không đọc được thời điểm tiếp nhận «%s»: hãy viết 2025-01-24 10:00 hoặc theo RFC 3339.", v)))
			return
		}
	}
	due, err := s.cal.Due(received, d)
	if err != nil {
		s.fail(w, r, invalidValue("Không tính được hạn: thời điểm nằm ngoài lịch (1900–2199)."))
		return
	}
	writeJSON(w, http.StatusOK, dueView{
		Received: stamp(received), Duration: d.String(), Due: stamp(due), DueText: longTime(due),
	})
}

// longTime writes an instant as a receipt does: "17 giờ 00 phút, Thứ Sáu,
// ngày 24/01/2025".
func longTime(t time.Time) string {
	t = t.In(sla.ICT)
	return fmt.Sprintf("%02d giờ %02d phút, %s, ngày %s", t.Hour(), t.Minute(), sla.WeekdayName(t.Weekday()), t.Format("02/01/2006"))
}

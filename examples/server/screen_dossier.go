package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/sla"
)

// The dossier screen, /ho-so/{code}: the summary, the history with the facts
// each event decided, the control slip with each step's timeliness, the
// actions the officer's roles and the lifecycle allow (each a small form
// with the fields it needs), and links to the printable forms.

// actionOrder is the order the actions are offered in.
var actionOrder = []string{
	"accept", "refuse", "request-supplement", "supplement", "request-payment", "pay",
	"transfer", "resolve", "reschedule", "return", "withdraw", "stop",
}

// lifecycleKinds are the event each action records.
var lifecycleKinds = map[string]dossier.Kind{
	"accept": dossier.KindReceive, "refuse": dossier.KindRefuse, "transfer": dossier.KindTransfer,
	"request-supplement": dossier.KindRequestSupplement, "supplement": dossier.KindSupplement,
	"request-payment": dossier.KindRequestPayment, "pay": dossier.KindPay, "reschedule": dossier.KindReschedule,
	"resolve": dossier.KindResolve, "return": dossier.KindReturn, "withdraw": dossier.KindWithdraw, "stop": dossier.KindStop,
}

// lifecycleAllows reports whether the lifecycle lets the dossier take an
// event of kind k now. It asks the one state machine, Dossier.Apply, on a
// copy: a transition it refuses is ErrInvalidTransition, whatever the
// facts; a refusal for a missing fact means the transition itself is open.
func lifecycleAllows(d *dossier.Dossier, k dossier.Kind) bool {
	at := d.SubmittedAt
	if n := len(d.Events); n > 0 {
		at = d.Events[n-1].At
	}
	err := d.Clone().Apply(dossier.Event{Kind: k, At: at})
	return !errors.Is(err, dossier.ErrInvalidTransition)
}

type actionForm struct {
	Name, Label     string
	Reason, To, Due use
	ReasonLabel     string
	Receivers       []option
	DueDefault      string
	Confirm         string
	Danger          bool
}

type formLink struct{ URL, Label string }

type eventRow struct {
	N               int
	At, Kind, Actor string
	Facts           []string
}

type slipRow struct {
	Step, From, To, At, Due, Done, Timeliness string
}

type dossierData struct {
	pageBase
	Code, ProcedureName, Procedure, Version string
	Applicant                               dossier.Applicant
	AgencyName                              string
	Channel, ReturnChannel, Status          string
	Received, Due, LegalDue, Finished       string
	Returned, Timeliness, Left              string
	Overdue                                 bool
	Limit                                   string
	Events                                  []eventRow
	Slip                                    []slipRow
	Actions                                 []actionForm
	Forms                                   []formLink
}

// noticeOf is the notice after an action, by the action's name in da-ghi.
func noticeOf(action string) string {
	if action == "loi-tai-cho" {
		return ""
	}
	if d, ok := actionDuties[action]; ok {
		return "Đã " + rules[d].text + "."
	}
	return ""
}

// dossierPage answers GET /ho-so/{code}.
func (s *server) dossierPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.seenDossier(r)
	if err != nil {
		s.failScreen(w, r, err)
		return
	}
	data := s.dossierData(r, d)
	switch v := r.URL.Query().Get("da-ghi"); v {
	case "":
	case "loi-tai-cho":
		data.Error = "Hồ sơ đã được tiếp nhận, nhưng chưa ghi được kết quả hoặc việc trả kết quả tại chỗ: hãy thực hiện tiếp bên dưới."
	default:
		data.Notice = noticeOf(v)
	}
	s.screen(w, r, http.StatusOK, s.screens.dossier, data)
}

func (s *server) dossierData(r *http.Request, d *dossier.Dossier) *dossierData {
	o := signedIn(r).officer
	now := s.now()
	data := &dossierData{
		pageBase: s.base(r, "Hồ sơ "+d.Code.String()),
		Code:     d.Code.String(), ProcedureName: s.procedureName(d), Procedure: d.Procedure, Version: strconv.Itoa(d.Version),
		Applicant: d.Applicant, AgencyName: s.agencies.name(d.Code.Agency),
		Channel: upperFirst(d.Channel.String()), ReturnChannel: upperFirst(d.ReturnChannel.String()), Status: d.Status().String(),
		Received: longTimeOrEmpty(d.ReceivedAt()), Due: longTimeOrEmpty(d.Due()), LegalDue: longTimeOrEmpty(d.OriginalDue()),
		Finished: longTimeOrEmpty(d.FinishedAt()), Returned: longTimeOrEmpty(d.ReturnedAt()),
	}
	if !d.Limit().IsZero() {
		data.Limit = d.Limit().String()
	}
	if t, ok := s.timeliness(d); ok {
		data.Timeliness = t.String()
	}
	data.Left, data.Overdue = s.timeLeft(d, now)
	for _, e := range d.Events {
		data.Events = append(data.Events, eventRow{N: e.N, At: dateTime(e.At), Kind: upperFirst(e.Kind.String()), Actor: e.Actor, Facts: eventFacts(e)})
	}
	for _, h := range d.Handovers() {
		row := slipRow{Step: h.Step, From: h.From, To: h.To, At: dateTime(h.At), Due: dateTime(h.Due), Done: dateTime(h.Done)}
		if t, ok := h.Timeliness(s.cal); ok {
			row.Timeliness = t.String()
		}
		data.Slip = append(data.Slip, row)
	}
	for _, name := range actionOrder {
		dt := actionDuties[name]
		if !lifecycleAllows(d, lifecycleKinds[name]) || !o.may(dt, d.Status()) {
			continue
		}
		a := actions[name]
		f := actionForm{Name: name, Label: upperFirst(rules[dt].text), Reason: a.reason, To: a.to, Due: a.due, ReasonLabel: reasonLabels[name]}
		switch name {
		case "transfer":
			f.Receivers = s.receivers(r, d.Code.Agency)
		case "reschedule":
			f.DueDefault = d.Due().In(sla.ICT).AddDate(0, 0, 1).Format("2006-01-02T15:04")
		case "refuse", "withdraw", "stop":
			f.Danger = true
		}
		data.Actions = append(data.Actions, f)
	}
	if o.may(dutyPrint, d.Status()) {
		data.Forms = s.formLinks(d)
	}
	return data
}

// reasonLabels say what each action's reason is.
var reasonLabels = map[string]string{
	"refuse":             "Lý do từ chối",
	"request-supplement": "Giấy tờ cần bổ sung, hoàn thiện",
	"request-payment":    "Khoản phải nộp (không bắt buộc)",
	"reschedule":         "Lý do chậm trễ (nội dung xin lỗi)",
	"withdraw":           "Lý do rút hồ sơ (không bắt buộc)",
	"stop":               "Lý do dừng xử lý",
}

// eventFacts writes the facts an event decided, for the history.
func eventFacts(e dossier.Event) []string {
	var out []string
	add := func(label, v string) {
		if v != "" {
			out = append(out, label+": "+v)
		}
	}
	add("Lý do", e.Reason)
	add("Người nhận", e.Receiver)
	add("Bước", e.Step)
	add("Hạn của bước", dateTime(e.StepDue))
	add("Hẹn trả", dateTime(e.Due))
	add("Hạn theo quy định", dateTime(e.LegalDue))
	if v := e.ProcedureVersion; !v.IsZero() {
		add("Phiên bản thủ tục", "có hiệu lực từ "+v.At(0, 0).Format("02/01/2006"))
	}
	if !e.Limit.IsZero() {
		add("Thời hạn", e.Limit.String())
	}
	if e.ClockSkew != 0 {
		add("Ghi theo thời điểm sự kiện trước; đồng hồ máy chủ chậm", skewText(e.ClockSkew))
	}
	return out
}

// skewText writes a clock's lag for people: "2 phút 5 giây", "0,250 giây".
func skewText(d time.Duration) string {
	if d < time.Second {
		return strings.Replace(fmt.Sprintf("%.3f giây", d.Seconds()), ".", ",", 1)
	}
	d = d.Round(time.Second)
	if m := int(d / time.Minute); m > 0 {
		return fmt.Sprintf("%d phút %d giây", m, int(d%time.Minute/time.Second))
	}
	return fmt.Sprintf("%d giây", int(d/time.Second))
}

// longTimeOrEmpty is longTime, and "" for the zero time.
func longTimeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return longTime(t)
}

// receivers are the officers of the agency a transfer may name, by name.
func (s *server) receivers(r *http.Request, agency string) []option {
	out := []option{{Value: "", Text: "— Chọn cán bộ nhận —"}}
	all, err := s.desk.officers(r.Context())
	if err != nil {
		logFailure(r, "listing officers", err)
		return out
	}
	for _, o := range all {
		if o.Disabled || o.Agency != agency || !(o.Roles.has(roleSpecialist) || o.Roles.has(roleLeader) || o.Roles.has(roleOneStop)) {
			continue
		}
		out = append(out, option{Value: o.Username, Text: o.actor() + " — " + o.Roles.String()})
	}
	return out
}

// The printable forms of Circular 03/2025/TT-VPCP (forms.go), at
// /ho-so/{code}/mau-0N, with the events that give a dossier each one.
var printedForms = []struct {
	number string
	title  string
	kind   dossier.Kind // the event that calls for it; 0 for any received dossier
}{
	{"01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", 0},
	{"02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", dossier.KindRequestSupplement},
	{"03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", dossier.KindRefuse},
	{"04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết", dossier.KindReschedule},
	{"05", "Thông báo dừng giải quyết hồ sơ", dossier.KindStop},
	{"06", "Phiếu kiểm soát quá trình giải quyết hồ sơ", 0},
}

func (s *server) formLinks(d *dossier.Dossier) []formLink {
	if d.ReceivedAt().IsZero() && d.Status() != dossier.Refused {
		return nil
	}
	var out []formLink
	code := d.Code.String()
	for _, f := range printedForms {
		has := f.kind == 0 && !d.ReceivedAt().IsZero()
		for _, e := range d.Events {
			has = has || f.kind != 0 && e.Kind == f.kind
		}
		if has {
			out = append(out, formLink{URL: "/ho-so/" + code + "/mau-" + f.number, Label: "Mẫu " + f.number + " — " + f.title})
		}
	}
	return out
}

// dossierAction answers an action's form on the dossier screen: the action is
// recorded by the officer signed in, and the browser goes back to the
// dossier (post/redirect/get); a refusal shows the dossier again with why.
// The form carries the version of the dossier the officer saw: if it has
// changed since, nothing is recorded and the dossier is shown as it is now.
func (s *server) dossierAction(w http.ResponseWriter, r *http.Request) {
	d, err := s.seenDossier(r)
	if err != nil {
		s.failScreen(w, r, err)
		return
	}
	form := r.PostForm
	name := form.Get("action")
	again := func(status int, msg string) {
		data := s.dossierData(r, d)
		data.Error = msg
		s.screen(w, r, status, s.screens.dossier, data)
	}
	if form.Get("version") != strconv.Itoa(d.Version) {
		again(http.StatusConflict, "Hồ sơ vừa được người khác cập nhật; dưới đây là hồ sơ như hiện nay. Hãy xem lại rồi thực hiện lại nếu cần.")
		return
	}
	req := actionRequest{Reason: strings.TrimSpace(form.Get("reason")), To: form.Get("to"), Due: strings.Replace(form.Get("due"), "T", " ", 1)}
	if req.To == "" {
		req.To = strings.TrimSpace(form.Get("to-khac"))
	}
	if _, err := s.perform(r.Context(), signedIn(r).officer, d, name, req); err != nil {
		p := s.problemOf(r, err)
		if fresh, err := s.svc.Get(r.Context(), d.Code); err == nil {
			d = fresh
		}
		again(p.Status, p.Detail)
		return
	}
	http.Redirect(w, r, "/ho-so/"+d.Code.String()+"?da-ghi="+url.QueryEscape(name), http.StatusSeeOther)
}

package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// stamp is an instant written in RFC 3339 in Vietnam's civil time, such as
// 2025-01-27T10:05:00+07:00; the zero instant is left out (omitzero).
type stamp time.Time

func (t stamp) IsZero() bool { return time.Time(t).IsZero() }

func (t stamp) MarshalText() ([]byte, error) {
	return time.Time(t).In(sla.ICT).AppendFormat(nil, time.RFC3339), nil
}

// statusKeys are the API's names of the statuses, for programs; statusText
// gives the portal's Vietnamese name for people.
var statusKeys = map[dossier.Status]string{
	dossier.Submitted:          "submitted",
	dossier.Received:           "received",
	dossier.Refused:            "refused",
	dossier.InProgress:         "in-progress",
	dossier.AwaitingSupplement: "awaiting-supplement",
	dossier.AwaitingPayment:    "awaiting-payment",
	dossier.Withdrawn:          "withdrawn",
	dossier.Stopped:            "stopped",
	dossier.Resolved:           "resolved",
	dossier.Returned:           "returned",
}

// parseStatus reads a status by its API name or its portal code, 1 to 10.
func parseStatus(s string) (dossier.Status, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		st := dossier.Status(n)
		return st, n > 0 && n < 256 && st.Valid()
	}
	for st, k := range statusKeys {
		if k == s {
			return st, true
		}
	}
	return 0, false
}

// kindKeys name the events as the actions of the API do.
var kindKeys = map[dossier.Kind]string{
	dossier.KindSubmit:            "submit",
	dossier.KindReceive:           "receive",
	dossier.KindRefuse:            "refuse",
	dossier.KindTransfer:          "transfer",
	dossier.KindRequestSupplement: "request-supplement",
	dossier.KindSupplement:        "supplement",
	dossier.KindRequestPayment:    "request-payment",
	dossier.KindPay:               "pay",
	dossier.KindReschedule:        "reschedule",
	dossier.KindResolve:           "resolve",
	dossier.KindReturn:            "return",
	dossier.KindWithdraw:          "withdraw",
	dossier.KindStop:              "stop",
}

var timelinessKeys = map[sla.Timeliness]string{
	sla.Early:   "early",
	sla.OnTime:  "on-time",
	sla.Late:    "late",
	sla.InTime:  "in-time",
	sla.Overdue: "overdue",
}

// channelKey writes a channel as the API does: "direct", "online", "postal".
func channelKey(ch procedure.Channel) string {
	b, err := ch.MarshalText()
	if err != nil {
		return ""
	}
	return string(b)
}

// parseChannel reads "direct", "online" or "postal", or the portal's 1, 2, 3.
func parseChannel(s string) (procedure.Channel, bool) {
	var ch procedure.Channel
	if n, err := strconv.Atoi(s); err == nil {
		ch = procedure.Channel(n)
		return ch, n > 0 && n < 256 && ch.Valid()
	}
	if err := ch.UnmarshalText([]byte(s)); err != nil {
		return 0, false
	}
	return ch, true
}

type dossierView struct {
	ID               string            `json:"id"`
	Code             string            `json:"code"`
	Procedure        string            `json:"procedure"`
	ProcedureName    string            `json:"procedureName,omitempty"`
	ProcedureVersion string            `json:"procedureVersion,omitempty"`
	Limit            string            `json:"limit,omitempty"`
	Regime           string            `json:"supplementRegime,omitempty"`
	Applicant        dossier.Applicant `json:"applicant"`
	Channel          string            `json:"channel"`
	ReturnChannel    string            `json:"returnChannel"`
	Status           string            `json:"status"`
	StatusCode       int               `json:"statusCode"`
	StatusText       string            `json:"statusText"`
	Timeliness       string            `json:"timeliness,omitempty"`
	TimelinessText   string            `json:"timelinessText,omitempty"`
	SubmittedAt      stamp             `json:"submittedAt,omitzero"`
	ReceivedAt       stamp             `json:"receivedAt,omitzero"`
	Due              stamp             `json:"due,omitzero"`
	OriginalDue      stamp             `json:"originalDue,omitzero"`
	FinishedAt       stamp             `json:"finishedAt,omitzero"`
	ReturnedAt       stamp             `json:"returnedAt,omitzero"`
	Pauses           []pauseView       `json:"pauses,omitempty"`
	Handovers        []handoverView    `json:"handovers,omitempty"`
	Events           []eventView       `json:"events,omitempty"`
	Version          int               `json:"version"`
	// Secret is the lookup secret printed on the receipt, and LookupURL the
	// address its QR code holds (publiclookup.go).
	Secret    string `json:"secret"`
	LookupURL string `json:"lookupUrl"`
}

type pauseView struct {
	Start stamp `json:"start"`
	End   stamp `json:"end,omitzero"`
}

type handoverView struct {
	Step           string `json:"step,omitempty"`
	From           string `json:"from,omitempty"`
	To             string `json:"to"`
	At             stamp  `json:"at"`
	Due            stamp  `json:"due,omitzero"`
	Done           stamp  `json:"done,omitzero"`
	Timeliness     string `json:"timeliness,omitempty"`
	TimelinessText string `json:"timelinessText,omitempty"`
}

type eventView struct {
	At       stamp  `json:"at"`
	Kind     string `json:"kind"`
	KindText string `json:"kindText"`
	Actor    string `json:"actor,omitempty"`
	From     string `json:"from,omitempty"`
	To       string `json:"to"`
	Reason   string `json:"reason,omitempty"`   // a refusal's, supplement request's, stop's, withdrawal's or apology's
	Receiver string `json:"receiver,omitempty"` // a transfer's
	Step     string `json:"step,omitempty"`     // the procedure step that begins
	Due      stamp  `json:"due,omitzero"`       // the appointment the event set
	// ClockSkew is how far the server's clock stood behind the previous
	// event when this one was recorded at that event's time.
	ClockSkew string `json:"clockSkew,omitempty"`
	// Portal is where the event stands with the national portal (see
	// sync.go), in the answer of GET /api/v1/dossiers/{code}.
	Portal *eventPortal `json:"portal,omitempty"`
}

// viewDossier is the officer's view of a dossier, with its whole history.
func (s *server) viewDossier(d *dossier.Dossier) dossierView {
	v := dossierView{
		ID:            d.ID.String(),
		Code:          d.Code.String(),
		Procedure:     d.Procedure,
		ProcedureName: s.procedureName(d),
		Applicant:     d.Applicant,
		Channel:       channelKey(d.Channel),
		ReturnChannel: channelKey(d.ReturnChannel),
		Status:        statusKeys[d.Status()],
		StatusCode:    d.Status().Portal(),
		StatusText:    d.Status().String(),
		SubmittedAt:   stamp(d.SubmittedAt),
		ReceivedAt:    stamp(d.ReceivedAt()),
		Due:           stamp(d.Due()),
		OriginalDue:   stamp(d.OriginalDue()),
		FinishedAt:    stamp(d.FinishedAt()),
		ReturnedAt:    stamp(d.ReturnedAt()),
		Version:       d.Version,
		Secret:        s.secrets.secretFor(d.Code, d.ID),
		LookupURL:     s.lookupURL(d),
	}
	if !d.ProcedureVersion().IsZero() {
		v.ProcedureVersion = d.ProcedureVersion().String()
	}
	if !d.Limit().IsZero() {
		v.Limit = d.Limit().String()
	}
	if b, err := d.Regime().MarshalText(); err == nil {
		v.Regime = string(b)
	}
	if t, ok := s.timeliness(d); ok {
		v.Timeliness, v.TimelinessText = timelinessKeys[t], t.String()
	}
	for _, p := range d.Pauses() {
		v.Pauses = append(v.Pauses, pauseView{Start: stamp(p.Start), End: stamp(p.End)})
	}
	for _, h := range d.Handovers() {
		hv := handoverView{Step: h.Step, From: h.From, To: h.To, At: stamp(h.At), Due: stamp(h.Due), Done: stamp(h.Done)}
		if t, ok := h.Timeliness(s.cal); ok {
			hv.Timeliness, hv.TimelinessText = timelinessKeys[t], t.String()
		}
		v.Handovers = append(v.Handovers, hv)
	}
	for _, e := range d.Events {
		v.Events = append(v.Events, eventView{
			At: stamp(e.At), Kind: kindKeys[e.Kind], KindText: e.Kind.String(), Actor: e.Actor,
			From: statusKeys[e.From], To: statusKeys[e.To],
			Reason: e.Reason, Receiver: e.Receiver, Step: e.Step, Due: stamp(e.Due), ClockSkew: e.ClockSkew.String(),
		})
		if e.ClockSkew == 0 {
			v.Events[len(v.Events)-1].ClockSkew = ""
		}
	}
	return v
}

// timeliness judges a dossier now: early, on time or late once its result
// is ready, in time or overdue while it is open and its clock runs. A
// dossier that ended without a result (refused, withdrawn, stopped) is not
// judged at all.
func (s *server) timeliness(d *dossier.Dossier) (sla.Timeliness, bool) {
	switch {
	case d.Status().HasResult():
		return d.Timeliness(s.cal)
	case d.Status().Open() && !d.OriginalDue().IsZero():
		// A clock stopped in time stays in time while it is stopped.
		if d.Facts().OverdueAt(s.now()) {
			return sla.Overdue, true
		}
		return sla.InTime, true
	}
	return 0, false
}

// procedureName returns the name of the procedure version the dossier was
// received under.
func (s *server) procedureName(d *dossier.Dossier) string {
	if p, ok := s.procedureOf(d); ok {
		return p.Name
	}
	return ""
}

func (s *server) procedureOf(d *dossier.Dossier) (procedure.Procedure, bool) {
	at := d.ReceivedAt()
	if !d.ProcedureVersion().IsZero() {
		at = d.ProcedureVersion().At(12, 0)
	} else if at.IsZero() {
		at = d.SubmittedAt
	}
	p, err := s.catalog.Lookup(d.Procedure, at)
	return p, err == nil
}

// listItem is a dossier in a list: enough to find it, not its history.
type listItem struct {
	Code          string `json:"code"`
	Procedure     string `json:"procedure"`
	ProcedureName string `json:"procedureName,omitempty"`
	Applicant     string `json:"applicant"`
	Channel       string `json:"channel"`
	Status        string `json:"status"`
	StatusCode    int    `json:"statusCode"`
	StatusText    string `json:"statusText"`
	ReceivedAt    stamp  `json:"receivedAt,omitzero"`
	Due           stamp  `json:"due,omitzero"`
	FinishedAt    stamp  `json:"finishedAt,omitzero"`
}

func (s *server) listItem(d *dossier.Dossier) listItem {
	return listItem{
		Code: d.Code.String(), Procedure: d.Procedure, ProcedureName: s.procedureName(d),
		Applicant: d.Applicant.Name, Channel: channelKey(d.Channel),
		Status: statusKeys[d.Status()], StatusCode: d.Status().Portal(), StatusText: d.Status().String(),
		ReceivedAt: stamp(d.ReceivedAt()), Due: stamp(d.Due()), FinishedAt: stamp(d.FinishedAt()),
	}
}

// writeJSON writes v as JSON with the status code.
func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

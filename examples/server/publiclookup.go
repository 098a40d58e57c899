package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

// errNoSuchDossier answers a public lookup or rating whose code is unknown
// or whose secret is wrong or missing: the two cannot be told apart. It
// carries no instance and no request ID, so that every such answer is the
// same, byte for byte, whatever the code (the X-Request-ID header still
// names the request).
var errNoSuchDossier = &problem{
	Type: problemType("not-found"), Title: "Không tìm thấy", Status: http.StatusNotFound,
	Detail: "Không tìm thấy hồ sơ có mã hồ sơ và mã tra cứu này. Mã tra cứu gồm 10 ký tự, " +
		"in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả, cạnh mã QR.",
	bare: true,
}

// failFloor is the least time a lookup that names no dossier takes to
// answer, whether its code is unknown or its secret wrong. The two do the
// same work (see findPublic), but reading a dossier that exists costs more
// than finding none, some tens of microseconds on SQLite: enough, over many
// samples, to tell a code that exists. Failed lookups are few (the rate
// limits allow 10, then one a minute), and a right one answers at once.
const failFloor = 20 * time.Millisecond

// lookupPublic is findPublic, answering errNoSuchDossier no sooner than
// failFloor after it began.
func (s *server) lookupPublic(ctx context.Context, c dossier.Code, secret string) (*dossier.Dossier, error) {
	start := time.Now()
	d, err := s.findPublic(ctx, c, secret)
	if errors.Is(err, errNoSuchDossier) {
		t := time.NewTimer(time.Until(start.Add(failFloor)))
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
	return d, err
}

// findPublic returns the dossier of code c if secret is its lookup secret.
// An unknown code and a wrong secret both return errNoSuchDossier, after
// the same work: one read of the store, one MAC, one constant-time
// comparison. Other failures of the store are returned as they are.
func (s *server) findPublic(ctx context.Context, c dossier.Code, secret string) (*dossier.Dossier, error) {
	d, err := s.svc.Get(ctx, c)
	found := err == nil
	if err != nil && !errors.Is(err, dossier.ErrNotFound) {
		return nil, err
	}
	id := uuid.Nil
	if found {
		id = d.ID
	}
	if !s.secrets.check(c, id, found, secret) {
		return nil, errNoSuchDossier
	}
	return d, nil
}

// admit applies the public routes' limits to a request of kind k, and
// answers it with 429 and Retry-After when it is past one; page says
// whether to answer with the lookup page rather than a problem.
func (s *server) admit(w http.ResponseWriter, r *http.Request, k kind, page bool) bool {
	wait, ok := s.limiter.allow(r, k, s.now())
	if ok {
		return true
	}
	w.Header().Set("Retry-After", retryAfter(wait))
	if page {
		s.showPage(w, r, s.lookupData("", ""), http.StatusTooManyRequests,
			"Ông/bà đã tra cứu quá nhiều lần. Xin thử lại sau "+retryAfter(wait)+" giây.")
		return false
	}
	writeProblem(w, r, errTooMany)
	return false
}

// noteFailure counts a lookup that named no dossier against the client.
func (s *server) noteFailure(r *http.Request, err error) {
	if errors.Is(err, errNoSuchDossier) {
		s.limiter.failed(r, s.now())
	}
}

func (s *server) lookup(w http.ResponseWriter, r *http.Request) {
	c, err := pathCode(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.admit(w, r, lookupRequest, false) {
		return
	}
	d, err := s.lookupPublic(r.Context(), c, r.URL.Query().Get("secret"))
	if err != nil {
		s.noteFailure(r, err)
		s.fail(w, r, err)
		return
	}
	v, err := s.publicView(r.Context(), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, v)
}

// ratingRequest is the body of POST /api/v1/public/dossiers/{code}/rating.
// The secret may come here or in the query.
type ratingRequest struct {
	Level   rating.Level `json:"level"`
	Comment string       `json:"comment"`
	Secret  string       `json:"secret"`
}

type ratingView struct {
	Dossier   string       `json:"dossier"`
	Level     rating.Level `json:"level"`
	LevelText string       `json:"levelText"`
	Comment   string       `json:"comment,omitempty"`
	At        stamp        `json:"at"`
}

func (s *server) rate(w http.ResponseWriter, r *http.Request) {
	c, err := pathCode(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.admit(w, r, ratingRequestKind, false) {
		return
	}
	var req ratingRequest
	if err := readJSON(w, r, &req, false); err != nil {
		s.fail(w, r, err)
		return
	}
	secret := req.Secret
	if q := r.URL.Query().Get("secret"); q != "" {
		if secret != "" && normalizeSecret(secret) != normalizeSecret(q) {
			secret = "" // two different secrets: neither is believed
		} else {
			secret = q
		}
	}
	rt, err := s.addRating(r, c, secret, req.Level, req.Comment)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, ratingView{
		Dossier: rt.Dossier.String(), Level: rt.Level, LevelText: rt.Level.String(), Comment: rt.Comment, At: stamp(rt.At),
	})
}

// addRating records a citizen's rating of the dossier of code c, given its
// secret, under the library's rules (rating.Rate): once its result is
// ready, and once. The level and comment are checked first, so that a
// mistake there is told whatever the code.
func (s *server) addRating(r *http.Request, c dossier.Code, secret string, level rating.Level, comment string) (rating.Rating, error) {
	if !level.Valid() {
		return rating.Rating{}, invalidValue("Mức đánh giá (level) phải là 1 (rất hài lòng), 2 (hài lòng) hoặc 3 (không hài lòng).")
	}
	comment = strings.TrimSpace(comment)
	if err := checkText("comment", comment, maxComment); err != nil {
		return rating.Rating{}, err
	}
	if _, err := s.lookupPublic(r.Context(), c, secret); err != nil {
		s.noteFailure(r, err)
		return rating.Rating{}, err
	}
	rt := rating.Rating{Dossier: c, Level: level, Comment: comment, At: s.now().In(sla.ICT), Channel: procedure.Online}
	if err := rating.Rate(r.Context(), s.svc, s.ratings, rt); err != nil {
		return rating.Rating{}, err
	}
	return rt, nil
}

// levelMeanings say what each level of satisfaction means, on the page and
// in the docs (doc.go).
var levelMeanings = map[rating.Level]string{
	rating.VerySatisfied: "cán bộ hướng dẫn rõ ràng, tận tình; hồ sơ được giải quyết đúng hoặc trước hẹn; không phải đi lại nhiều lần",
	rating.Satisfied:     "hồ sơ được giải quyết, nhưng còn điều cần cải thiện (thời gian chờ, hướng dẫn, thái độ phục vụ)",
	rating.Unsatisfied:   "hồ sơ bị trễ hẹn, phải đi lại nhiều lần, hướng dẫn không rõ hoặc thái độ phục vụ chưa tốt",
}

// A rater tells whether a dossier has been rated. The library's rating.Store
// has no lookup by dossier, so each backend answers in its own way.
type rater interface {
	Rated(ctx context.Context, c dossier.Code) (bool, error)
}

// rated reports whether the dossier of code c has a rating.
func (s *server) rated(ctx context.Context, c dossier.Code) (bool, error) {
	if rt, ok := s.store.(rater); ok {
		return rt.Rated(ctx, c)
	}
	return false, nil
}

// Rated reads the table ratings that rating/sqlrating keeps (its schema is
// documented in that package), through its unique index on the code.
func (b sqlBackend) Rated(ctx context.Context, c dossier.Code) (bool, error) {
	var n int
	err := b.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM ratings WHERE dossier_code = "+placeholders(b.Dialect(), 1)[0].(string), c.String()).Scan(&n)
	return n > 0, err
}

// Rated scans the ratings: the memory backend is for trying the server out.
func (b *memoryBackend) Rated(ctx context.Context, c dossier.Code) (bool, error) {
	for rt, err := range b.ratings.List(ctx, time.Time{}, time.Time{}) {
		if err != nil {
			return false, err
		}
		if rt.Dossier == c {
			return true, nil
		}
	}
	return false, nil
}

// lookupURL is the absolute address of a dossier's lookup, with its code
// and secret: what the receipt's QR code holds.
func (s *server) lookupURL(d *dossier.Dossier) string {
	q := url.Values{"ma": {d.Code.String()}, "secret": {s.secrets.secretFor(d.Code, d.ID)}}
	return s.publicURL + "/tra-cuu?" + q.Encode()
}

// publicView is what a citizen who holds a dossier's code and secret may
// see: what the dossier needs of them, and never the applicant's ID number,
// phone, e-mail or address, nor the officers' names; the name is masked.
type publicView struct {
	Code              string       `json:"code"`
	Procedure         string       `json:"procedure"`
	ProcedureName     string       `json:"procedureName,omitempty"`
	Applicant         string       `json:"applicant"`
	Status            string       `json:"status"`
	StatusCode        int          `json:"statusCode"`
	StatusText        string       `json:"statusText"`
	ReceivedAt        stamp        `json:"receivedAt,omitzero"`
	Due               stamp        `json:"due,omitzero"` // none for a refused dossier
	FinishedAt        stamp        `json:"finishedAt,omitzero"`
	ReturnedAt        stamp        `json:"returnedAt,omitzero"`
	ReturnChannel     string       `json:"returnChannel"`
	ReturnChannelText string       `json:"returnChannelText"`
	Next              string       `json:"next,omitempty"` // what the applicant should do now, in Vietnamese
	Supplement        *noticeView  `json:"supplement,omitempty"`
	Payment           *noticeView  `json:"payment,omitempty"`
	Refusal           *noticeView  `json:"refusal,omitempty"`
	Stop              *noticeView  `json:"stop,omitempty"`
	Withdrawal        *noticeView  `json:"withdrawal,omitempty"`
	Apology           *apologyView `json:"apology,omitempty"`
	Rateable          bool         `json:"rateable"`
	Rated             bool         `json:"rated"`
}

// A noticeView is an event the applicant must know of: when, and why (what
// to bring, what to pay, the reasons of a refusal or a stop), and, for a
// supplement request that gives one, the time to bring it by.
type noticeView struct {
	Reason string `json:"reason,omitempty"`
	At     stamp  `json:"at"`
	By     stamp  `json:"by,omitzero"`
}

// An apologyView is the latest reschedule: the apology, the new
// appointment, and the one it replaced.
type apologyView struct {
	Reason      string `json:"reason,omitempty"`
	At          stamp  `json:"at"`
	Due         stamp  `json:"due"`
	OriginalDue stamp  `json:"originalDue,omitzero"`
}

// notices are the events of a dossier's history the public view tells of:
// the supplement or payment asked for while it is awaited, the refusal,
// stop or withdrawal that ended it, and the latest apology.
type notices struct {
	supplement, payment, refusal, stop, withdrawal *noticeView
	apology                                        *apologyView
}

func noticesOf(d *dossier.Dossier) notices {
	var n notices
	prevDue := time.Time{}
	for _, e := range d.Events {
		nv := &noticeView{Reason: e.Reason, At: stamp(e.At), By: stamp(e.SupplementBy)}
		switch e.Kind {
		case dossier.KindRequestSupplement:
			n.supplement = nv
		case dossier.KindRequestPayment:
			n.payment = nv
		case dossier.KindRefuse:
			n.refusal = nv
		case dossier.KindStop:
			n.stop = nv
		case dossier.KindWithdraw:
			n.withdrawal = nv
		case dossier.KindReschedule:
			n.apology = &apologyView{Reason: e.Reason, At: stamp(e.At), Due: stamp(e.Due), OriginalDue: stamp(prevDue)}
		}
		if !e.Due.IsZero() {
			prevDue = e.Due
		}
	}
	switch d.Status() {
	case dossier.AwaitingSupplement:
		n.payment = nil
	case dossier.AwaitingPayment:
		n.supplement = nil
	default:
		n.supplement, n.payment = nil, nil
	}
	return n
}

// appointment is the dossier's appointment to return the result, unless it
// was refused: a refused dossier has none, on paper or on screen.
func appointment(d *dossier.Dossier) time.Time {
	if d.Status() == dossier.Refused {
		return time.Time{}
	}
	return d.Due()
}

func (s *server) publicView(ctx context.Context, d *dossier.Dossier) (publicView, error) {
	rated, err := s.rated(ctx, d.Code)
	if err != nil {
		return publicView{}, err
	}
	n := noticesOf(d)
	v := publicView{
		Code: d.Code.String(), Procedure: d.Procedure, ProcedureName: s.procedureName(d),
		Applicant: maskName(d.Applicant.Name),
		Status:    statusKeys[d.Status()], StatusCode: d.Status().Portal(), StatusText: d.Status().String(),
		ReceivedAt: stamp(d.ReceivedAt()), Due: stamp(appointment(d)),
		FinishedAt: stamp(d.FinishedAt()), ReturnedAt: stamp(d.ReturnedAt()),
		ReturnChannel: channelKey(d.ReturnChannel), ReturnChannelText: returnChannelText(d.ReturnChannel),
		Supplement: n.supplement, Payment: n.payment, Refusal: n.refusal, Stop: n.stop, Withdrawal: n.withdrawal,
		Apology:  n.apology,
		Rateable: rating.Rateable(d) && !rated, Rated: rated,
	}
	v.Next = nextStep(d, n, rated)
	return v, nil
}

// returnChannelText says how the result will be returned.
func returnChannelText(ch procedure.Channel) string {
	switch ch {
	case procedure.Direct:
		return "Nhận trực tiếp tại Bộ phận tiếp nhận và trả kết quả"
	case procedure.Online:
		return "Nhận trực tuyến, qua tài khoản trên Cổng Dịch vụ công"
	case procedure.Postal:
		return "Nhận qua dịch vụ bưu chính công ích, tại địa chỉ đã đăng ký"
	}
	return ""
}

// nextStep says in one sentence what the applicant should do now.
func nextStep(d *dossier.Dossier, n notices, rated bool) string {
	switch d.Status() {
	case dossier.AwaitingSupplement:
		s := because("Xin bổ sung, hoàn thiện hồ sơ", ": ", n.supplement)
		if n.supplement != nil && !time.Time(n.supplement.By).IsZero() {
			s += " Hạn bổ sung: " + longTime(time.Time(n.supplement.By)) + "."
		}
		return s + " Thời gian chờ bổ sung không tính vào thời hạn giải quyết."
	case dossier.AwaitingPayment:
		return because("Xin nộp phí, lệ phí để hồ sơ được tiếp tục giải quyết", ": ", n.payment)
	case dossier.Refused:
		return because("Hồ sơ không được tiếp nhận giải quyết", ". Lý do: ", n.refusal)
	case dossier.Stopped:
		return because("Hồ sơ đã dừng giải quyết", ". Lý do: ", n.stop)
	case dossier.Resolved:
		s := "Hồ sơ đã có kết quả. " + returnChannelText(d.ReturnChannel) + "."
		if !rated {
			s += " Mời ông/bà đánh giá mức độ hài lòng."
		}
		return s
	case dossier.Received, dossier.InProgress:
		if n.apology != nil {
			return "Hồ sơ được hẹn trả lại vào " + longTime(time.Time(n.apology.Due)) + ". Chúng tôi xin lỗi vì sự chậm trễ."
		}
		return "Hồ sơ đang được giải quyết; ông/bà không cần làm gì thêm cho đến ngày hẹn trả."
	}
	return ""
}

// publicConfig is the citizens' side of a server.
type publicConfig struct {
	// URL is the absolute address the lookup is reached at, such as
	// https://motcua.example.gov.vn, for the receipt's QR code. Defaults to
	// http://localhost:8080.
	URL string
	// Limits are the public routes' limits per client address. Defaults to
	// defaultLimits; a zero limit in it is no limit.
	Limits *limits
	// TrustedProxies are the proxies whose X-Forwarded-For or X-Real-IP name
	// the client. Defaults to none: the client is the connection's address.
	TrustedProxies []netip.Prefix
}

// defaultPublicURL is the lookup's address when no -public-url is given.
const defaultPublicURL = "http://localhost:8080"

// setUpPublic makes the citizens' side and the printed forms.
func (s *server) setUpPublic(c config) error {
	cfg := c.Public
	fm, err := newForms()
	if err != nil {
		return err
	}
	s.forms, s.place = fm, c.Place
	u := strings.TrimRight(cmp.Or(cfg.URL, defaultPublicURL), "/")
	if err := checkPublicURL(u); err != nil {
		return err
	}
	s.publicURL = u
	lim := defaultLimits
	if cfg.Limits != nil {
		lim = *cfg.Limits
	}
	s.limiter = newLimiter(lim, cfg.TrustedProxies)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.secrets, err = loadSecrets(ctx, s.store)
	return err
}

// checkPublicURL wants an absolute http or https address with no query.
func checkPublicURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("-public-url %q: want an absolute http:// or https:// address, such as https://motcua.example.gov.vn", s)
	}
	return nil
}

// because ends a sentence with the notice's reason, if it has one.
func because(sentence, sep string, n *noticeView) string {
	if n != nil && n.Reason != "" {
		sentence += sep + n.Reason
	}
	return sentence + "."
}

package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/rating"
)

// may lets a request for a screen through only if the signed-in officer may
// do the duty; others get the 403 page.
func (s *server) may(d duty, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if o := signedIn(r).officer; !o.may(d, 0) {
			s.failScreen(w, r, forbidden(o, d))
			return
		}
		h(w, r)
	}
}

// mayAPI is may for the API: the 403 is a problem.
func (s *server) mayAPI(d duty, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if o := signedIn(r).officer; !o.may(d, 0) {
			writeProblem(w, r, forbidden(o, d))
			return
		}
		h(w, r)
	}
}

// seenDossier reads the dossier of the path's {code} for the signed-in
// officer. A dossier of an agency the officer does not see is not found,
// as one that does not exist: the answer does not tell which.
func (s *server) seenDossier(r *http.Request) (*dossier.Dossier, error) {
	c, err := pathCode(r)
	if err != nil {
		return nil, err
	}
	if !signedIn(r).officer.sees(c) {
		return nil, dossier.ErrNotFound
	}
	return s.svc.Get(r.Context(), c)
}

// officerDossier is seenDossier for the API: on failure it has answered with
// the problem and returns false.
func (s *server) officerDossier(w http.ResponseWriter, r *http.Request) (*dossier.Dossier, bool) {
	d, err := s.seenDossier(r)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return d, true
}

// serviceOf returns the Service of the dossier's agency.
func (s *server) serviceOf(c dossier.Code) (*dossier.Service, error) {
	if svc, ok := s.services[c.Agency]; ok {
		return svc, nil
	}
	return nil, conflict("unknown-agency", "Cơ quan không còn trên máy chủ",
		fmt.Sprintf("Hồ sơ thuộc cơ quan mã %s, không có trong danh sách cơ quan của máy chủ (-agencies).", c.Agency))
}

// receivingService returns the Service an officer receives dossiers with:
// their agency's, if they may receive.
func (s *server) receivingService(o *officer) (*dossier.Service, error) {
	if !o.may(dutyReceive, 0) {
		return nil, forbidden(o, dutyReceive)
	}
	if svc, ok := s.services[o.Agency]; ok {
		return svc, nil
	}
	return nil, &problem{Type: problemType("unknown-agency"), Title: "Cơ quan không còn trên máy chủ", Status: http.StatusForbidden,
		Detail: fmt.Sprintf("Tài khoản thuộc cơ quan mã %s, không có trong danh sách cơ quan của máy chủ: hãy báo quản trị viên.", o.Agency)}
}

// perform records the action name on the dossier d, as the officer o read
// it: if o's roles allow it in d's status (see rules), with the fields the
// action takes, through the Service of d's agency.
func (s *server) perform(ctx context.Context, o *officer, d *dossier.Dossier, name string, req actionRequest) (*dossier.Dossier, error) {
	a, ok := actions[name]
	if !ok {
		return nil, invalidValue(fmt.Sprintf("Không có thao tác «%s».", name))
	}
	if dt := actionDuties[name]; !o.may(dt, d.Status()) {
		return nil, forbidden(o, dt)
	}
	due, err := a.check(name, req)
	if err != nil {
		return nil, err
	}
	if name == "request-supplement" && !due.IsZero() && !due.After(s.now()) {
		return nil, invalidValue("Hạn bổ sung (due) phải sau thời điểm yêu cầu bổ sung.")
	}
	svc, err := s.serviceOf(d.Code)
	if err != nil {
		return nil, err
	}
	req.To = s.receiver(ctx, req.To)
	out, err := a.run(svc, ctx, d.Code, o.actor(), req, due)
	if name == "reschedule" && errors.Is(err, dossier.ErrInvalid) {
		err = invalidValue("Ngày hẹn mới (due) phải sau ngày hẹn hiện tại.")
	}
	return out, err
}

// receiver is who a transfer hands a dossier to: an officer named by
// username is recorded as events record officers, "Lê Văn Cường
// (cuong.le)", so that the queue knows the dossier is theirs; any other text
// (a unit, say) as it is.
func (s *server) receiver(ctx context.Context, to string) string {
	u := normUsername(to)
	if !validUsername(u) {
		return to
	}
	if o, err := s.desk.officer(ctx, u); err == nil {
		return o.actor()
	}
	return to
}

// errOwnAgency refuses an officer who asks for another agency's queue or
// reports than their own.
var errOwnAgency = &problem{Type: problemType("forbidden"), Title: "Không được phép", Status: http.StatusForbidden,
	Detail: "Tài khoản chỉ xem được hồ sơ và báo cáo của cơ quan mình."}

// A reportScope is the dossiers and ratings a report counts: one agency's,
// or every agency's ("" agency).
type reportScope struct {
	agency   string
	dossiers dossier.Store
	ratings  rating.Store
}

// reportScope limits a report to what the officer may read: their own
// agency's dossiers, or, for an administrator or a centre-wide leader,
// every agency's or the one agency asked for.
func (s *server) reportScope(o *officer, agency string) (reportScope, error) {
	switch {
	case agency == "" && o.seesAll():
		return reportScope{dossiers: s.store, ratings: s.ratings}, nil
	case agency == "":
		agency = o.Agency
	case !o.seesAll() && agency != o.Agency:
		return reportScope{}, errOwnAgency
	}
	if _, ok := s.agencies.byID(agency); !ok {
		return reportScope{}, invalidValue(fmt.Sprintf("Không có cơ quan mã «%s» trên máy chủ.", agency))
	}
	return reportScope{
		agency:   agency,
		dossiers: agencyStore{Store: s.store, agency: agency},
		ratings:  agencyRatings{Store: s.ratings, agency: agency},
	}, nil
}

// requestScope is reportScope for the officer of the request and its query's
// agency; on failure it has answered with the problem and returns false.
func (s *server) requestScope(w http.ResponseWriter, r *http.Request) (reportScope, bool) {
	sc, err := s.reportScope(signedIn(r).officer, r.URL.Query().Get("agency"))
	if err != nil {
		s.fail(w, r, err)
		return reportScope{}, false
	}
	return sc, true
}

// agencyStore is a store that lists one agency's dossiers only (the agency
// of their codes), so that report.Compute and rating.Build count them alone.
// It is a dossier.FactStore, so reports stay as fast as on the store itself.
type agencyStore struct {
	dossier.Store
	agency string
}

func (s agencyStore) List(ctx context.Context, f dossier.Filter) iter.Seq2[*dossier.Dossier, error] {
	return func(yield func(*dossier.Dossier, error) bool) {
		for d, err := range s.Store.List(ctx, f) {
			if err == nil && d.Code.Agency != s.agency {
				continue
			}
			if !yield(d, err) || err != nil {
				return
			}
		}
	}
}

func (s agencyStore) ListFacts(ctx context.Context, from, to time.Time) iter.Seq2[dossier.Facts, error] {
	return func(yield func(dossier.Facts, error) bool) {
		fs, ok := s.Store.(dossier.FactStore)
		if !ok {
			for d, err := range s.List(ctx, dossier.Filter{}) {
				if err != nil {
					yield(dossier.Facts{}, err)
					return
				}
				if f := d.Facts(); f.Live(from, to) && !yield(f, nil) {
					return
				}
			}
			return
		}
		for f, err := range fs.ListFacts(ctx, from, to) {
			if err == nil && f.Code.Agency != s.agency {
				continue
			}
			if !yield(f, err) || err != nil {
				return
			}
		}
	}
}

// agencyRatings lists the ratings of one agency's dossiers only; a kiosk's
// rating of a visit, with no dossier, belongs to no agency and counts in
// the centre's reports alone.
type agencyRatings struct {
	rating.Store
	agency string
}

func (s agencyRatings) List(ctx context.Context, from, to time.Time) iter.Seq2[rating.Rating, error] {
	return func(yield func(rating.Rating, error) bool) {
		for rt, err := range s.Store.List(ctx, from, to) {
			if err == nil && rt.Dossier.Agency != s.agency {
				continue
			}
			if !yield(rt, err) || err != nil {
				return
			}
		}
	}
}

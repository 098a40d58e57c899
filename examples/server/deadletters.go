package main

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/portal"
)

// Pages of the dead letters.
const (
	defaultDeadLetters = 100
	maxDeadLetters     = 1000
)

// A deadLetterView is a change the portal kept refusing (or that could not
// be sent at all), which holds back its dossier's later changes until an
// officer retries it.
type deadLetterView struct {
	Key       string `json:"key"` // the portal's idempotency key: code#event
	Code      string `json:"code"`
	Event     int    `json:"event"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"lastError,omitempty"`
	Behind    int    `json:"behind"` // the dossier's later changes that wait behind it
	Retry     string `json:"retry"`  // where to POST to send it again
}

type deadLetterPage struct {
	Items []deadLetterView `json:"items"`
	More  bool             `json:"more,omitempty"` // more than limit are dead
}

// deadLetters lists the dead letters by dossier code, at most limit of
// them (100 by default, 1,000 at most).
func (s *server) deadLetters(w http.ResponseWriter, r *http.Request) {
	limit := defaultDeadLetters
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxDeadLetters {
			s.fail(w, r, invalidValue(fmt.Sprintf("Số thư lỗi mỗi trang (limit) phải từ 1 đến %d.", maxDeadLetters)))
			return
		}
		limit = n
	}
	o, err := s.outbox()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := deadLetterPage{Items: []deadLetterView{}}
	for e, err := range o.DeadLetters(r.Context()) {
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(page.Items) == limit {
			page.More = true
			break
		}
		key := portal.Key(e.Code, e.Event)
		page.Items = append(page.Items, deadLetterView{
			Key: key, Code: e.Code.String(), Event: e.Event, Attempts: e.Attempts, LastError: e.LastError, Behind: e.Behind,
			Retry: fmt.Sprintf("/api/v1/portal/dead-letters/%s/%d/retry", e.Code, e.Event),
		})
	}
	writeJSON(w, http.StatusOK, page)
}

var errNotDeadLetter = notFound("Thay đổi này không phải là thư lỗi đang chờ gửi lại: nó đã được gửi, đang chờ gửi, hoặc không có.")

// retryDeadLetter sends a dead letter again: the officer's action once the
// cause is fixed. It takes no body.
func (s *server) retryDeadLetter(w http.ResponseWriter, r *http.Request) {
	c, err := pathCode(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := strconv.Atoi(r.PathValue("event"))
	if err != nil || n < 1 || n > dossier.MaxEvents {
		s.fail(w, r, invalidValue(fmt.Sprintf("Số thứ tự thay đổi (event) phải là số nguyên từ 1 đến %d.", dossier.MaxEvents)))
		return
	}
	if err := readJSON(w, r, &struct{}{}, true); err != nil {
		s.fail(w, r, err)
		return
	}
	o, err := s.outbox()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := o.Retry(r.Context(), c, n); err != nil {
		if errors.Is(err, dossier.ErrNoEntry) {
			err = errNotDeadLetter
		}
		s.fail(w, r, err)
		return
	}
	logger(r.Context()).Info("dead letter retried", "key", portal.Key(c, n))
	p := newEventPortal("pending")
	writeJSON(w, http.StatusOK, struct {
		Key    string       `json:"key"`
		Code   string       `json:"code"`
		Event  int          `json:"event"`
		Portal *eventPortal `json:"portal"`
	}{portal.Key(c, n), c.String(), n, p})
}

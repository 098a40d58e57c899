package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Safe retries. POST /api/v1/dossiers and the actions take an
// Idempotency-Key header, as the IETF's draft "The Idempotency-Key HTTP
// Header Field" (draft-ietf-httpapi-idempotency-key-header) describes it: a
// client that sent a request and got no answer (a dropped connection, a
// timeout) sends it again with the same key, and gets the first answer
// instead of a second dossier or a second event.
//
//   - A key is 1–255 visible ASCII characters, bare (a UUID) or as a
//     structured-field string ("…"). It belongs to the officer who sent it:
//     two officers' keys never meet.
//   - The first request with a key claims it, runs, and its answer (status,
//     Content-Type, Location, ETag and body) is recorded. A retry with the
//     same method, path, body, Content-Type and If-Match gets that answer,
//     marked Idempotent-Replayed: true. The same key with another request is
//     a 422; while the first is still running, a 409 with Retry-After.
//   - Only the answers that the request itself decides are recorded: a
//     success (2xx), or a request that is wrong in itself (400, 412 for a
//     version that will never be current again, 413, 415, 422). The others
//     depend on what may change before a retry, and free the key: 5xx (the
//     store was down, and nothing was written), 401 and 403 (the officer's
//     token and roles), 404 (the officer's scope), 408, 409 (the dossier
//     changed under the request, or is in another status), 425 and 429.
//   - Keys are kept in the desk's tables, beside the dossiers, for
//     idempotencyKeep (24 hours), so that they survive a restart; older ones
//     are pruned. A claim whose answer was never recorded (the process died
//     during the request) is abandoned after idempotencyAbandon, and the key
//     may then run again: the one window in which a retry can act twice is
//     a crash between the store's commit and the recording of the answer.
const (
	idempotencyKeep    = 24 * time.Hour
	idempotencyAbandon = 2 * time.Minute
	maxIdempotencyKey  = 255
)

var (
	errBadIdempotencyKey = badRequest("invalid-idempotency-key", "Idempotency-Key không hợp lệ",
		"Idempotency-Key phải là một chuỗi 1–255 ký tự ASCII nhìn thấy được (không dấu cách), ví dụ một UUID, và yêu cầu chỉ có một tiêu đề Idempotency-Key.")
	errIdempotencyKeyReused = &problem{
		Type: problemType("idempotency-key-reused"), Title: "Idempotency-Key đã được dùng cho yêu cầu khác",
		Status: http.StatusUnprocessableEntity,
		Detail: "Khóa Idempotency-Key này đã đi kèm một yêu cầu khác (khác địa chỉ, nội dung hoặc If-Match). " +
			"Gửi lại một yêu cầu thì giữ nguyên khóa và nội dung; mỗi yêu cầu mới cần một khóa mới.",
	}
	errIdempotencyInFlight = &problem{
		Type: problemType("idempotency-key-in-flight"), Title: "Yêu cầu đang được xử lý",
		Status: http.StatusConflict, retryAfter: "1",
		Detail: "Một yêu cầu với cùng Idempotency-Key đang được xử lý. Hãy gửi lại sau giây lát để nhận kết quả của nó.",
	}
)

// idempotencyKey reads the header's values: a bare key, or one quoted as a
// structured-field string (RFC 8941, §3.3.3).
func idempotencyKey(values []string) (string, error) {
	if len(values) != 1 {
		return "", errBadIdempotencyKey
	}
	k := values[0]
	if len(k) >= 2 && k[0] == '"' && k[len(k)-1] == '"' {
		k = k[1 : len(k)-1]
	}
	if k == "" || len(k) > maxIdempotencyKey {
		return "", errBadIdempotencyKey
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; c <= ' ' || c > '~' || c == '"' || c == '\\' {
			return "", errBadIdempotencyKey
		}
	}
	return k, nil
}

// An answer is a response as recorded for a key.
type answer struct {
	Status int               `json:"-"`
	Header map[string]string `json:"header"`
	Body   []byte            `json:"-"`
}

// answerHeaders are the headers an answer keeps.
var answerHeaders = []string{"Content-Type", "Location", "ETag", "Retry-After"}

// recordable says whether an answer with the status is kept for retries.
func recordable(status int) bool {
	switch status {
	case http.StatusBadRequest, http.StatusPreconditionFailed, http.StatusRequestEntityTooLarge,
		http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return true
	}
	return 200 <= status && status < 300
}

// idempotent runs h at most once per officer and Idempotency-Key; requests
// without the header run as they are. It goes inside s.officer, which says
// whose key it is.
func (s *server) idempotent(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		values, ok := r.Header["Idempotency-Key"]
		if !ok {
			h(w, r)
			return
		}
		key, err := idempotencyKey(values)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		fp := fingerprint(r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("If-Match"), string(body))
		s.runOnce(w, r, key, fp, recordable, s.fail, h)
	}
}

// fingerprint is the SHA-256 of a request's parts, in hexadecimal.
func fingerprint(parts ...string) string {
	sum := sha256.New()
	for _, part := range parts {
		sum.Write([]byte(part))
		sum.Write([]byte{0})
	}
	return hex.EncodeToString(sum.Sum(nil))
}

// runOnce runs h for the signed-in officer's key and the request's
// fingerprint fp, unless the key has an answer already, which it replays; an
// answer whose status keep refuses is not recorded, and frees the key.
// refuse answers a reused key or one in flight.
func (s *server) runOnce(w http.ResponseWriter, r *http.Request, key, fp string, keep func(status int) bool,
	refuse func(http.ResponseWriter, *http.Request, error), h http.HandlerFunc) {
	c := claim{username: signedIn(r).officer.Username, key: key, fingerprint: fp, at: micros(s.now())}
	first, err := s.desk.claimKey(r.Context(), c)
	if err != nil {
		refuse(w, r, err)
		return
	}
	if first != nil {
		hdr := w.Header()
		for name, v := range first.Header {
			hdr.Set(name, v)
		}
		hdr.Set("Idempotent-Replayed", "true")
		w.WriteHeader(first.Status)
		_, _ = w.Write(first.Body)
		return
	}

	// The request runs to its end, and its answer is recorded or the key
	// freed, even when the client has gone: a client that gave up is the
	// one that will retry, and a write cut short by its going could have
	// committed all the same.
	ctx := context.WithoutCancel(r.Context())
	rec := &answerWriter{ResponseWriter: w}
	h(rec, r.WithContext(ctx))
	status := cmp.Or(rec.status, http.StatusOK)
	if !keep(status) {
		s.desk.settle(ctx, c, nil)
		return
	}
	a := &answer{Status: status, Header: map[string]string{}, Body: rec.body.Bytes()}
	for _, name := range answerHeaders {
		if v := w.Header().Get(name); v != "" {
			a.Header[name] = v
		}
	}
	s.desk.settle(ctx, c, a)
}

// answerWriter passes a response through and keeps a copy of it.
type answerWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (a *answerWriter) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
	a.ResponseWriter.WriteHeader(status)
}

func (a *answerWriter) Unwrap() http.ResponseWriter { return a.ResponseWriter }

func (a *answerWriter) Write(b []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	a.body.Write(b)
	return a.ResponseWriter.Write(b)
}

// A claim is a request's hold on an officer's key: the request's
// fingerprint, and when it claimed the key (Unix µs), which tell it from a
// later claim of the same key once this one was abandoned.
type claim struct {
	username, key, fingerprint string
	at                         int64
}

// claimKey claims an officer's key for the request, and returns nil when it
// did: the request runs. Otherwise it returns the answer recorded for the
// key, errIdempotencyKeyReused when the key came with another request, or
// errIdempotencyInFlight when that request has not answered yet. A key kept
// longer than idempotencyKeep, or claimed longer than idempotencyAbandon
// ago and never answered, is claimed again.
func (ds *deskStore) claimKey(ctx context.Context, c claim) (*answer, error) {
	now := fromMicros(c.at)
	if err := ds.pruneKeys(ctx, now); err != nil {
		return nil, err
	}
	username, key, fp := c.username, c.key, c.fingerprint
	insert, err := ds.prepared(ctx, `INSERT INTO desk_idempotency
		(username, idempotency_key, fingerprint, status, header, body, created_at) VALUES ($1, $2, $3, 0, '', '', $4)
		ON CONFLICT (username, idempotency_key) DO UPDATE
		SET fingerprint = excluded.fingerprint, status = 0, header = '', body = '', created_at = excluded.created_at
		WHERE desk_idempotency.created_at <= $5 OR (desk_idempotency.status = 0 AND desk_idempotency.created_at <= $6)`)
	if err != nil {
		return nil, err
	}
	for range 3 {
		res, err := insert.ExecContext(ctx, username, key, fp, c.at, micros(now.Add(-idempotencyKeep)), micros(now.Add(-idempotencyAbandon)))
		if err := insertedOne(res, err, errIdempotencyInFlight); err == nil {
			return nil, nil
		} else if !errors.Is(err, errIdempotencyInFlight) {
			return nil, err
		}
		var (
			gotFP, header, body string
			status              int
		)
		err = ds.db.QueryRowContext(ctx, `SELECT fingerprint, status, header, body FROM desk_idempotency
			WHERE username = $1 AND idempotency_key = $2`, username, key).Scan(&gotFP, &status, &header, &body)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			continue // freed in between: claim it again
		case err != nil:
			return nil, err
		case gotFP != fp:
			return nil, errIdempotencyKeyReused
		case status == 0:
			return nil, errIdempotencyInFlight
		}
		a := &answer{Status: status, Body: []byte(body)}
		if err := json.Unmarshal([]byte(header), a); err != nil {
			return nil, fmt.Errorf("the answer kept for an idempotency key: %w", err)
		}
		return a, nil
	}
	return nil, errIdempotencyInFlight
}

// settle ends a claim: it records the answer, or frees the key when a is
// nil (an answer not worth keeping). It touches the claim only, not a later
// one of the same key. A claim left unsettled would be claimed again after
// idempotencyAbandon and its request run a second time, so a failure (the
// database busy or down) is tried again in the background, with backoff,
// for half that time, and then logged.
func (ds *deskStore) settle(ctx context.Context, c claim, a *answer) {
	if err := ds.settleOnce(ctx, c, a); err == nil {
		return
	}
	go func() {
		wait, until := 10*time.Millisecond, time.Now().Add(idempotencyAbandon/2)
		for {
			time.Sleep(wait)
			err := ds.settleOnce(ctx, c, a)
			if err == nil {
				return
			}
			if wait = min(2*wait, time.Second); time.Now().Add(wait).After(until) {
				ds.logger().Error("settling an idempotency key", "username", c.username, "err", err)
				return
			}
		}
	}()
}

func (ds *deskStore) settleOnce(ctx context.Context, c claim, a *answer) error {
	const this = `username = $1 AND idempotency_key = $2 AND fingerprint = $3 AND created_at = $4 AND status = 0`
	if a == nil {
		_, err := ds.db.ExecContext(ctx, `DELETE FROM desk_idempotency WHERE `+this, c.username, c.key, c.fingerprint, c.at)
		return err
	}
	header, err := json.Marshal(a)
	if err != nil {
		return err
	}
	record, err := ds.prepared(ctx, `UPDATE desk_idempotency SET status = $5, header = $6, body = $7 WHERE `+this)
	if err != nil {
		return err
	}
	_, err = record.ExecContext(ctx, c.username, c.key, c.fingerprint, c.at, a.Status, string(header), string(a.Body))
	return err
}

// pruneKeys deletes the keys kept longer than idempotencyKeep, at most once
// a minute.
func (ds *deskStore) pruneKeys(ctx context.Context, now time.Time) error {
	last := ds.prunedKeys.Load()
	if now.UnixMicro()-last < time.Minute.Microseconds() || !ds.prunedKeys.CompareAndSwap(last, now.UnixMicro()) {
		return nil
	}
	_, err := ds.db.ExecContext(ctx, `DELETE FROM desk_idempotency WHERE created_at <= $1`, micros(now.Add(-idempotencyKeep)))
	return err
}

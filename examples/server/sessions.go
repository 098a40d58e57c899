package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"
)

// Sessions end after sessionIdle without a request, and sessionMax after
// sign-in whatever happens: a desk left alone for half an hour is signed
// out, and nobody stays signed in past a working day.
const (
	sessionIdle = 30 * time.Minute
	sessionMax  = 12 * time.Hour
	// seenEvery is how stale a session's or token's last use may be before
	// a request writes it again: a write per request would cost SQLite a
	// commit each.
	seenEvery = time.Minute
)

// A session is a signed-in browser.
type session struct {
	id      string // the SHA-256 of the cookie's value, in hex
	csrf    string // the token its forms carry
	created time.Time
	seen    time.Time
}

// An apiToken is a program's bearer token.
type apiToken struct {
	ID      string
	Name    string
	Created time.Time
	Used    time.Time
}

var errNoSession = errors.New("server: no such session")

// secret makes a random value of 256 bits for a cookie, a CSRF token or an
// API token.
func secret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// digest is what the tables keep of a secret.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// newSession starts a session for the officer and returns the cookie's
// value.
func (ds *deskStore) newSession(ctx context.Context, username string, now time.Time) (string, *session, error) {
	value, err := secret()
	if err != nil {
		return "", nil, err
	}
	csrf, err := secret()
	if err != nil {
		return "", nil, err
	}
	s := &session{id: digest(value), csrf: csrf, created: now, seen: now}
	_, err = ds.db.ExecContext(ctx, `INSERT INTO desk_sessions (id, username, csrf, created_at, seen_at) VALUES ($1, $2, $3, $4, $5)`,
		s.id, username, s.csrf, micros(now), micros(now))
	if err != nil {
		return "", nil, err
	}
	return value, s, nil
}

// The officer of a session, and of an API token, with what the checks need.
const (
	sessionQuery = `SELECT ` + officerColumns + `, s.csrf, s.created_at, s.seen_at
		FROM desk_sessions s JOIN desk_officers o ON o.username = s.username
		WHERE s.id = $1 AND o.disabled = 0`
	tokenQuery = `SELECT ` + officerColumns + `, t.id, t.used_at
		FROM desk_tokens t JOIN desk_officers o ON o.username = t.username
		WHERE t.hash = $1 AND t.revoked_at = 0 AND o.disabled = 0`
)

// session returns the live session of a cookie's value and its officer, who
// is not disabled; errNoSession for none, or one that has expired (which it
// deletes).
func (ds *deskStore) session(ctx context.Context, value string, now time.Time) (*officer, *session, error) {
	s := &session{id: digest(value)}
	var created, seen int64
	st, err := ds.prepared(ctx, sessionQuery)
	if err != nil {
		return nil, nil, err
	}
	o, err := scanOfficer(st.QueryRowContext(ctx, s.id), &s.csrf, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errNoSession
	}
	if err != nil {
		return nil, nil, err
	}
	s.created, s.seen = fromMicros(created), fromMicros(seen)
	if now.Sub(s.seen) >= sessionIdle || now.Sub(s.created) >= sessionMax {
		return nil, nil, errors.Join(errNoSession, ds.endSession(ctx, s.id))
	}
	if now.Sub(s.seen) >= seenEvery {
		if _, err := ds.db.ExecContext(ctx, `UPDATE desk_sessions SET seen_at = $2 WHERE id = $1`, s.id, micros(now)); err != nil {
			return nil, nil, err
		}
	}
	return o, s, nil
}

func (ds *deskStore) endSession(ctx context.Context, id string) error {
	_, err := ds.db.ExecContext(ctx, `DELETE FROM desk_sessions WHERE id = $1`, id)
	return err
}

// pruneSessions deletes the sessions that have expired by now, at most once
// a minute: sign-ins call it, and a write each would cost SQLite a commit.
func (ds *deskStore) pruneSessions(ctx context.Context, now time.Time) error {
	last := ds.pruned.Load()
	if now.UnixMicro()-last < seenEvery.Microseconds() || !ds.pruned.CompareAndSwap(last, now.UnixMicro()) {
		return nil
	}
	_, err := ds.db.ExecContext(ctx, `DELETE FROM desk_sessions WHERE seen_at <= $1 OR created_at <= $2`,
		micros(now.Add(-sessionIdle)), micros(now.Add(-sessionMax)))
	return err
}

// tokenPrefix starts every API token, so that one pasted in the wrong place
// is recognisable.
const tokenPrefix = "motcua_"

// newToken makes an API token for the officer and returns it: the only time
// it is seen.
func (ds *deskStore) newToken(ctx context.Context, username, name string, now time.Time) (string, error) {
	value, err := secret()
	if err != nil {
		return "", err
	}
	value = tokenPrefix + value
	if err := ds.addToken(ctx, username, name, value, now); err != nil {
		return "", err
	}
	return value, nil
}

// addToken keeps a token of the caller's: MOTCUA_OFFICER_TOKEN at first
// start.
func (ds *deskStore) addToken(ctx context.Context, username, name, value string, now time.Time) error {
	var id [6]byte
	if _, err := rand.Read(id[:]); err != nil {
		return err
	}
	_, err := ds.db.ExecContext(ctx, `INSERT INTO desk_tokens (id, hash, username, name, created_at, used_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5, 0, 0)`, hex.EncodeToString(id[:]), digest(value), username, name, micros(now))
	return err
}

// tokenOfficer returns the officer of a bearer token that is not revoked
// and whose account is not disabled; errNoSession for any other.
func (ds *deskStore) tokenOfficer(ctx context.Context, value string, now time.Time) (*officer, error) {
	var id string
	var used int64
	st, err := ds.prepared(ctx, tokenQuery)
	if err != nil {
		return nil, err
	}
	o, err := scanOfficer(st.QueryRowContext(ctx, digest(value)), &id, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSession
	}
	if err != nil {
		return nil, err
	}
	if now.Sub(fromMicros(used)) >= seenEvery {
		if _, err := ds.db.ExecContext(ctx, `UPDATE desk_tokens SET used_at = $2 WHERE id = $1`, id, micros(now)); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// tokens lists the officer's tokens that are not revoked, newest first.
func (ds *deskStore) tokens(ctx context.Context, username string) ([]apiToken, error) {
	rows, err := ds.db.QueryContext(ctx, `SELECT id, name, created_at, used_at FROM desk_tokens
		WHERE username = $1 AND revoked_at = 0 ORDER BY created_at DESC, id`, username)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []apiToken
	for rows.Next() {
		var t apiToken
		var created, used int64
		if err := rows.Scan(&t.ID, &t.Name, &created, &used); err != nil {
			return nil, err
		}
		t.Created, t.Used = fromMicros(created), fromMicros(used)
		out = append(out, t)
	}
	return out, rows.Err()
}

// revokeToken revokes one of the officer's tokens; errNoSession if the
// officer has no such token.
func (ds *deskStore) revokeToken(ctx context.Context, username, id string, now time.Time) error {
	res, err := ds.db.ExecContext(ctx, `UPDATE desk_tokens SET revoked_at = $3 WHERE username = $1 AND id = $2 AND revoked_at = 0`,
		username, id, micros(now))
	return insertedOne(res, err, errNoSession)
}

// Sign-in throttling: after throttleAfter failed sign-ins in a row for a
// username, each further attempt must wait throttleBase, doubled with each
// failure beyond, up to throttleMax; failures older than throttleWindow are
// forgotten.
const (
	throttleAfter  = 5
	throttleBase   = time.Minute
	throttleMax    = 15 * time.Minute
	throttleWindow = time.Hour
)

// throttleDelay is how long a username with n failures in a row must wait
// after the last.
func throttleDelay(n int) time.Duration {
	if n < throttleAfter {
		return 0
	}
	d := throttleBase
	for i := throttleAfter; i < n && d < throttleMax; i++ {
		d *= 2
	}
	return min(d, throttleMax)
}

// throttled returns the failed sign-ins in a row of the username, and how
// long it must still wait before it may try again (0 when it may now).
func (ds *deskStore) throttled(ctx context.Context, username string, now time.Time) (int, time.Duration, error) {
	var n int
	var last int64
	err := ds.db.QueryRowContext(ctx, `SELECT failures, last_at FROM desk_signin_failures WHERE username = $1`, username).Scan(&n, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	lastAt := fromMicros(last)
	if now.Sub(lastAt) >= throttleWindow {
		return 0, 0, nil
	}
	return n, max(0, lastAt.Add(throttleDelay(n)).Sub(now)), nil
}

// failed records a failed sign-in and returns the failures in a row.
func (ds *deskStore) failed(ctx context.Context, username string, now time.Time) (int, error) {
	var n int
	err := ds.db.QueryRowContext(ctx, `INSERT INTO desk_signin_failures (username, failures, last_at) VALUES ($1, 1, $2)
		ON CONFLICT (username) DO UPDATE SET
			failures = CASE WHEN desk_signin_failures.last_at < $3 THEN 1 ELSE desk_signin_failures.failures + 1 END,
			last_at = $2
		RETURNING failures`, username, micros(now), micros(now.Add(-throttleWindow))).Scan(&n)
	if err != nil {
		return 0, err
	}
	// Forget the usernames nobody has mistyped for a while, so that the
	// table does not keep every guess.
	_, err = ds.db.ExecContext(ctx, `DELETE FROM desk_signin_failures WHERE last_at < $1`, micros(now.Add(-throttleWindow)))
	return n, err
}

// succeeded forgets a username's failures.
func (ds *deskStore) succeeded(ctx context.Context, username string) error {
	_, err := ds.db.ExecContext(ctx, `DELETE FROM desk_signin_failures WHERE username = $1`, username)
	return err
}

package main

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/rating/sqlrating"
)

// TestHealthReadOnly: a database that reads but takes no writes is not
// healthy, though lookups still work. The file is opened read-only through
// its DSN, as root would write to a file whatever its mode.
func TestHealthReadOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "motcua.db")
	rw, err := openBackend(context.Background(), "sqlite:"+path)
	require.NoError(t, err)
	d := newDeskOn(t, rw)
	code, secret := d.receiveWithSecret(anIntake("Nguyễn Văn An"))
	assert.Equal(t, http.StatusOK, d.public("GET", "/healthz", nil).status)
	require.NoError(t, rw.Close())

	ro, err := sqlstore.Open(context.Background(), "sqlite:"+path+"?mode=ro")
	require.NoError(t, err)
	b := sqlBackend{ro, sqlrating.New(ro), newDeskStore(ro.DB(), ro.Dialect())}
	t.Cleanup(func() { b.Close() })
	ro2 := newDeskOn(t, backend(b))

	r := ro2.public("GET", "/healthz", nil)
	requireProblem(t, r, http.StatusServiceUnavailable)
	assert.Contains(t, ro2.logs.String(), "store is not healthy")
	// Reads still work, with the same secrets: the key is in the database.
	assert.Equal(t, http.StatusOK, ro2.public("GET", lookupPath(code, secret), nil).status)
	// A write is a 503 with Retry-After, not a 500.
	w := ro2.officer("POST", "/api/v1/dossiers", anIntake("Trần Thị Bình"))
	requireProblem(t, w, http.StatusServiceUnavailable)
	assert.Equal(t, "5", w.header.Get("Retry-After"))
}

func TestStoreUnavailable(t *testing.T) {
	t.Parallel()
	opErr := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"refused", fmt.Errorf("sqlstore: get: %w", opErr), true},
		{"bad conn", fmt.Errorf("x: %w", driver.ErrBadConn), true},
		{"closed store", sqlstore.ErrClosed, true},
		{"lost connection", fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), true},
		{"timeout", context.DeadlineExceeded, true},
		{"admin shutdown", sqlState("57P01"), true},
		{"starting up", sqlState("57P03"), true},
		{"connection failure", sqlState("08006"), true},
		{"too many connections", sqlState("53300"), true},
		{"read-only transaction", sqlState("25006"), true},
		{"unique violation", sqlState("23505"), false},
		{"sqlite read-only", sqliteCode(8), true},
		{"sqlite full", sqliteCode(13), true},
		{"sqlite busy", sqliteCode(5), true},
		{"sqlite constraint", sqliteCode(19), false},
		{"client gone", context.Canceled, false},
		{"plain", errors.New("database is down"), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, storeUnavailable(tt.err), tt.name)
	}
	d := newDesk(t)
	p := d.srv.problemFor(fmt.Errorf("wrapped: %w", opErr))
	assert.Equal(t, http.StatusServiceUnavailable, p.Status)
	assert.Equal(t, "5", p.retryAfter)
}

type sqlState string

func (s sqlState) Error() string    { return "pg: " + string(s) }
func (s sqlState) SQLState() string { return string(s) }

type sqliteCode int

func (c sqliteCode) Error() string { return fmt.Sprintf("sqlite: %d", int(c)) }
func (c sqliteCode) Code() int     { return int(c) }

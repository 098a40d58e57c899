package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/sqlstore"
)

// The lookup secret (mã tra cứu) is what a citizen needs besides the dossier
// code to see a dossier or rate it. Codes are sequential and printed
// everywhere; the secret is printed only on the receipt the applicant takes
// home (and in its QR code), and can be printed again from the officer
// screens.
//
// It is not stored: it is a MAC of the dossier, the first 64 bits of
// HMAC-SHA256 under the server's lookup key (256 random bits) of the
// dossier's code and ID, written as secretLen characters of secretAlphabet.
// A MAC under a secret key is as good as random bits here: HMAC-SHA256 is a
// pseudo-random function, so without the key its outputs cannot be told
// from random ones, and knowing the code, the ID, or the secrets of other
// dossiers tells nothing of a secret. What it adds over a stored random value
// is that nothing is written at registration and a reprint is the same
// computation, with no table of secrets that could leak; the ID (a random
// UUIDv7) in the input keeps two dossiers that ever share a code, in two
// databases that share a key, from sharing a secret. The price is that the
// key is the one thing to protect: whoever reads it can compute every secret,
// as whoever reads a table of secrets could read every secret. The key lives
// in the database, in the server's table server_settings, so every instance
// on one database agrees on it and a backup restores it; a new database gets
// a new key, and replacing the key (deleting its row) changes every secret.

// secretAlphabet has no 0, O, 1, I or L, so that a secret read off paper
// cannot be misread; it is upper case, and input is upper-cased.
const secretAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// secretLen characters of the 31-letter alphabet carry log2(31^10) ≈ 49.5
// bits, more than the 40 asked for, in at most 10 characters.
const secretLen = 10

// lookupKeyName is the row of server_settings that holds the lookup key, in
// hexadecimal.
const lookupKeyName = "lookup-key"

// A secrets derives and checks lookup secrets under one key.
type secrets struct {
	key []byte
}

// secretFor returns the lookup secret of the dossier with code c and ID id.
func (k secrets) secretFor(c dossier.Code, id uuid.UUID) string {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte("motcua lookup secret v1\x00"))
	m.Write([]byte(c.String()))
	m.Write([]byte{0})
	m.Write(id[:])
	n := binary.BigEndian.Uint64(m.Sum(nil)[:8])
	var b [secretLen]byte
	for i := range b {
		b[i] = secretAlphabet[n%uint64(len(secretAlphabet))]
		n /= uint64(len(secretAlphabet))
	}
	return string(b[:])
}

// check reports whether given is the secret of the dossier with code c and
// ID id, comparing in constant time. A dossier that was not found is checked
// too, against the zero ID, so that an unknown code costs what a wrong
// secret costs, and then refused.
func (k secrets) check(c dossier.Code, id uuid.UUID, found bool, given string) bool {
	want := k.secretFor(c, id)
	got := normalizeSecret(given)
	ok := subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
	return ok && found
}

// normalizeSecret reads a secret as a person may type it: in lower case,
// with spaces or hyphens between groups.
func normalizeSecret(s string) string {
	if len(s) > 64 {
		return ""
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-':
		case 'a' <= r && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// A settingsDB is a backend that keeps its data in SQL: the server keeps
// its own small table beside the store's.
type settingsDB interface {
	DB() *sql.DB
	Dialect() sqlstore.Dialect
}

// createSettings is the server's own table: the lookup key, and the row
// that /healthz writes to prove the database takes writes.
const createSettings = `CREATE TABLE IF NOT EXISTS server_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)`

// placeholders writes n bind parameters in the dialect's form.
func placeholders(d sqlstore.Dialect, n int) []any {
	p := make([]any, n)
	for i := range p {
		if d == sqlstore.PostgreSQL {
			p[i] = fmt.Sprintf("$%d", i+1)
		} else {
			p[i] = "?"
		}
	}
	return p
}

// loadSecrets reads the lookup key of the backend's database, making it
// the first time. Instances that start at once agree: each inserts a key
// only if none is there, then reads the one that is. A database that takes
// no writes (opened read-only) still starts, if it has its key. A backend
// that is not SQL gets a key of its own for the life of the process.
func loadSecrets(ctx context.Context, b backend) (secrets, error) {
	sdb, ok := b.(settingsDB)
	if !ok {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return secrets{}, err
		}
		return secrets{key: key}, nil
	}
	db, d := sdb.DB(), sdb.Dialect()
	read := func() ([]byte, error) {
		var v string
		err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT value FROM server_settings WHERE name = %s`, placeholders(d, 1)...), lookupKeyName).Scan(&v)
		if err != nil {
			return nil, err
		}
		key, err := hex.DecodeString(v)
		if err != nil || len(key) < 32 {
			return nil, fmt.Errorf("server_settings: the lookup key is not 256 bits in hexadecimal")
		}
		return key, nil
	}
	if key, err := read(); err == nil {
		return secrets{key: key}, nil
	}
	if _, err := db.ExecContext(ctx, createSettings); err != nil {
		return secrets{}, fmt.Errorf("creating the table server_settings: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return secrets{}, err
	}
	p := placeholders(d, 2)
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO server_settings (name, value) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING`, p...),
		lookupKeyName, hex.EncodeToString(key)); err != nil {
		return secrets{}, fmt.Errorf("writing the lookup key: %w", err)
	}
	key, err := read()
	if errors.Is(err, sql.ErrNoRows) {
		return secrets{}, errors.New("server_settings: no lookup key after writing one")
	}
	if err != nil {
		return secrets{}, fmt.Errorf("reading the lookup key: %w", err)
	}
	return secrets{key: key}, nil
}

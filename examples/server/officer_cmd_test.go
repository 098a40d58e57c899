package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cli runs "server officer args…" in the test's process.
func cli(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := officerCommand(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return stdout.String() + stderr.String(), err
}

// cliOK runs the command, which must succeed, and returns what it printed.
func cliOK(t *testing.T, args ...string) string {
	t.Helper()
	out, err := cli(t, "", args...)
	require.NoError(t, err, out)
	return out
}

// TestOfficerCommand: the command line adds, lists, resets, disables and
// enables accounts, and makes tokens, on a SQLite file; its mistakes are
// errors that say what is wrong.
func TestOfficerCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "motcua.db")
	agencies := filepath.Join(dir, "agencies.json")
	require.NoError(t, os.WriteFile(agencies, []byte(`[{"id":"000.00.01.H26","name":"Trung tâm"},{"id":"000.00.12.H26","name":"Sở Tư pháp"}]`), 0o600))

	out, err := cli(t, "", "add", "-db", db, "-username", "An.Nguyen", "-name", "Nguyễn  Văn An", "-roles", "one-stop,specialist")
	require.NoError(t, err, out)
	assert.Contains(t, out, "added Nguyễn Văn An (an.nguyen), 000.00.01.H26, roles one-stop,specialist")
	pw := regexp.MustCompile(`(?m)^password: (\S+)$`).FindStringSubmatch(out)
	require.NotNil(t, pw)

	out, err = cli(t, "mot-mat-khau-dai\n", "add", "-db", db, "-agencies", agencies, "-agency", "000.00.12.H26",
		"-username", "giamdoc", "-name", "Giám Đốc", "-roles", "leader", "-centre-wide", "-password-stdin")
	require.NoError(t, err, out)
	assert.NotContains(t, out, "password:", "a password of the caller's is not printed")

	b, err := openBackend(context.Background(), db)
	require.NoError(t, err)
	o, err := b.Desk().officer(context.Background(), "giamdoc")
	require.NoError(t, err)
	assert.True(t, o.CentreWide)
	assert.Equal(t, "000.00.12.H26", o.Agency)
	ok, _, err := verifyPassword(context.Background(), o.Password, "mot-mat-khau-dai")
	require.NoError(t, err)
	assert.True(t, ok)
	an, err := b.Desk().officer(context.Background(), "an.nguyen")
	require.NoError(t, err)
	ok, _, err = verifyPassword(context.Background(), an.Password, pw[1])
	require.NoError(t, err)
	assert.True(t, ok, "the printed password is the account's")

	out, err = cli(t, "", "list", "-db", db)
	require.NoError(t, err)
	assert.Regexp(t, `an\.nguyen\s+Nguyễn Văn An\s+000\.00\.01\.H26\s+one-stop,specialist\s+no\s+no`, out)
	assert.Regexp(t, `giamdoc\s+Giám Đốc\s+000\.00\.12\.H26\s+leader\s+yes\s+no`, out)

	out, err = cli(t, "", "token", "-db", db, "-username", "an.nguyen", "-name", "máy quét")
	require.NoError(t, err)
	tok := strings.TrimSpace(out)
	got, err := b.Desk().tokenOfficer(context.Background(), tok, monday0900)
	require.NoError(t, err)
	assert.Equal(t, "an.nguyen", got.Username)

	out, err = cli(t, "", "passwd", "-db", db, "-username", "an.nguyen")
	require.NoError(t, err)
	pw2 := regexp.MustCompile(`(?m)^password: (\S+)$`).FindStringSubmatch(out)
	require.NotNil(t, pw2)
	assert.NotEqual(t, pw[1], pw2[1])

	tok2 := strings.TrimSpace(cliOK(t, "token", "-db", db, "-username", "an.nguyen"))
	out, err = cli(t, "", "revoke", "-db", db, "-username", "an.nguyen")
	require.NoError(t, err)
	assert.Contains(t, out, "revoked 2 token(s) of an.nguyen")
	for _, tk := range []string{tok, tok2} {
		_, err = b.Desk().tokenOfficer(context.Background(), tk, monday0900)
		assert.ErrorIs(t, err, errNoSession, "revoked")
	}
	tok = strings.TrimSpace(cliOK(t, "token", "-db", db, "-username", "an.nguyen"))

	_, err = cli(t, "", "disable", "-db", db, "-username", "an.nguyen")
	require.NoError(t, err)
	_, err = b.Desk().tokenOfficer(context.Background(), tok, monday0900)
	assert.ErrorIs(t, err, errNoSession, "a disabled officer's token is refused")
	_, err = cli(t, "", "enable", "-db", db, "-username", "an.nguyen")
	require.NoError(t, err)
	_, err = b.Desk().tokenOfficer(context.Background(), tok, monday0900)
	assert.NoError(t, err)
	require.NoError(t, b.Close())

	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"no command", "", nil, "flag: help requested"},
		{"unknown command", "", []string{"remove"}, "unknown command"},
		{"memory", "", []string{"list", "-db", "memory"}, "keeps nothing"},
		{"no username", "", []string{"passwd", "-db", db}, "-username is required"},
		{"unknown officer", "", []string{"disable", "-db", db, "-username", "nobody"}, "no officer nobody"},
		{"taken", "", []string{"add", "-db", db, "-username", "an.nguyen", "-name", "X", "-roles", "one-stop"}, "taken"},
		{"bad role", "", []string{"add", "-db", db, "-username", "x.y", "-name", "X", "-roles", "boss"}, "unknown role"},
		{"no role", "", []string{"add", "-db", db, "-username", "x.y", "-name", "X"}, "-roles"},
		{"bad username", "", []string{"add", "-db", db, "-username", "x y", "-name", "X", "-roles", "one-stop"}, "Tên đăng nhập"},
		{"agency not listed", "", []string{"add", "-db", db, "-agencies", agencies, "-agency", "000.00.99.H26", "-username", "x.y", "-name", "X", "-roles", "one-stop"}, "000.00.99.H26"},
		{"bad agency", "", []string{"add", "-db", db, "-agency", "H 26", "-username", "x.y", "-name", "X", "-roles", "one-stop"}, "H 26"},
		{"centre-wide specialist", "", []string{"add", "-db", db, "-username", "x.y", "-name", "X", "-roles", "specialist", "-centre-wide"}, "lãnh đạo"},
		{"short password", "ngan\n", []string{"passwd", "-db", db, "-username", "an.nguyen", "-password-stdin"}, "ít nhất 10"},
		{"argument", "", []string{"list", "-db", db, "extra"}, "unexpected argument"},
		{"revoke unknown token", "", []string{"revoke", "-db", db, "-username", "an.nguyen", "-id", "ffffffffffff"}, "no token ffffffffffff"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := cli(t, tt.stdin, tt.args...)
			require.Error(t, err, out)
			assert.Contains(t, err.Error()+out, tt.want)
		})
	}
}

// TestLoadAgencies: the -agencies file is a JSON array of agencies with an
// e-ID and a name; each mistake names the agency and what is wrong.
func TestLoadAgencies(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tt := range []struct{ name, json, want string }{
		{"good", `[{"id":"000.00.01.H26","name":" Trung  tâm "},{"id":"000.A0.12.H26","name":"Sở"}]`, ""},
		{"empty", `[]`, "no agency"},
		{"not an array", `{"agencies":[]}`, "JSON array"},
		{"unknown field", `[{"id":"000.00.01.H26","name":"A","phone":"1"}]`, "phone"},
		{"bad e-ID", `[{"id":"000.00 H26","name":"A"}]`, `"000.00 H26" is not an agency e-ID`},
		{"no name", `[{"id":"000.00.01.H26","name":" "}]`, "no name"},
		{"twice", `[{"id":"000.00.01.H26","name":"A"},{"id":"000.00.01.H26","name":"B"}]`, "listed twice"},
		{"invisible", `[{"id":"000.00.01.H26","name":"A\u200bB"}]`, "invisible"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".json")
			require.NoError(t, os.WriteFile(p, []byte(tt.json), 0o600))
			l, err := loadAgencies(p)
			if tt.want != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "Trung tâm", l.first().Name)
			assert.Equal(t, "Sở", l.name("000.A0.12.H26"))
			assert.Equal(t, "000.00.77.H26", l.name("000.00.77.H26"), "an agency no longer listed")
		})
	}
	_, err := loadAgencies(filepath.Join(dir, "none.json"))
	assert.Error(t, err)
}

package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/dossier"
)

// An officer is an account of the desk: a civil servant who signs in, with
// the agency whose dossiers they handle and the roles that say what they
// may do (see rules).
type officer struct {
	Username string // lower case, 3–64 of a–z, 0–9, '.', '_', '-', starting with a letter
	FullName string // as printed on receipts and recorded on events, NFC
	Agency   string // the agency's e-ID, which dossier codes are issued under
	Roles    roles
	// CentreWide lets a leader see every agency's dossiers and reports, as
	// an administrator does: the centre's director, say.
	CentreWide bool
	Disabled   bool
	Password   string // argon2id hash in the PHC string format
	Created    time.Time
}

// actor is how events record the officer: "Nguyễn Văn An (an.nguyen)", the
// name for people, the username so that two officers of one name differ.
func (o *officer) actor() string { return o.FullName + " (" + o.Username + ")" }

// seesAll reports whether the officer sees every agency's dossiers.
func (o *officer) seesAll() bool { return o.Roles.has(roleAdmin) || o.CentreWide }

// sees reports whether the officer may see the dossier with code c: one of
// the officer's agency, unless the officer sees all.
func (o *officer) sees(c dossier.Code) bool { return o.seesAll() || c.Agency == o.Agency }

// holderOf returns the username in an actor or receiver written as
// actor() writes it, "Nguyễn Văn An (an.nguyen)"; "" for any other text.
func holderOf(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, ")") {
		return ""
	}
	i := strings.LastIndexByte(s, '(')
	if i < 0 {
		return ""
	}
	if u := s[i+1 : len(s)-1]; validUsername(u) {
		return u
	}
	return ""
}

// Limits of the account fields.
const (
	maxUsername    = 64
	minPassword    = 10
	maxPassword    = 256
	maxTokenName   = 100
	maxFullNameLen = maxName
)

// validUsername reports whether s is a username: 3–64 characters of a–z,
// 0–9, '.', '_' and '-', starting with a letter.
func validUsername(s string) bool {
	if len(s) < 3 || len(s) > maxUsername || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// normUsername is the form a username is looked up by: trimmed, lower case.
func normUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// checkOfficer checks and normalises the fields of a new or changed account.
// Its errors are in Vietnamese, for the account page; the command line shows
// them as they are.
func checkOfficer(o *officer, agencies *agencyList) error {
	o.Username = normUsername(o.Username)
	if !validUsername(o.Username) {
		return invalidValue("Tên đăng nhập phải dài 3–64 ký tự, gồm chữ thường không dấu (a–z), chữ số, dấu chấm, gạch dưới hoặc gạch ngang, và bắt đầu bằng một chữ cái.")
	}
	o.FullName = norm.NFC.String(strings.Join(strings.Fields(o.FullName), " "))
	if o.FullName == "" {
		return invalidValue("Cần họ và tên của cán bộ.")
	}
	if err := checkText("họ và tên", o.FullName, maxFullNameLen); err != nil {
		return err
	}
	if _, ok := agencies.byID(o.Agency); !ok {
		return invalidValue(fmt.Sprintf("Không có cơ quan mã %s trong danh sách cơ quan của máy chủ.", o.Agency))
	}
	if o.Roles == 0 {
		return invalidValue("Tài khoản cần ít nhất một vai trò.")
	}
	if o.CentreWide && !o.Roles.has(roleLeader) {
		return invalidValue("Chỉ lãnh đạo mới được xem hồ sơ của toàn trung tâm.")
	}
	return nil
}

// checkPassword refuses a password that is too short, too long or the
// username itself.
func checkNewPassword(username, pw string) error {
	switch n := utf8.RuneCountInString(pw); {
	case n < minPassword:
		return invalidValue(fmt.Sprintf("Mật khẩu phải dài ít nhất %d ký tự.", minPassword))
	case len(pw) > maxPassword:
		return invalidValue(fmt.Sprintf("Mật khẩu dài quá %d byte.", maxPassword))
	case strings.EqualFold(pw, username):
		return invalidValue("Mật khẩu không được trùng tên đăng nhập.")
	}
	return nil
}

// Passwords are hashed with argon2id (RFC 9106) at these parameters: 64 MiB
// of memory, as RFC 9106's second recommended option has, one pass instead
// of its three, 2 lanes, a 16-byte random salt and a 32-byte key. Each guess
// at a stolen hash needs the 64 MiB; one pass is what keeps a sign-in under
// 300 ms on a busy 2-vCPU machine (a hash takes about 60 ms there when it
// is idle, and two or three times that under load; see BENCHMARKS.md). The
// parameters are written in each hash (the PHC string format,
// $argon2id$v=19$m=65536,t=1,p=2$salt$key), so a hash made with other
// parameters still verifies, and is made again with these at the next
// sign-in.
const (
	argonMemory  = 64 * 1024 // KiB
	argonTime    = 1
	argonThreads = 2
	argonSaltLen = 16
	argonKeyLen  = 32
)

// argonSlots bounds the hashes computed at once, so that a burst of
// sign-ins queues instead of asking for 64 MiB each: one per CPU.
var argonSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))

// argon runs one hash in a slot, waiting for one as long as ctx allows.
func argon(ctx context.Context, pw, salt []byte, t, m uint32, p uint8, n uint32) ([]byte, error) {
	select {
	case argonSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-argonSlots }()
	return argon2.IDKey(pw, salt, t, m, p, n), nil
}

var b64 = base64.RawStdEncoding

// hashPassword hashes pw at the parameters above.
func hashPassword(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := argon(ctx, []byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	if err != nil {
		return "", err
	}
	return phc(salt, key), nil
}

// phc writes a hash at today's parameters in the PHC string format.
func phc(salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errBadHash = errors.New("server: not an argon2id hash")

// verifyPassword reports whether pw matches the hash, and whether the hash
// was made with other parameters than today's and should be made again.
func verifyPassword(ctx context.Context, hash, pw string) (ok, stale bool, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false, false, errBadHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m < 8 || m > 1<<22 || t < 1 || t > 16 || p < 1 {
		return false, false, errBadHash
	}
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) < 16 || len(want) > 64 {
		return false, false, errBadHash
	}
	got, err := argon(ctx, []byte(pw), salt, t, m, p, uint32(len(want)))
	if err != nil {
		return false, false, err
	}
	ok = subtle.ConstantTimeCompare(got, want) == 1
	stale = m != argonMemory || t != argonTime || p != argonThreads || len(salt) != argonSaltLen || len(want) != argonKeyLen
	return ok, stale, nil
}

// dummyHash is checked against when a sign-in names no usable account, so
// that it takes as long as one that does and does not tell which usernames
// exist.
var dummyHash = phc(make([]byte, argonSaltLen), make([]byte, argonKeyLen))

// passwordAlphabet has no letters or digits that read alike (l, 1, o, 0).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// newPassword makes a password for a new account or a reset: 16 symbols of
// 32 (80 bits) in groups of four, "k7hq-2mpz-w9xr-4tbn", easy to read out
// and type once before the officer changes it.
func newPassword() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(passwordAlphabet[int(c)%len(passwordAlphabet)])
	}
	return sb.String(), nil
}

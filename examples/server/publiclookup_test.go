package main

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
)

// testLimits let the tests of other things look dossiers up as often as
// they like; ratelimit_test.go tests defaultLimits.
var testLimits = limits{
	Lookup: limit{Every: time.Microsecond, Burst: 1 << 20},
	Failed: limit{Every: time.Microsecond, Burst: 1 << 20},
	Rating: limit{Every: time.Microsecond, Burst: 1 << 20},
}

// receiveWithSecret receives a dossier and returns its code and lookup
// secret.
func (d *desk) receiveWithSecret(body any) (code, secret string) {
	d.t.Helper()
	r := d.officer("POST", "/api/v1/dossiers", body)
	require.Equal(d.t, http.StatusCreated, r.status, "%s", r.body)
	v := r.json(d.t)
	code, _ = v["code"].(string)
	secret, _ = v["secret"].(string)
	require.NotEmpty(d.t, code)
	require.Len(d.t, secret, secretLen)
	return code, secret
}

// lookupPath is the public lookup of a code with a secret.
func lookupPath(code, secret string) string {
	return "/api/v1/public/dossiers/" + code + "?secret=" + url.QueryEscape(secret)
}

// TestLookupNeedsSecret: the public lookup and the rating want the code and
// the secret; without it, or with a wrong one, they answer exactly as for a
// code that does not exist, on the API and on the page.
func TestLookupNeedsSecret(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	code, secret := d.receiveWithSecret(anIntake("Nguyễn Văn An"))
	require.Equal(t, http.StatusOK, d.officer("POST", "/api/v1/dossiers/"+code+"/resolve", nil).status)
	unknown := strings.TrimSuffix(code, "0001") + "0999"
	wrong := []byte(secret)
	wrong[0] = secretAlphabet[(strings.IndexByte(secretAlphabet, wrong[0])+1)%len(secretAlphabet)]

	r := d.public("GET", lookupPath(code, secret), nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, code, r.json(t)["code"])
	// Typed in lower case, in groups.
	r = d.public("GET", lookupPath(code, strings.ToLower(secret[:5])+"-"+secret[5:]), nil)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)

	var first reply
	for i, path := range []string{
		"/api/v1/public/dossiers/" + code,
		lookupPath(code, ""),
		lookupPath(code, string(wrong)),
		lookupPath(code, secret+"2"),
		lookupPath(unknown, secret),
		lookupPath(unknown, ""),
		lookupPath(code, strings.Repeat("A", 500)),
	} {
		r := d.public("GET", path, nil)
		requireProblem(t, r, http.StatusNotFound)
		if i == 0 {
			first = r
			continue
		}
		assert.Equal(t, first.body, r.body, "%s answers as an unknown code", path)
		assert.Equal(t, first.header.Get("Content-Type"), r.header.Get("Content-Type"))
		assert.Equal(t, len(first.header), len(r.header), "the same headers: %v %v", first.header, r.header)
	}
	assert.NotContains(t, first.String(), code)
	assert.NotContains(t, first.String(), "Nguyễn")

	// The rating too, whether the secret is in the body or the query.
	rate := "/api/v1/public/dossiers/" + code + "/rating"
	for _, req := range []struct {
		path string
		body map[string]any
	}{
		{rate, map[string]any{"level": 3}},
		{rate, map[string]any{"level": 3, "secret": string(wrong)}},
		{rate + "?secret=" + string(wrong), map[string]any{"level": 3}},
		{rate + "?secret=" + secret, map[string]any{"level": 3, "secret": string(wrong)}},
		{"/api/v1/public/dossiers/" + unknown + "/rating", map[string]any{"level": 3, "secret": secret}},
	} {
		r := d.public("POST", req.path, req.body)
		requireProblem(t, r, http.StatusNotFound)
		assert.Equal(t, first.body, r.body, "%s %v", req.path, req.body)
	}
	lookup := d.public("GET", lookupPath(code, secret), nil).json(t)
	assert.Equal(t, true, lookup["rateable"], "no rating got through")
	assert.Equal(t, false, lookup["rated"])

	// The page: the same answer for a wrong secret and an unknown code.
	page := func(c, s string) reply {
		return d.public("GET", "/tra-cuu?ma="+url.QueryEscape(c)+"&secret="+url.QueryEscape(s), nil)
	}
	p1, p2 := page(code, string(wrong)), page(unknown, string(wrong))
	assert.Equal(t, http.StatusNotFound, p1.status)
	assert.Equal(t, http.StatusNotFound, p2.status)
	assert.Equal(t, strings.ReplaceAll(p1.String(), code, "X"), strings.ReplaceAll(p2.String(), unknown, "X"))
	assert.NotContains(t, p1.String(), "Nguyễn")
	assert.NotContains(t, p1.String(), "Gửi đánh giá")
	assert.Equal(t, http.StatusNotFound, d.public("GET", "/tra-cuu?ma="+url.QueryEscape(code), nil).status)
	ok := page(code, secret)
	assert.Equal(t, http.StatusOK, ok.status)
	assert.Contains(t, ok.String(), "Nguyễn V. A.")

	// A rating with the secret is taken, and the lookup then says so.
	r = d.public("POST", rate, map[string]any{"level": 1, "secret": secret})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	lookup = d.public("GET", lookupPath(code, secret), nil).json(t)
	assert.Equal(t, false, lookup["rateable"])
	assert.Equal(t, true, lookup["rated"])
	ok = page(code, secret)
	assert.Contains(t, ok.String(), "Hồ sơ đã được đánh giá")
	assert.NotContains(t, ok.String(), "Gửi đánh giá")
}

// TestSecretShape: a secret has 10 characters of the unambiguous alphabet,
// differs from dossier to dossier, is the same at every reprint and from
// the same key, and differs under another key.
func TestSecretShape(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	seen := map[string]bool{}
	for range 20 {
		code, secret := d.receiveWithSecret(anIntake("Trần Thị Bình"))
		assert.Len(t, secret, secretLen)
		for _, c := range secret {
			assert.True(t, strings.ContainsRune(secretAlphabet, c), "%q in %s", c, secret)
		}
		assert.NotContains(t, secret, "0")
		assert.NotContains(t, secret, "O")
		assert.NotContains(t, secret, "1")
		assert.NotContains(t, secret, "I")
		assert.NotContains(t, secret, "l")
		assert.False(t, seen[secret], "secret %s repeated", secret)
		seen[secret] = true
		again := d.officer("GET", "/api/v1/dossiers/"+code, nil).json(t)
		assert.Equal(t, secret, again["secret"], "reprinted the same")
		assert.Equal(t, defaultPublicURL+"/tra-cuu?ma="+url.QueryEscape(code)+"&secret="+secret, again["lookupUrl"])
	}
	for _, c := range []string{"0", "O", "1", "I", "L"} {
		assert.NotContains(t, secretAlphabet, c)
	}
	assert.Len(t, secretAlphabet, 31)
}

// TestLookupTimingClass: a wrong secret and an unknown code take the same
// work in findPublic, the MAC and its constant-time comparison among it.
// The store's read is kept out of the comparison, for it is not the same
// work (reading a dossier that exists costs more than finding none): an
// evenStore reads the same dossier for both. The two kinds of lookup are timed interleaved, in
// a random order each round, so that the machine's load falls on both
// alike, and their medians must lie closer than half the median time of
// the MAC alone: a path that skipped the MAC would be that much faster.
func TestLookupTimingClass(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := memoryBackendOf(t)
	code, _ := newDeskOn(t, b).receiveWithSecret(anIntake("Nguyễn Văn An"))
	known, err := dossier.ParseCode(code)
	require.NoError(t, err)
	unknown := known
	unknown.Seq = 999
	s := newDeskOn(t, &evenStore{backend: b, known: known}).srv
	id := uuid.New()
	const n, guess = 2000, "ABCDEFGHJK"
	var wrong, missing, mac []time.Duration
	var errs []error
	runs := []func(){
		func() {
			start := time.Now()
			_, err := s.findPublic(ctx, known, guess)
			wrong = append(wrong, time.Since(start))
			errs = append(errs, err)
		},
		func() {
			start := time.Now()
			_, err := s.findPublic(ctx, unknown, guess)
			missing = append(missing, time.Since(start))
			errs = append(errs, err)
		},
		func() {
			start := time.Now()
			s.secrets.secretFor(known, id)
			mac = append(mac, time.Since(start))
		},
	}
	for range n {
		for _, i := range rand.Perm(len(runs)) {
			runs[i]()
		}
	}
	for _, err := range errs {
		require.ErrorIs(t, err, errNoSuchDossier)
	}
	median := func(ds []time.Duration) time.Duration {
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	mw, mu, mm := median(wrong), median(missing), median(mac)
	t.Logf("medians of %d: wrong secret %v, unknown code %v, the MAC alone %v", n, mw, mu, mm)
	assert.Less(t, (mw - mu).Abs(), mm/2, "a wrong secret (%v) and an unknown code (%v) differ by half a MAC (%v) or more", mw, mu, mm)
}

// On the real store, the work of the two differs: a failed lookup answers
// no sooner than failFloor, so that the difference does not show; a right
// one answers at once.
func TestLookupFailFloor(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	code, secret := d.receiveWithSecret(anIntake("Nguyễn Văn An"))
	unknown := strings.TrimSuffix(code, "0001") + "0999"
	for _, path := range []string{lookupPath(code, "ABCDEFGHJK"), lookupPath(unknown, secret), "/tra-cuu?ma=" + unknown + "&secret=" + secret} {
		start := time.Now()
		r := d.public("GET", path, nil)
		took := time.Since(start)
		assert.Equal(t, http.StatusNotFound, r.status, path)
		assert.GreaterOrEqual(t, took, failFloor, "%s answered after %v", path, took)
	}
	r := d.public("POST", "/api/v1/public/dossiers/"+unknown+"/rating", map[string]any{"level": 3, "secret": secret})
	assert.Equal(t, http.StatusNotFound, r.status)
	start := time.Now()
	require.Equal(t, http.StatusOK, d.public("GET", lookupPath(code, secret), nil).status)
	t.Logf("a right lookup took %v", time.Since(start))
}

// An evenStore reads its one known dossier whatever the code asked for,
// and finds it only under its own code: an unknown code then costs the
// store what a known one costs.
type evenStore struct {
	backend
	known dossier.Code
}

func (s *evenStore) Get(ctx context.Context, c dossier.Code) (*dossier.Dossier, error) {
	d, err := s.backend.Get(ctx, s.known)
	if err == nil && c != s.known {
		return nil, dossier.ErrNotFound
	}
	return d, err
}

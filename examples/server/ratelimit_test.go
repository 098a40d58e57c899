package main

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func limitedDesk(t *testing.T, lim limits) *desk {
	return newDesk(t, func(c *config) { c.Public.Limits = &lim })
}

// TestDefaultLimits: with the documented limits, a client gets
// Failed.Burst failed lookups, then 429 with Retry-After on every public
// request until a token comes back; lookups and ratings have their own
// bursts.
func TestDefaultLimits(t *testing.T) {
	t.Parallel()
	d := limitedDesk(t, defaultLimits)
	code, secret := d.receiveWithSecret(anIntake("Phan Văn Khải"))
	for i := range defaultLimits.Failed.Burst {
		requireProblem(t, d.public("GET", lookupPath(code, "WRONGWRONG"), nil), http.StatusNotFound)
		_ = i
	}
	r := d.public("GET", lookupPath(code, secret), nil)
	p := requireProblem(t, r, http.StatusTooManyRequests)
	assert.Equal(t, "urn:motcua:problem:too-many-requests", p["type"])
	assert.Equal(t, "60", r.header.Get("Retry-After"), "one failed lookup a minute")
	page := d.public("GET", "/tra-cuu?ma="+code+"&secret="+secret, nil)
	assert.Equal(t, http.StatusTooManyRequests, page.status)
	assert.Equal(t, "60", page.header.Get("Retry-After"))
	checkPage(t, page)
	assert.NotContains(t, page.String(), "Phan")

	// A minute later, one more try.
	d.clock.Set(monday0900.Add(time.Minute))
	assert.Equal(t, http.StatusOK, d.public("GET", lookupPath(code, secret), nil).status)
}

func TestLookupAndRatingBursts(t *testing.T) {
	t.Parallel()
	d := limitedDesk(t, defaultLimits)
	code, secret := d.receiveWithSecret(anIntake("Phan Văn Khải"))
	for i := range defaultLimits.Lookup.Burst {
		require.Equal(t, http.StatusOK, d.public("GET", lookupPath(code, secret), nil).status, "lookup %d", i)
	}
	r := d.public("GET", lookupPath(code, secret), nil)
	requireProblem(t, r, http.StatusTooManyRequests)
	assert.Equal(t, "2", r.header.Get("Retry-After"))

	rate := "/api/v1/public/dossiers/" + code + "/rating?secret=" + secret
	for range defaultLimits.Rating.Burst {
		requireProblem(t, d.public("POST", rate, map[string]any{"level": 1}), http.StatusConflict) // not ready
	}
	r = d.public("POST", rate, map[string]any{"level": 1})
	requireProblem(t, r, http.StatusTooManyRequests)
	assert.Equal(t, "300", r.header.Get("Retry-After"))
}

// TestClientAddress: the client is the connection's address unless that is
// a trusted proxy; then the last hop of X-Forwarded-For, else X-Real-IP.
// IPv6 addresses count by their /64.
func TestClientAddress(t *testing.T) {
	t.Parallel()
	trusted, err := parseTrusted("10.0.0.0/8, 192.0.2.7")
	require.NoError(t, err)
	l := newLimiter(defaultLimits, trusted)
	tests := []struct {
		name, remote string
		header       map[string]string
		want         string
	}{
		{"direct", "203.0.113.9:5555", nil, "203.0.113.9"},
		{"untrusted forwarder", "203.0.113.9:5555", map[string]string{"X-Forwarded-For": "198.51.100.1"}, "203.0.113.9"},
		{"trusted, last hop", "10.1.2.3:80", map[string]string{"X-Forwarded-For": "1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		{"trusted single", "192.0.2.7:80", map[string]string{"X-Forwarded-For": "198.51.100.2"}, "198.51.100.2"},
		{"trusted, real ip", "10.1.2.3:80", map[string]string{"X-Real-IP": "198.51.100.3"}, "198.51.100.3"},
		{"trusted, garbage", "10.1.2.3:80", map[string]string{"X-Forwarded-For": "unknown"}, "10.1.2.3"},
		{"trusted, nothing", "10.1.2.3:80", nil, "10.1.2.3"},
		{"ipv6 by /64", "[2001:db8:1:2:3:4:5:6]:443", nil, "2001:db8:1:2::/64"},
		{"ipv4 in ipv6", "[::ffff:203.0.113.9]:443", nil, "203.0.113.9"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		for k, v := range tt.header {
			r.Header.Set(k, v)
		}
		assert.Equal(t, tt.want, l.clientKey(r), tt.name)
	}
	_, err = parseTrusted("proxy.internal")
	assert.Error(t, err)
	p, err := parseTrusted("")
	assert.NoError(t, err)
	assert.Empty(t, p)
}

// TestLimiterMemory: the limiter forgets addresses once their buckets have
// refilled, and never keeps more than its cap. It is not parallel: it
// measures the process's heap, which the parallel tests' sign-ins (64 MiB
// of argon2id each) would swell.
func TestLimiterMemory(t *testing.T) {
	l := newLimiter(defaultLimits, nil)
	l.max = 1000
	now := monday0900
	req := func(i int) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String() + ":1"
		return r
	}
	for i := range 5000 {
		l.allow(req(i), lookupRequest, now)
	}
	assert.Equal(t, 1000, l.size(), "capped")
	// The most recent are kept: the one just seen is still limited.
	c := l.client(l.clientKey(req(4999)), now)
	assert.Less(t, c.lookup.TokensAt(now), float64(defaultLimits.Lookup.Burst))

	// Idle past the refill time, they are forgotten.
	later := now.Add(l.idle)
	l.allow(req(0), lookupRequest, later)
	assert.Equal(t, 1, l.size())

	var before, after runtime.MemStats
	big := newLimiter(defaultLimits, nil)
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range maxClients {
		big.allow(req(i), lookupRequest, now)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := (after.HeapAlloc - before.HeapAlloc) / maxClients
	t.Logf("%d clients: %d bytes each, %d KiB in all", big.size(), per, (after.HeapAlloc-before.HeapAlloc)/1024)
	assert.Less(t, per, uint64(1024))
	runtime.KeepAlive(big)
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{time.Second: "1", 1500 * time.Millisecond: "2", time.Minute: "60"} {
		assert.Equal(t, want, retryAfter(d), strconv.Itoa(int(d)))
	}
}

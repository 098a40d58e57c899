package main

import (
	"container/list"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// A limit is a token bucket: Burst requests at once, then one every Every.
type limit struct {
	Every time.Duration
	Burst int
}

// limits are the public routes' limits per client address.
type limits struct {
	// Lookup counts every lookup of a dossier (the API's and the page's).
	Lookup limit
	// Failed counts lookups and ratings that named no dossier: an unknown
	// code, or a code with a wrong or missing secret. Once it is spent,
	// every lookup and rating from the address waits, the right ones too,
	// so that guessing is as slow as this limit.
	Failed limit
	// Rating counts every rating sent.
	Rating limit
}

// defaultLimits are the documented limits (doc.go): a citizen looks a
// dossier up a few times and rates it once; a desk's kiosk behind one
// address serves many. 30 lookups at once then one every 2 s (30 a
// minute); 10 failed lookups at once then one a minute; 5 ratings at once
// then one every 5 minutes.
var defaultLimits = limits{
	Lookup: limit{Every: 2 * time.Second, Burst: 30},
	Failed: limit{Every: time.Minute, Burst: 10},
	Rating: limit{Every: 5 * time.Minute, Burst: 5},
}

// Bounds of the limiter's memory.
const (
	// maxClients is how many addresses the limiter remembers; past it, the
	// one seen longest ago is forgotten. Each takes about 400 bytes.
	maxClients = 65536
)

// A client is the limiter's state for one address.
type client struct {
	key                    string
	lookup, failed, rating *rate.Limiter
	seen                   time.Time
	elem                   *list.Element
}

// A limiter keeps the public routes' token buckets per client address, in
// bounded memory: an address whose buckets have all refilled is forgotten
// (it is then no different from a new one), and at most maxClients are
// kept. It is safe for concurrent use.
type limiter struct {
	lim     limits
	idle    time.Duration // the time every bucket takes to refill
	max     int
	trusted []netip.Prefix // proxies whose forwarding headers are believed

	mu      sync.Mutex
	clients map[string]*client
	lru     list.List // front: seen last
}

func newLimiter(lim limits, trusted []netip.Prefix) *limiter {
	idle := time.Duration(0)
	for _, l := range []limit{lim.Lookup, lim.Failed, lim.Rating} {
		idle = max(idle, l.Every*time.Duration(l.Burst))
	}
	return &limiter{lim: lim, idle: idle, max: maxClients, trusted: trusted, clients: map[string]*client{}}
}

func bucket(l limit) *rate.Limiter {
	if l.Every <= 0 {
		return rate.NewLimiter(rate.Inf, 0)
	}
	return rate.NewLimiter(rate.Every(l.Every), l.Burst)
}

// client returns the state of the address key, seen at now, forgetting the
// addresses idle long enough to have refilled.
func (l *limiter) client(key string, now time.Time) *client {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.clients[key]
	if ok {
		l.lru.MoveToFront(c.elem)
	}
	for e := l.lru.Back(); e != nil && (!ok || e != c.elem); e = l.lru.Back() {
		old := e.Value.(*client)
		if now.Sub(old.seen) < l.idle && (ok || l.lru.Len() < l.max) {
			break
		}
		l.lru.Remove(e)
		delete(l.clients, old.key)
	}
	if !ok {
		c = &client{key: key, lookup: bucket(l.lim.Lookup), failed: bucket(l.lim.Failed), rating: bucket(l.lim.Rating)}
		c.elem = l.lru.PushFront(c)
		l.clients[key] = c
	}
	c.seen = now
	return c
}

// size is how many addresses the limiter remembers.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// A kind of public request, for the limiter.
type kind uint8

const (
	lookupRequest kind = iota
	ratingRequestKind
)

// allow takes a token for a request of kind k from the client of r, and
// reports how long to wait when there is none: a lookup or rating waits
// too while the client's failed lookups are spent.
func (l *limiter) allow(r *http.Request, k kind, now time.Time) (time.Duration, bool) {
	c := l.client(l.clientKey(r), now)
	if wait := tokenWait(c.failed, now); wait > 0 {
		return wait, false
	}
	b := c.lookup
	if k == ratingRequestKind {
		b = c.rating
	}
	if !b.AllowN(now, 1) {
		return tokenWait(b, now), false
	}
	return 0, true
}

// failed counts a lookup or rating that named no dossier.
func (l *limiter) failed(r *http.Request, now time.Time) {
	c := l.client(l.clientKey(r), now)
	c.failed.AllowN(now, 1)
}

// tokenWait is how long until b has a token, without taking it.
func tokenWait(b *rate.Limiter, now time.Time) time.Duration {
	if b.TokensAt(now) >= 1 {
		return 0
	}
	res := b.ReserveN(now, 1)
	defer res.CancelAt(now)
	if !res.OK() {
		return time.Hour
	}
	return max(res.DelayFrom(now), time.Second)
}

// retryAfter writes a wait as the seconds of a Retry-After header, rounded
// up.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(int(math.Ceil(d.Seconds())))
}

// clientKey is the address a request's limits are kept under: the remote
// address, or, when that is a trusted proxy, the client it names (the last
// hop of X-Forwarded-For, the one the proxy added, else X-Real-IP). An IPv6
// address counts by its /64, which one subscriber usually holds whole.
func (l *limiter) clientKey(r *http.Request) string {
	ip := remoteIP(r.RemoteAddr)
	if ip.IsValid() && l.trustedProxy(ip) {
		if fwd, ok := forwarded(r.Header); ok {
			ip = fwd
		}
	}
	if !ip.IsValid() {
		return r.RemoteAddr
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

func remoteIP(addr string) netip.Addr {
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		return ap.Addr()
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip, _ := netip.ParseAddr(host)
	return ip
}

func (l *limiter) trustedProxy(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range l.trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// forwarded reads the client's address that a proxy forwarded: the last
// entry of the last X-Forwarded-For header, else X-Real-IP.
func forwarded(h http.Header) (netip.Addr, bool) {
	if v := h.Values("X-Forwarded-For"); len(v) > 0 {
		last := v[len(v)-1]
		if i := strings.LastIndexByte(last, ','); i >= 0 {
			last = last[i+1:]
		}
		if ip, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
			return ip, true
		}
		return netip.Addr{}, false
	}
	if ip, err := netip.ParseAddr(strings.TrimSpace(h.Get("X-Real-IP"))); err == nil {
		return ip, true
	}
	return netip.Addr{}, false
}

// parseTrusted reads the -trusted-proxy flag: addresses or CIDR prefixes
// separated by commas.
func parseTrusted(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("-trusted-proxy %q is not an address or a CIDR prefix", f)
		}
		ip = ip.Unmap()
		out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
	}
	return out, nil
}

// errTooMany is the problem of a client past a limit.
var errTooMany = &problem{
	Type: problemType("too-many-requests"), Title: "Quá nhiều yêu cầu", Status: http.StatusTooManyRequests,
	Detail: "Địa chỉ của ông/bà đã gửi quá nhiều yêu cầu tra cứu hoặc đánh giá. Xin thử lại sau thời gian ghi trong tiêu đề Retry-After.",
}

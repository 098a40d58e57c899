package main

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Connection limits of the HTTP server.
const (
	// defaultMaxConns caps the connections open at once: well under the
	// descriptors a process gets (Go raises the soft limit to the hard one,
	// often 1,048,576; 1,024 where it is not raised), leaving room for the
	// database and the files.
	defaultMaxConns = 900
	// idleTimeout closes a keep-alive connection that has carried no request
	// for that long: browsers reopen one in a round trip, and an idle
	// connection holds a descriptor.
	idleTimeout = 15 * time.Second
)

// A connLimiter is a listener that keeps at most max connections open. At
// the cap, a new connection closes the one idle longest (a keep-alive
// connection between requests, or one that has sent nothing yet) to take
// its place; if every connection is busy with a request, the new one is
// closed at once. So idle connections, however many a client opens, never
// keep a request such as /healthz from being answered, and descriptors are
// never exhausted. Its ConnState method must be the http.Server's.
type connLimiter struct {
	net.Listener
	max int

	mu    sync.Mutex
	conns map[*limitedConn]struct{}
}

func limitConns(ln net.Listener, max int) *connLimiter {
	return &connLimiter{Listener: ln, max: max, conns: map[*limitedConn]struct{}{}}
}

// A limitedConn is a connection the limiter counts, with its HTTP state.
type limitedConn struct {
	net.Conn
	l     *connLimiter
	state http.ConnState
	since time.Time // when it entered the state
	once  sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
	})
	return err
}

func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		nc, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		c := &limitedConn{Conn: nc, l: l, state: http.StateNew, since: time.Now()}
		l.mu.Lock()
		var victim *limitedConn
		if len(l.conns) >= l.max {
			victim = l.idlest()
		}
		full := len(l.conns) >= l.max && victim == nil
		if !full {
			l.conns[c] = struct{}{}
		}
		l.mu.Unlock()
		if victim != nil {
			victim.Close()
		}
		if full {
			nc.Close() // every connection is busy: this one waits its turn at the client
			continue
		}
		return c, nil
	}
}

// idlest returns the connection idle longest: between requests, or not
// yet sent a request. l.mu is held.
func (l *connLimiter) idlest() *limitedConn {
	var best *limitedConn
	for c := range l.conns {
		if c.state != http.StateIdle && c.state != http.StateNew {
			continue
		}
		if best == nil || c.since.Before(best.since) {
			best = c
		}
	}
	return best
}

// ConnState follows each connection's state, for idlest.
func (l *connLimiter) ConnState(nc net.Conn, st http.ConnState) {
	c, ok := nc.(*limitedConn)
	if !ok {
		return
	}
	l.mu.Lock()
	c.state, c.since = st, time.Now()
	l.mu.Unlock()
}

// open is how many connections are open.
func (l *connLimiter) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

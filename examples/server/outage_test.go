package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A tcpProxy forwards loopback connections to a server, and can cut them
// all, as an outage of the database's network would.
type tcpProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	down   bool
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &tcpProxy{ln: ln, target: target}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			down := p.down
			p.mu.Unlock()
			if down {
				c.Close()
				continue
			}
			u, err := net.DialTimeout("tcp", target, 5*time.Second)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(u, c); u.Close() }()
			go func() { _, _ = io.Copy(c, u); c.Close() }()
		}
	}()
	t.Cleanup(func() { ln.Close(); p.cut() })
	return p
}

// cut closes every connection, and refuses new ones until restore.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *tcpProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// TestPostgresOutage runs the server on PostgreSQL through a proxy, cuts the
// proxy, and checks that writes, reads and /healthz answer 503 with
// Retry-After rather than 500, and that the server recovers when the
// database is back.
func TestPostgresOutage(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv("MOTCUA_TEST_POSTGRES")
	if dsn == "" {
		postgresBackend(t) // skips, or fails when PostgreSQL is required
		return
	}
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	proxy := newTCPProxy(t, u.Host)

	// The schema of postgresBackend, reached through the proxy.
	direct := postgresBackend(t)
	schema := ""
	require.NoError(t, direct.(sqlBackend).DB().QueryRowContext(context.Background(), "SELECT current_schema()").Scan(&schema))
	u.Host = proxy.ln.Addr().String()
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()
	b, err := openBackend(context.Background(), u.String())
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	d := newDeskOn(t, b)
	code, secret := d.receiveWithSecret(anIntake("Nguyễn Văn An"))
	require.Equal(t, http.StatusOK, d.public("GET", "/healthz", nil).status)

	proxy.cut()
	time.Sleep(probeEvery) // past the last health probe
	for _, r := range []reply{
		d.officer("POST", "/api/v1/dossiers", anIntake("Trần Thị Bình")),
		d.officer("POST", "/api/v1/dossiers/"+code+"/resolve", nil),
		d.public("GET", lookupPath(code, secret), nil),
		d.public("GET", "/healthz", nil),
	} {
		requireProblem(t, r, http.StatusServiceUnavailable)
		assert.NotEmpty(t, r.header.Get("Retry-After"), "%s", r.body)
	}

	proxy.restore()
	require.Eventually(t, func() bool {
		return d.officer("POST", "/api/v1/dossiers/"+code+"/resolve", nil).status == http.StatusOK
	}, 20*time.Second, 200*time.Millisecond, "the server recovers when the database is back")
	time.Sleep(probeEvery)
	assert.Equal(t, http.StatusOK, d.public("GET", "/healthz", nil).status)
}

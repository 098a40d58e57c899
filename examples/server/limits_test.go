package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runServer runs the server in the process with args, on a free loopback
// port, and returns its address; it stops when the test ends.
func runServer(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), env(map[string]string{"MOTCUA_OFFICER_TOKEN": testToken}), &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(40 * time.Second):
			t.Error("the server did not stop")
		}
	})
	var addr string
	require.Eventually(t, func() bool {
		for line := range strings.Lines(stderr.String()) {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				addr = rec.Addr
			}
		}
		return addr != ""
	}, 20*time.Second, 10*time.Millisecond, "%s", &stderr)
	return addr
}

// TestIdleConnectionsCapped opens three times as many idle keep-alive
// connections as -max-conns allows (loopback only, bounded), and checks
// that /healthz still answers at once on a new one, and that the server
// keeps no more connections than the cap.
func TestIdleConnectionsCapped(t *testing.T) {
	t.Parallel()
	const capConns = 40
	addr := runServer(t, "-db", "memory", "-max-conns", fmt.Sprint(capConns))

	var idle []net.Conn
	t.Cleanup(func() {
		for _, c := range idle {
			c.Close()
		}
	})
	for range 3 * capConns {
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		require.NoError(t, err)
		idle = append(idle, c)
		// One request, then the connection stays open, idle.
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		_, err = fmt.Fprintf(c, "GET /api/v1/procedures HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil {
			resp.Body.Close()
		}
	}

	// Without the cap, the connection is refused or never answered: the
	// client's timeout is the test's only clock.
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	resp, err := client.Get("http://" + addr + "/healthz")
	require.NoError(t, err, "/healthz must answer with %d idle connections open", len(idle))
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	t.Logf("/healthz answered in %v with %d idle connections opened against a cap of %d", time.Since(start), len(idle), capConns)

	// The oldest idle connections were closed by the server.
	closed := 0
	for _, c := range idle[:capConns] {
		_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err != nil && !isTimeout(err) {
			closed++
		}
	}
	assert.Equal(t, capConns, closed, "the first connections, idle longest, were closed to make room")
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

func TestConnLimiterWithoutIdle(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	l := limitConns(ln, 2)
	defer l.Close()
	accepted := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			l.ConnState(c, http.StateActive) // busy: not a victim
			accepted <- c
		}
	}()
	var clients []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		clients = append(clients, c)
	}
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	<-accepted
	<-accepted
	// The third is closed by the server: every slot is busy.
	_ = clients[2].SetReadDeadline(time.Now().Add(2 * time.Second))
	_, err = clients[2].Read(make([]byte, 1))
	require.Error(t, err)
	assert.False(t, isTimeout(err), "closed rather than left waiting")
	assert.Equal(t, 2, l.open())
}

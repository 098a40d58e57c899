package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A process is the server binary running in a test.
type process struct {
	bin, dsn string // what it runs, on what
	cmd      *exec.Cmd
	addr     string
	stderr   *syncBuffer
	done     chan error
}

// buildServer builds the command into dir, with the race detector if the
// test has it, so that the build shares the test's compiled packages.
func buildServer(t *testing.T, dir string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the server with")
	}
	bin := filepath.Join(dir, "motcua-server")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	out, err := exec.Command(gobin, append(args, ".")...).CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// start runs the server on a free port of the loopback interface with the
// database dsn and the flags, and waits until it listens.
func start(t *testing.T, bin, dsn string, flags ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0", "-db", dsn}, flags...)...)
	cmd.Env = environWithout("MOTCUA_OFFICER_TOKEN")
	pipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p := &process{bin: bin, dsn: dsn, cmd: cmd, stderr: &syncBuffer{}, done: make(chan error, 1)}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Bytes()
			p.stderr.Write(append(line, '\n'))
			var rec struct{ Msg, Addr string }
			if json.Unmarshal(line, &rec) == nil && rec.Msg == "listening" {
				listening <- rec.Addr
			}
		}
		_, _ = io.Copy(io.Discard, pipe)
		p.done <- cmd.Wait()
	}()
	select {
	case p.addr = <-listening:
	case err := <-p.done:
		t.Fatalf("the server exited before listening: %v\n%s", err, p.stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("the server did not listen within 30 s\n%s", p.stderr)
	}
	return p
}

// stop sends sig and waits for a clean exit.
func (p *process) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(sig))
	select {
	case err := <-p.done:
		require.NoError(t, err, "exit after %v\n%s", sig, p.stderr)
	case <-time.After(40 * time.Second):
		t.Fatalf("the server did not stop within 40 s of %v\n%s", sig, p.stderr)
	}
}

// TestSIGTERM runs the real binary on SQLite, sends SIGTERM while 8 clients
// are receiving dossiers, and checks after a restart that every dossier
// whose receipt was acknowledged (201) is there, and that the server
// finished its requests before it closed the store.
func TestSIGTERM(t *testing.T) {
	t.Parallel()
	c, srv := startWithOfficer(t)
	bin, dsn, token, base := srv.bin, srv.dsn, c.token, c.base

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	body, _ := json.Marshal(anIntake("Hoàng Văn Thụ"))
	for range 8 {
		wg.Go(func() {
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/dossiers", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					if strings.Contains(err.Error(), "connection refused") {
						return // the server is gone
					}
					continue // a connection closed as the server shut down: not acknowledged
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					continue
				}
				var got struct{ Code string }
				if json.Unmarshal(b, &got) == nil && got.Code != "" {
					mu.Lock()
					acked = append(acked, got.Code)
					mu.Unlock()
				}
			}
		})
	}
	// Let traffic flow, then stop the server in the middle of it.
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 100 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	srv.stop(t, syscall.SIGTERM)
	cancel()
	wg.Wait()
	require.NotEmpty(t, acked)

	logs := srv.stderr.String()
	stopped := strings.Index(logs, `"msg":"server stopped"`)
	closed := strings.Index(logs, `"msg":"store closed"`)
	require.True(t, stopped >= 0 && closed > stopped, "the store must close after the server stops:\n%s", logs)

	// Restart on the same file: every acknowledged dossier is there.
	srv = start(t, bin, dsn)
	base = "http://" + srv.addr
	for _, code := range acked {
		req, _ := http.NewRequest("GET", base+"/api/v1/dossiers/"+code, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "acknowledged dossier %s lost", code)
	}
	// The codes go on from where they stopped.
	req, _ := http.NewRequest("POST", base+"/api/v1/dossiers", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	srv.stop(t, os.Interrupt)
	t.Logf("%d dossiers acknowledged before SIGTERM", len(acked))
}

package sqlstore_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/procedure"
)

// crashEnv names the database a child process of TestSQLiteSurvivesKill
// writes to; set, the test binary is that child.
const crashEnv = "MOTCUA_SQLSTORE_CRASH_DB"

// A district desk's process dies at any moment (power, OOM killer, kill -9):
// every dossier it acknowledged, with every event acknowledged, is in the
// file when it comes back, and the file is sound.
func TestSQLiteSurvivesKill(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(t, path)
		return
	}
	if testing.Short() {
		t.Skip("starts five processes")
	}
	t.Parallel()
	for run := range 5 {
		t.Run(fmt.Sprint(run), func(t *testing.T) {
			dsn := sqliteDSN(t)
			open(t, dsn).Close()
			// acked maps each code the child printed to the number of events
			// it had when the write returned.
			acked := map[string]int{}
			s := killChild(t, "TestSQLiteSurvivesKill", crashEnv, dsn, 400*time.Millisecond, func(line string) { record(t, acked, line) })
			for code, events := range acked {
				c, err := dossier.ParseCode(code)
				require.NoError(t, err)
				d, err := s.Get(context.Background(), c)
				if !assert.NoError(t, err, "acknowledged dossier %s", code) {
					continue
				}
				assert.GreaterOrEqual(t, len(d.Events), events, "events of %s", code)
				assert.Equal(t, dossier.KindReceive, d.Events[0].Kind)
			}
			t.Logf("%d dossiers acknowledged before the kill", len(acked))
		})
	}
}

// killChild runs the test named test in a child process, with env naming
// the database dsn, and hands each whole line the child prints to record
// (a line the kill cut was never acknowledged). It kills the child with
// SIGKILL at a random moment within the given time after its first line,
// and returns the Store on dsn once it has checked that the file is sound.
func killChild(t *testing.T, test, env, dsn string, within time.Duration, record func(line string)) *sqlstore.Store {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"="+dsn)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	lines := make(chan string)
	go func() {
		defer close(lines)
		r := bufio.NewReader(out)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			lines <- strings.TrimSuffix(line, "\n")
		}
	}()
	first, ok := <-lines
	require.True(t, ok, "the child printed nothing")
	record(first)
	kill := time.After(time.Duration(rand.Int64N(int64(within))))
read:
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				break read
			}
			record(line)
		case <-kill:
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			kill = nil
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the child was killed")
	assert.Equal(t, syscall.SIGKILL, exit.Sys().(syscall.WaitStatus).Signal())

	s := open(t, dsn)
	var check string
	require.NoError(t, s.DB().QueryRow(`PRAGMA integrity_check`).Scan(&check))
	assert.Equal(t, "ok", check)
	return s
}

// record reads a line "stored CODE EVENTS" of the child.
func record(t *testing.T, acked map[string]int, line string) {
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != "stored" {
		return // the test framework's own output
	}
	n, err := strconv.Atoi(f[2])
	require.NoError(t, err, line)
	acked[f[1]] = max(acked[f[1]], n)
}

// crashChild receives dossiers at four desks at once until it is killed,
// so that the store commits them in groups, printing each code, with its
// number of events, once the store has acknowledged it. Every other
// dossier is then moved on to a step, an Append of an event.
func crashChild(t *testing.T, dsn string) {
	s := open(t, dsn)
	svc, err := dossier.NewService(dossier.Config{Store: s, Catalog: catalog(t), Agency: agency})
	require.NoError(t, err)
	ctx := context.Background()
	var mu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	print := func(d *dossier.Dossier) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "stored %s %d\n", d.Code, len(d.Events))
		w.Flush()
	}
	// A deadline, in case the parent dies before it kills.
	end := time.Now().Add(time.Minute)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for time.Now().Before(end) {
				d, err := svc.Receive(ctx, dossier.Intake{Procedure: "1.001193", Channel: procedure.Direct,
					Applicant: dossier.Applicant{Name: "Lê Văn Cường"}, Actor: "một cửa"})
				if err != nil {
					t.Error(err)
					return
				}
				print(d)
				if d.Code.Seq%2 == 0 {
					if d, err = svc.Transfer(ctx, d.Code, "một cửa", "Phòng Tư pháp"); err != nil {
						t.Error(err)
						return
					}
					print(d)
				}
			}
		})
	}
	wg.Wait()
	io.WriteString(os.Stderr, "crash child: never killed\n")
	os.Exit(3)
}

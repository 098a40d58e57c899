// Command loadtest measures a running examples/server: how many dossiers it
// receives per second, with their latency, and how many public lookups it
// answers per second, each with a number of concurrent clients.
//
// Start the server on a fresh SQLite file, give a one-stop officer a token,
// then run the load against it:
//
//	go run ./examples/server -db sqlite:/tmp/load.db 2>/dev/null &
//	go run ./examples/server officer add -db sqlite:/tmp/load.db -username load -name "Cán bộ thử tải" -roles one-stop
//	MOTCUA_OFFICER_TOKEN=$(go run ./examples/server officer token -db sqlite:/tmp/load.db -username load) \
//	  go run ./examples/server/loadtest -url http://127.0.0.1:8080
//
// It prints one line per phase:
//
//	receipts: 5000 in 3.2s = 1562/s; latency p50 9.1ms p99 31.0ms max 48.2ms; 0 errors
//	lookups: 200000 in 15.1s = 13245/s; latency p50 1.0ms p99 4.1ms max 21.3ms; 0 errors
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type options struct {
	url, token, procedure string
	clients               int
	receipts, lookups     int
}

func run(args []string, getenv func(string) string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "the server's base URL")
	fs.StringVar(&o.token, "token", getenv("MOTCUA_OFFICER_TOKEN"), "a one-stop officer's API token (defaults to $MOTCUA_OFFICER_TOKEN)")
	fs.StringVar(&o.procedure, "procedure", "1.001612", "the procedure of the dossiers received")
	fs.IntVar(&o.clients, "clients", 16, "concurrent clients")
	fs.IntVar(&o.receipts, "receipts", 5000, "dossiers to receive")
	fs.IntVar(&o.lookups, "lookups", 100000, "public lookups to make")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.token == "" {
		return errors.New("no officer token: set MOTCUA_OFFICER_TOKEN or -token")
	}
	if o.clients < 1 || o.receipts < 1 || o.lookups < 0 {
		return errors.New("-clients and -receipts must be positive, -lookups not negative")
	}
	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConns: o.clients, MaxIdleConnsPerHost: o.clients, DisableCompression: true},
	}
	ctx := context.Background()

	codes := make([]string, o.receipts)
	rec := phase(o.clients, o.receipts, func(i int) error {
		body, _ := json.Marshal(map[string]any{
			"procedure": o.procedure,
			"applicant": map[string]string{"name": fmt.Sprintf("Nguyễn Văn Thử %d", i), "idNumber": "001099012345", "phone": "0912345678"},
			"channel":   "direct",
		})
		req, err := http.NewRequestWithContext(ctx, "POST", o.url+"/api/v1/dossiers", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+o.token)
		b, err := do(client, req, http.StatusCreated)
		if err != nil {
			return err
		}
		var got struct{ Code string }
		if err := json.Unmarshal(b, &got); err != nil || got.Code == "" {
			return fmt.Errorf("no code in %s", b)
		}
		codes[i] = got.Code
		return nil
	})
	fmt.Fprintln(out, rec.line("receipts"))
	if rec.errors > 0 {
		fmt.Fprintln(out, "first error:", rec.first)
	}
	codes = slices.DeleteFunc(codes, func(c string) bool { return c == "" })
	if len(codes) == 0 || o.lookups == 0 {
		return rec.err()
	}

	look := phase(o.clients, o.lookups, func(i int) error {
		req, err := http.NewRequestWithContext(ctx, "GET", o.url+"/api/v1/public/dossiers/"+codes[i%len(codes)], nil)
		if err != nil {
			return err
		}
		_, err = do(client, req, http.StatusOK)
		return err
	})
	fmt.Fprintln(out, look.line("lookups"))
	if look.errors > 0 {
		fmt.Fprintln(out, "first error:", look.first)
	}
	return errors.Join(rec.err(), look.err())
}

// do sends req and reads the whole answer, which must have the status want.
func do(client *http.Client, req *http.Request, want int) ([]byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, bytes.TrimSpace(b))
	}
	return b, nil
}

// A result is what a phase measured.
type result struct {
	n       int
	elapsed time.Duration
	lat     []time.Duration // sorted
	errors  int
	first   error
}

// phase runs n calls of f on the given number of concurrent clients and
// measures each.
func phase(clients, n int, f func(i int) error) result {
	var (
		next  atomic.Int64
		mu    sync.Mutex
		res   = result{n: n, lat: make([]time.Duration, 0, n)}
		wg    sync.WaitGroup
		start = time.Now()
	)
	for range clients {
		wg.Go(func() {
			lat := make([]time.Duration, 0, n/clients+1)
			var errs int
			var first error
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					break
				}
				t0 := time.Now()
				if err := f(i); err != nil {
					errs++
					if first == nil {
						first = err
					}
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.errors += errs
			if res.first == nil {
				res.first = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.lat)
	return res
}

func (r result) quantile(q float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(q*float64(len(r.lat))+0.5) - 1
	return r.lat[max(0, min(i, len(r.lat)-1))]
}

func (r result) line(name string) string {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
	ok := len(r.lat)
	return fmt.Sprintf("%s: %d in %.1fs = %.0f/s; latency p50 %s p99 %s max %s; %d errors",
		name, ok, r.elapsed.Seconds(), float64(ok)/r.elapsed.Seconds(),
		ms(r.quantile(0.50)), ms(r.quantile(0.99)), ms(r.quantile(1)), r.errors)
}

func (r result) err() error {
	if r.errors == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d requests failed; the first: %w", r.errors, r.n, r.first)
}

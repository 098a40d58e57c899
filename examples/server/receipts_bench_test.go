package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/motcua/motcua/dossier/sqlstore"
)

// BenchmarkReceipts measures receipts on SQLite with 16 clients at once
// over loopback, side by side with a baseline: a minimal server that
// decodes the same request and inserts one row per request into SQLite
// with the same settings (WAL, synchronous=FULL), one transaction and one
// sync each. Compare their receipts/s within one run: the desk's target is
// at least 1.5 times the baseline, which group commit makes possible.
func BenchmarkReceipts(b *testing.B) {
	body, err := json.Marshal(anIntake("Nguyễn Văn An"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("server", func(b *testing.B) {
		d := newDesk(b)
		d.srv.log = discardLogger()
		hammer(b, d.http.URL+"/api/v1/dossiers", body, http.StatusCreated)
	})
	b.Run("one-row-baseline", func(b *testing.B) {
		ctx := context.Background()
		st, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "baseline.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		db := st.DB()
		if _, err := db.ExecContext(ctx, `CREATE TABLE receipts (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var in map[string]any
			raw, err := io.ReadAll(r.Body)
			if err == nil {
				err = json.Unmarshal(raw, &in)
			}
			if err == nil {
				_, err = db.ExecContext(r.Context(), `INSERT INTO receipts (body) VALUES ($1)`, string(raw))
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusCreated)
		}))
		defer srv.Close()
		hammer(b, srv.URL, body, http.StatusCreated)
	})
}

// hammer posts body to url b.N times from 16 clients at once, and reports
// receipts/s.
func hammer(b *testing.B, url string, body []byte, want int) {
	const clients = 16
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range clients {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				req, err := http.NewRequest("POST", url, bytes.NewReader(body))
				if err != nil {
					b.Error(err)
					return
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+testToken)
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					b.Errorf("status %d, want %d", resp.StatusCode, want)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "receipts/s")
}

package portal_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/motcua/motcua/dossier/portal"
)

// BenchmarkSyncer measures delivery from a memstore: each round, 200
// dossiers with 1 to 7 events each (about 800 changes) are delivered by
// Drain, in process or over HTTP to a local fake portal that decodes the
// JSON.
func BenchmarkSyncer(b *testing.B) {
	fakePortal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var batch []portal.Change
		if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	}))
	defer fakePortal.Close()
	overHTTP, err := portal.NewHTTPSender(portal.HTTPConfig{URL: fakePortal.URL, Token: "token"})
	if err != nil {
		b.Fatal(err)
	}
	inProcess := portal.SenderFunc(func(_ context.Context, batch []portal.Change) error {
		return json.NewEncoder(io.Discard).Encode(batch)
	})
	for _, bb := range []struct {
		name   string
		sender portal.Sender
	}{{"in-process", inProcess}, {"http", overHTTP}} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			var changes int
			var spent time.Duration
			seed := uint64(0)
			for b.Loop() {
				b.StopTimer()
				d := newDesk(b)
				seed++
				for _, ks := range busy(b, d, 200, seed) {
					changes += len(ks)
				}
				s := newSyncer(b, d, bb.sender, func(c *portal.Config) { c.BatchSize = 100 })
				b.StartTimer()
				start := time.Now()
				if err := s.Drain(context.Background()); err != nil {
					b.Fatal(err)
				}
				spent += time.Since(start)
			}
			b.ReportMetric(float64(changes)/spent.Seconds(), "changes/s")
		})
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
)

// TestLoad: 16 officers at once receive 5,000 dossiers over HTTP and walk
// every third one to "returned". No request fails, no code is issued twice,
// and afterwards a fresh store on the same SQLite file holds every dossier
// with every event.
//
// The race detector slows the pure-Go SQLite down about sevenfold, so under
// it the test receives 1,000 dossiers, enough for the detector to see every
// path run concurrently; without it, the whole 5,000.
func TestLoad(t *testing.T) {
	const clients = 16
	dossiers := 5000
	if raceEnabled || testing.Short() {
		dossiers = 1000
	}
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "load.db")
	b, err := openBackend(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, b.Close()) })
	d := newDeskOn(t, b)

	transport := &http.Transport{MaxIdleConnsPerHost: clients}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	post := func(path string, body []byte) (map[string]any, error) {
		req, err := http.NewRequest("POST", d.http.URL+path, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+testToken)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
			return nil, fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, b)
		}
		var v map[string]any
		return v, json.Unmarshal(b, &v)
	}

	var (
		next   atomic.Int64
		mu     sync.Mutex
		codes  = map[string]bool{}
		walked = map[string]bool{}
		errs   []error
		wg     sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= dossiers {
					return
				}
				body, _ := json.Marshal(anIntake(fmt.Sprintf("Nguyễn Văn %d", i)))
				got, err := post("/api/v1/dossiers", body)
				if err != nil {
					fail(err)
					continue
				}
				code, _ := got["code"].(string)
				mu.Lock()
				dup := codes[code]
				codes[code] = true
				mu.Unlock()
				if dup {
					fail(fmt.Errorf("code %s issued twice", code))
				}
				if i%3 != 0 {
					continue
				}
				for _, step := range []struct {
					action string
					body   []byte
				}{
					{"transfer", []byte(`{"to":"Phòng Kinh tế"}`)},
					{"resolve", nil},
					{"return", nil},
				} {
					if _, err := post("/api/v1/dossiers/"+code+"/"+step.action, step.body); err != nil {
						fail(err)
						break
					}
				}
				mu.Lock()
				walked[code] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Empty(t, errs, "first errors: %v", errs[:min(len(errs), 5)])
	require.Len(t, codes, dossiers)
	require.Len(t, walked, (dossiers+2)/3)

	// Read everything back through a second store on the same file.
	b2, err := openBackend(context.Background(), dsn)
	require.NoError(t, err)
	defer b2.Close()
	stored, events := 0, 0
	for dos, err := range b2.List(context.Background(), dossier.Filter{}) {
		require.NoError(t, err)
		code := dos.Code.String()
		require.True(t, codes[code], "unknown dossier %s", code)
		stored++
		events += len(dos.Events)
		if walked[code] {
			assert.Equal(t, dossier.Returned, dos.Status(), code)
			assert.Len(t, dos.Events, 4, code)
		} else {
			assert.Equal(t, dossier.Received, dos.Status(), code)
			assert.Len(t, dos.Events, 1, code)
		}
	}
	assert.Equal(t, dossiers, stored)
	assert.Equal(t, dossiers+3*len(walked), events)
}

package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/motcua/motcua/dossier"
)

// BenchmarkStoreGet reads one dossier from SQLite, the store's part of a
// public lookup.
func BenchmarkStoreGet(b *testing.B) {
	d := newDesk(b)
	code, err := dossier.ParseCode(d.receive(anIntake("Nguyễn Văn An")))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := d.store.Get(ctx, code); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPublicLookup is the handler of the public lookup on SQLite,
// without the network.
func BenchmarkPublicLookup(b *testing.B) {
	d := newDesk(b)
	code, secret := d.receiveWithSecret(anIntake("Nguyễn Văn An"))
	d.srv.log = discardLogger()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", lookupPath(code, secret), nil)
			w := httptest.NewRecorder()
			d.srv.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatal(w.Code)
			}
		}
	})
}

package procedure_test

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/motcua/motcua/procedure"
)

// FuzzLoad feeds Load arbitrary files: it must never panic, every rejection
// must be a *ValidationError, and what it accepts must round-trip.
func FuzzLoad(f *testing.F) {
	if data, err := os.ReadFile(shipped); err == nil {
		f.Add(data)
	}
	for _, tt := range loadTests {
		f.Add([]byte(tt.file))
	}
	f.Add([]byte(`{"procedures": [{` + base + `, "onlineDuration": "01 giờ làm việc", "steps": [{"name": "Bước", "duration": "02 giờ làm việc"}]}]}`))
	f.Add([]byte(`{"procedures": [{` + base + `, "directDuration": "15 ngày", "postalDuration": "30 ngày làm việc", "steps": [{"name": "Bước", "duration": "02 giờ làm việc"}]}]}`))
	f.Add([]byte(`{"procedures": [{` + base + `, "postalDuration": "03 tháng", "onlineDuration": "trong ngày"}]}`))
	f.Add([]byte(`{"procedures": null, "sources": null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cat, err := procedure.Load(bytes.NewReader(data))
		if err != nil {
			var ve *procedure.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, procedure.ErrInvalid) {
				t.Fatalf("Load: %v is not a *ValidationError", err)
			}
			if cat != nil {
				t.Fatal("Load returned a catalogue with an error")
			}
			return
		}
		var out bytes.Buffer
		if err := cat.WriteJSON(&out); err != nil {
			t.Fatalf("WriteJSON: %v", err)
		}
		again, err := procedure.Load(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("reloading what WriteJSON wrote: %v\n%s", err, out.Bytes())
		}
		if !slices.EqualFunc(slices.Collect(cat.All()), slices.Collect(again.All()), func(a, b procedure.Procedure) bool {
			for ch := procedure.Direct; ch <= procedure.Postal; ch++ {
				if a.DurationFor(ch) != b.DurationFor(ch) {
					return false
				}
			}
			return a.String() == b.String() && a.Duration == b.Duration && a.EffectiveFrom == b.EffectiveFrom
		}) {
			t.Fatal("the catalogue changed in a round trip")
		}
		for p := range cat.All() {
			cat.Search(p.Name)
			cat.Search(p.Code)
		}
	})
}

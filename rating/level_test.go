package rating_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/sla"
)

func TestLevelString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		level rating.Level
		want  string
	}{
		{"very satisfied", rating.VerySatisfied, "Rất hài lòng"},
		{"satisfied", rating.Satisfied, "Hài lòng"},
		{"unsatisfied", rating.Unsatisfied, "Không hài lòng"},
		{"zero", 0, "Level(0)"},
		{"four", 4, "Level(4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.level.String())
			assert.True(t, norm.NFC.IsNormalString(tt.level.String()), "citizens read it: NFC")
		})
	}
}

func TestLevelValues(t *testing.T) {
	t.Parallel()
	// The numbers are fixed by the issue and are part of the JSON format.
	assert.Equal(t, rating.Level(1), rating.VerySatisfied)
	assert.Equal(t, rating.Level(2), rating.Satisfied)
	assert.Equal(t, rating.Level(3), rating.Unsatisfied)
	assert.Equal(t, [...]rating.Level{1, 2, 3}, rating.Levels())
}

func TestLevelJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    rating.Level
		wantErr bool
	}{
		{"one", `1`, rating.VerySatisfied, false},
		{"two", `2`, rating.Satisfied, false},
		{"three", `3`, rating.Unsatisfied, false},
		{"null keeps the zero", `null`, 0, false},
		{"zero", `0`, 0, true},
		{"four", `4`, 0, true},
		{"negative", `-1`, 0, true},
		{"big", `257`, 0, true},
		{"float", `1.0`, 0, true},
		{"exponent", `1e0`, 0, true},
		{"string", `"1"`, 0, true},
		{"name", `"Rất hài lòng"`, 0, true},
		{"bool", `true`, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var l rating.Level
			err := json.Unmarshal([]byte(tt.in), &l)
			if tt.wantErr {
				require.Error(t, err)
				assert.ErrorIs(t, err, rating.ErrInvalid)
				var le *rating.LevelError
				assert.True(t, errors.As(err, &le), "a *LevelError: %v", err)
				assert.Equal(t, rating.Level(0), l, "unchanged")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, l)
		})
	}
}

func TestLevelMarshalJSON(t *testing.T) {
	t.Parallel()
	for _, l := range rating.Levels() {
		b, err := json.Marshal(l)
		require.NoError(t, err)
		var back rating.Level
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, l, back)
	}
	_, err := json.Marshal(rating.Level(9))
	assert.ErrorIs(t, err, rating.ErrInvalid)
}

func TestRatingJSON(t *testing.T) {
	t.Parallel()
	r := rating.Rating{
		Dossier: dossier.Code{Agency: "000.00.01.H26", Date: sla.Date{Year: 2020, Month: time.January, Day: 15}, Seq: 42},
		Level:   rating.Satisfied,
		Comment: "Cán bộ hướng dẫn tận tình",
		At:      time.Date(2020, time.January, 15, 10, 5, 0, 0, time.FixedZone("ICT", 7*3600)),
		Channel: procedure.Online,
	}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.JSONEq(t, `{"dossier":"000.00.01.H26-200115-0042","level":2,"comment":"Cán bộ hướng dẫn tận tình","at":"2020-01-15T10:05:00+07:00","channel":"online"}`, string(b))
	var back rating.Rating
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.At.Equal(r.At))
	back.At = r.At
	assert.Equal(t, r, back)

	b, err = json.Marshal(rating.Rating{Level: rating.VerySatisfied, At: r.At})
	require.NoError(t, err)
	assert.JSONEq(t, `{"level":1,"at":"2020-01-15T10:05:00+07:00"}`, string(b), "kiosk rating: no dossier, no channel")

	err = json.Unmarshal([]byte(`{"level":5,"at":"2020-01-15T10:05:00+07:00"}`), &back)
	assert.ErrorIs(t, err, rating.ErrInvalid)
}

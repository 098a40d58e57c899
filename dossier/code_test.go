package dossier_test

import (
	"cmp"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/sla"
)

var codeTests = []struct {
	in   string
	want dossier.Code
}{
	{"000.00.01.H26-250127-0042", dossier.Code{Agency: "000.00.01.H26", Date: sla.Date{Year: 2025, Month: 1, Day: 27}, Seq: 42}},
	{"000.00.01.H26-210212-0001", dossier.Code{Agency: "000.00.01.H26", Date: sla.Date{Year: 2021, Month: 2, Day: 12}, Seq: 1}},
	{"000.A0.01.H26-240229-9999", dossier.Code{Agency: "000.A0.01.H26", Date: sla.Date{Year: 2024, Month: 2, Day: 29}, Seq: 9999}},
	{"000.A0.01.H26-991231-10000", dossier.Code{Agency: "000.A0.01.H26", Date: sla.Date{Year: 2099, Month: 12, Day: 31}, Seq: 10000}},
	{"H38-000101-123456789", dossier.Code{Agency: "H38", Date: sla.Date{Year: 2000, Month: 1, Day: 1}, Seq: 123456789}},
}

func TestParseCode(t *testing.T) {
	t.Parallel()
	for _, tt := range codeTests {
		got, err := dossier.ParseCode(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		assert.Equal(t, tt.in, got.String(), "round trip")
		assert.True(t, got.Valid())
	}
}

func TestParseCodeErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", "-", "000.00.01.H26", "000.00.01.H26-250127", "000.00.01.H26-250127-42", "000.00.01.H26-250127-00042",
		"000.00.01.H26-250230-0001", "000.00.01.H26-2501270-0001", "000..01.H26-250127-0001", ".000-250127-0001",
		"000.00.01.H26-250127-0000", "000.00.01.H26-250127-12a4", "000.00.01.H26-25012x-0001", "Đà.Nẵng-250127-0001",
		"000 00-250127-0001", "000.00.01.H26-250127-1234567890",
	} {
		_, err := dossier.ParseCode(in)
		var ce *dossier.CodeError
		assert.True(t, errors.As(err, &ce), "%q: %v", in, err)
		assert.ErrorIs(t, err, dossier.ErrInvalidCode, in)
	}
}

func TestCodeJSONAndSQL(t *testing.T) {
	t.Parallel()
	c := codeTests[0].want
	b, err := json.Marshal(struct{ Code dossier.Code }{c})
	require.NoError(t, err)
	assert.JSONEq(t, `{"Code":"000.00.01.H26-250127-0042"}`, string(b))
	var back struct{ Code dossier.Code }
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, c, back.Code)
	assert.Error(t, json.Unmarshal([]byte(`{"Code":"nope"}`), &back))

	v, err := c.Value()
	require.NoError(t, err)
	assert.Equal(t, "000.00.01.H26-250127-0042", v)
	var scanned dossier.Code
	require.NoError(t, scanned.Scan([]byte("000.00.01.H26-250127-0042")))
	assert.Equal(t, c, scanned)
	assert.Error(t, scanned.Scan(42))
	_, err = dossier.Code{Agency: "bad agency", Date: c.Date, Seq: 1}.Value()
	assert.ErrorIs(t, err, dossier.ErrInvalidCode)
}

func FuzzParseCode(f *testing.F) {
	for _, tt := range codeTests {
		f.Add(tt.in)
	}
	f.Add("000.00.01.H26-250230-0001")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := dossier.ParseCode(s)
		if err != nil {
			require.ErrorIs(t, err, dossier.ErrInvalidCode)
			return
		}
		require.True(t, c.Valid())
		require.Equal(t, s, c.String(), "a parsed code writes back as it was read")
	})
}

func TestCodeCompare(t *testing.T) {
	t.Parallel()
	day := sla.Date{Year: 2025, Month: 1, Day: 27}
	ordered := []dossier.Code{
		{Agency: "000.00.01", Date: day, Seq: 5},
		{Agency: "000.00.01.H26", Date: sla.Date{Year: 2024, Month: 12, Day: 31}, Seq: 7},
		{Agency: "000.00.01.H26", Date: day, Seq: 1},
		{Agency: "000.00.01.H26", Date: day, Seq: 42},
		{Agency: "000.00.01.H26", Date: day, Seq: 9999},
		{Agency: "000.00.01.H26", Date: day, Seq: 10000},
		{Agency: "000.00.01.H26", Date: day.AddDays(1), Seq: 1},
		{Agency: "000.00.010", Date: day, Seq: 5},
		{Agency: "000.A0.01.H26", Date: day, Seq: 1},
	}
	for i, a := range ordered {
		for j, b := range ordered {
			assert.Equal(t, cmp.Compare(i, j), a.Compare(b), "%s vs %s", a, b)
		}
	}
}

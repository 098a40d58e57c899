package procedure_test

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

func date(y int, m time.Month, d int) sla.Date { return sla.Date{Year: y, Month: m, Day: d} }

// versions returns three versions of one code: district until the
// two-tier reform, commune since, and a next amendment from 2027.
func versions() []procedure.Procedure {
	old := birth()
	old.Level = procedure.District
	old.Agency = "Ủy ban nhân dân cấp huyện"
	old.EffectiveFrom = sla.Date{}
	old.EffectiveTo = date(2025, 6, 30)

	now := birth()
	now.EffectiveTo = date(2026, 12, 31)

	next := birth()
	next.Duration = sla.WorkingHours(4)
	next.Steps = nil
	next.EffectiveFrom = date(2027, 1, 1)
	return []procedure.Procedure{now, next, old}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	cat, err := procedure.NewCatalog(versions()...)
	require.NoError(t, err)
	tests := []struct {
		name  string
		at    time.Time
		level procedure.Level
		from  sla.Date
	}{
		{"long ago", time.Date(2016, 1, 1, 9, 0, 0, 0, sla.ICT), procedure.District, sla.Date{}},
		{"last day of the district version", time.Date(2025, 6, 30, 23, 59, 59, 0, sla.ICT), procedure.District, sla.Date{}},
		{"first instant of the commune version", time.Date(2025, 7, 1, 0, 0, 0, 0, sla.ICT), procedure.Commune, date(2025, 7, 1)},
		{"the ICT date counts, not UTC", time.Date(2025, 6, 30, 17, 0, 0, 0, time.UTC), procedure.Commune, date(2025, 7, 1)},
		{"an instant in another zone", time.Date(2026, 12, 31, 12, 0, 0, 0, time.FixedZone("EST", -5*3600)), procedure.Commune, date(2027, 1, 1)},
		{"far future", time.Date(2199, 1, 1, 0, 0, 0, 0, sla.ICT), procedure.Commune, date(2027, 1, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := cat.Lookup("1.001193", tt.at)
			require.NoError(t, err)
			assert.Equal(t, tt.level, p.Level)
			assert.Equal(t, tt.from, p.EffectiveFrom)
		})
	}
}

func TestLookupNotFound(t *testing.T) {
	t.Parallel()
	p := birth()
	p.EffectiveTo = date(2026, 12, 31)
	cat, err := procedure.NewCatalog(p)
	require.NoError(t, err)
	tests := []struct {
		name, code string
		at         time.Time
		msg        string
	}{
		{"unknown code", "2.000635", time.Now(), `no procedure "2.000635"`},
		{"before the first version", "1.001193", time.Date(2025, 6, 30, 10, 0, 0, 0, sla.ICT), "no version of 1.001193 in force on 2025-06-30"},
		{"after the last version", "1.001193", time.Date(2027, 1, 1, 10, 0, 0, 0, sla.ICT), "on 2027-01-01"},
	}
	for _, tt := range tests {
		_, err := cat.Lookup(tt.code, tt.at)
		assert.ErrorIs(t, err, procedure.ErrNotFound, tt.name)
		assert.ErrorContains(t, err, tt.msg, tt.name)
	}
}

func TestVersionsAndAll(t *testing.T) {
	t.Parallel()
	other := birth()
	other.Code = "1.000894"
	other.Name = "Thủ tục đăng ký kết hôn"
	cat, err := procedure.NewCatalog(append(versions(), other)...)
	require.NoError(t, err)
	assert.Equal(t, 4, cat.Len())

	vs := cat.Versions("1.001193")
	require.Len(t, vs, 3)
	assert.Equal(t, []procedure.Level{procedure.District, procedure.Commune, procedure.Commune},
		[]procedure.Level{vs[0].Level, vs[1].Level, vs[2].Level}, "oldest first")
	assert.Nil(t, cat.Versions("9.999999"))

	var codes []string
	for p := range cat.All() {
		codes = append(codes, p.Code)
	}
	assert.Equal(t, []string{"1.000894", "1.001193", "1.001193", "1.001193"}, codes)
	assert.Nil(t, cat.Sources())
}

func TestOverlappingVersions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(ps []procedure.Procedure)
		index  int
		reason string
	}{
		{"open-ended version followed by another", func(ps []procedure.Procedure) { ps[2].EffectiveTo = sla.Date{} }, 0,
			"in force from 2025-07-01 to 2026-12-31 overlaps the version #2 in force at all times"},
		{"one shared day", func(ps []procedure.Procedure) { ps[1].EffectiveFrom = date(2026, 12, 31) }, 1,
			"overlaps the version #0 in force from 2025-07-01 to 2026-12-31"},
		{"the same version twice", func(ps []procedure.Procedure) { ps[1] = ps[0] }, 1, "overlaps the version #0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ps := versions()
			tt.change(ps)
			cat, err := procedure.NewCatalog(ps...)
			assert.Nil(t, cat)
			require.ErrorIs(t, err, procedure.ErrInvalid)
			var ve *procedure.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "1.001193", ve.Code)
			assert.Equal(t, "effectiveFrom", ve.Field)
			assert.Equal(t, tt.index, ve.Index)
			assert.Contains(t, ve.Reason, tt.reason)
		})
	}
}

func TestNewCatalogRejectsAndNamesPosition(t *testing.T) {
	t.Parallel()
	bad := birth()
	bad.Code = "1.000894"
	bad.Name = "Thủ tục đăng ký kết hôn"
	bad.Steps[0].Name = ""
	_, err := procedure.NewCatalog(birth(), bad)
	var ve *procedure.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, 1, ve.Index)
	assert.Equal(t, "procedure: #1 (1.000894): steps[0].name: a step needs a name", ve.Error())
}

func TestNewCatalogNormalizesAndCopies(t *testing.T) {
	t.Parallel()
	p := birth()
	p.Name = "Thu\u0309 tu\u0323c đăng ký khai sinh" // decomposed, as pasted from some editors
	require.Error(t, p.Validate())
	cat, err := procedure.NewCatalog(p)
	require.NoError(t, err)
	p.Steps[0].Name = "changed after NewCatalog"
	got, err := cat.Lookup("1.001193", time.Date(2025, 8, 1, 9, 0, 0, 0, sla.ICT))
	require.NoError(t, err)
	assert.Equal(t, "Thủ tục đăng ký khai sinh", got.Name, "NFC")
	assert.Equal(t, "Tiếp nhận hồ sơ", got.Steps[0].Name, "the catalogue keeps its own copy")
}

func TestEmptyCatalog(t *testing.T) {
	t.Parallel()
	cat, err := procedure.NewCatalog()
	require.NoError(t, err)
	assert.Zero(t, cat.Len())
	assert.Nil(t, cat.Search("khai sinh"))
	_, err = cat.Lookup("1.001193", time.Now())
	assert.True(t, errors.Is(err, procedure.ErrNotFound))
}

// The catalogue is shared by every goroutine of a server; run with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	cat := procedure.Sample()
	at := time.Date(2025, 9, 1, 9, 0, 0, 0, sla.ICT)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				_, err := cat.Lookup("1.001193", at)
				assert.NoError(t, err)
				assert.NotEmpty(t, cat.Search("đăng ký"))
				assert.True(t, slices.ContainsFunc(cat.Versions("2.000815"), func(p procedure.Procedure) bool { return p.OnTheSpot }))
			}
		})
	}
	wg.Wait()
}

package procedure_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

var update = flag.Bool("update", false, "rewrite testdata/catalog.json in the canonical form WriteJSON gives")

const shipped = "testdata/catalog.json"

func loadShipped(t testing.TB) (*procedure.Catalog, []byte) {
	t.Helper()
	data, err := os.ReadFile(shipped)
	require.NoError(t, err)
	cat, err := procedure.Load(bytes.NewReader(data))
	require.NoError(t, err)
	return cat, data
}

// The shipped file is kept exactly as WriteJSON writes it, so that a
// reviewer's diff of an amendment shows only the amendment.
func TestShippedCatalogueIsCanonical(t *testing.T) {
	cat, data := loadShipped(t)
	var buf bytes.Buffer
	require.NoError(t, cat.WriteJSON(&buf))
	if *update {
		require.NoError(t, os.WriteFile(shipped, buf.Bytes(), 0o644))
		return
	}
	assert.Equal(t, string(data), buf.String(), "run go test ./procedure -run Canonical -update")
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	cat, _ := loadShipped(t)
	var first bytes.Buffer
	require.NoError(t, cat.WriteJSON(&first))
	again, err := procedure.Load(bytes.NewReader(first.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, slices.Collect(cat.All()), slices.Collect(again.All()))
	assert.Equal(t, cat.Sources(), again.Sources())
	var second bytes.Buffer
	require.NoError(t, again.WriteJSON(&second))
	assert.Equal(t, first.String(), second.String())
}

func TestRoundTripOfEveryField(t *testing.T) {
	t.Parallel()
	p := birth()
	p.Field.Code = "G15"
	p.Duration = sla.WorkingDays(20)
	p.DirectDuration = sla.WorkingDays(15)
	p.OnlineDuration = sla.WorkingDays(17)
	p.PostalDuration = sla.WorkingDays(30)
	p.Supplement = procedure.RestartClock
	p.OnlineLevel = procedure.Full
	p.Fees = []procedure.Fee{
		{Name: "Lệ phí", Amount: 10000, Collected: procedure.AtReturn, Channel: procedure.Direct, Note: "đồng/lần"},
		{Name: "Phí", Amount: 0},
	}
	p.Documents = append(p.Documents, procedure.Document{Name: "Bản sao", Copies: 2})
	p.EffectiveTo = date(2030, 12, 31)
	cat, err := procedure.NewCatalog(p)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, cat.WriteJSON(&buf))
	for _, want := range []string{`"duration": "20 ngày làm việc"`, `"directDuration": "15 ngày làm việc"`,
		`"onlineDuration": "17 ngày làm việc"`, `"postalDuration": "30 ngày làm việc"`,
		`"supplement": "restart"`, `"onlineLevel": "full"`, `"collected": "return"`, `"channel": "direct"`,
		`"channels": [`, `"postal"`, `"effectiveTo": "2030-12-31"`, `"level": "commune"`} {
		assert.Contains(t, buf.String(), want)
	}
	again, err := procedure.Load(&buf)
	require.NoError(t, err)
	assert.Equal(t, []procedure.Procedure{p}, slices.Collect(again.All()))
}

func TestLoadAcceptsPublishedSpellings(t *testing.T) {
	t.Parallel()
	cat, err := procedure.Load(strings.NewReader(`{"procedures": [{
		"code": "1.001612", "name": "Đăng ký thành lập hộ kinh doanh",
		"field": {"name": "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)"}, "level": "commune",
		"duration": "3 ngay lam viec", "channels": ["direct"]}]}`))
	require.NoError(t, err)
	p, err := cat.Lookup("1.001612", time.Now())
	require.NoError(t, err)
	assert.Equal(t, sla.WorkingDays(3), p.Duration)
	assert.Equal(t, "03 ngày làm việc", p.Duration.String())
}

// Each channel may have its own limit; files written before there was one
// for every channel, with onlineDuration alone, load as they did.
func TestLoadChannelLimits(t *testing.T) {
	t.Parallel()
	const land = `"code": "1.012753", "name": "Đăng ký đất đai lần đầu đối với tổ chức", "field": {"name": "Đất đai"},
		"level": "commune", "channels": ["direct", "online", "postal"], "onlineLevel": "partial", "duration": "20 ngày làm việc"`
	tests := []struct {
		name   string
		limits string
		want   map[procedure.Channel]sla.Duration
	}{
		{"a general limit only", ``, map[procedure.Channel]sla.Duration{
			procedure.Direct: sla.WorkingDays(20), procedure.Online: sla.WorkingDays(20), procedure.Postal: sla.WorkingDays(20)}},
		{"an older file's online limit", `, "onlineDuration": "17 ngày làm việc"`, map[procedure.Channel]sla.Duration{
			procedure.Direct: sla.WorkingDays(20), procedure.Online: sla.WorkingDays(17), procedure.Postal: sla.WorkingDays(20)}},
		{"online and postal limits", `, "onlineDuration": "17 ngày làm việc", "postalDuration": "30 ngay lam viec"`, map[procedure.Channel]sla.Duration{
			procedure.Direct: sla.WorkingDays(20), procedure.Online: sla.WorkingDays(17), procedure.Postal: sla.WorkingDays(30)}},
		{"a limit for every channel", `, "directDuration": "15 ngày", "onlineDuration": "20 ngày", "postalDuration": "25 ngày"`, map[procedure.Channel]sla.Duration{
			procedure.Direct: sla.CalendarDays(15), procedure.Online: sla.CalendarDays(20), procedure.Postal: sla.CalendarDays(25)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat, err := procedure.Load(strings.NewReader(`{"procedures": [{` + land + tt.limits + `}]}`))
			require.NoError(t, err)
			p, err := cat.Lookup("1.012753", time.Now())
			require.NoError(t, err)
			for ch, want := range tt.want {
				assert.Equal(t, want, p.DurationFor(ch), "%s", ch)
			}
		})
	}
}

func TestLoadNormalizesToNFC(t *testing.T) {
	t.Parallel()
	decomposed := "Thu\u0309 tu\u0323c đăng ky\u0301 khai sinh"
	cat, err := procedure.Load(strings.NewReader(`{"procedures": [{"code": "1.001193", "name": "` + decomposed + `",
		"field": {"name": "Hô\u0323 tịch"}, "level": "commune", "duration": "trong ngày", "channels": ["direct"]}]}`))
	require.NoError(t, err)
	p, err := cat.Lookup("1.001193", time.Now())
	require.NoError(t, err)
	assert.Equal(t, "Thủ tục đăng ký khai sinh", p.Name)
	assert.Equal(t, "Hộ tịch", p.Field.Name)
}

// base is one valid procedure in the file format; loadTests break it.
const base = `"code": "1.001193", "name": "Thủ tục đăng ký khai sinh", "field": {"name": "Hộ tịch"},
	"level": "commune", "duration": "trong ngày", "channels": ["direct", "postal"]`

var loadTests = []struct {
	name   string
	file   string
	index  int    // the procedure the error names, -1 for the file
	code   string // its code as named
	field  string
	reason string
}{
	{"malformed JSON in a procedure", `{"procedures": [{` + base + `}, {"code": "1.000894", "name": "x" "level": 1}]}`,
		1, "1.000894", "", "malformed JSON at line 2, column"},
	{"truncated file", `{"procedures": [{` + base + `}, {"code": "1.000894"`, 1, "1.000894", "", "ends in the middle"},
	{"not JSON at all", `code: 1.001193`, -1, "", "", "malformed JSON at line 1, column 1"},
	{"not an object", `[]`, -1, "", "", "want an object"},
	{"text after the catalogue", `{"procedures": []} {}`, -1, "", "", "text after the end"},
	{"unknown top-level field", `{"procedure": []}`, -1, "", "procedure", "unknown field"},
	{"unknown field in a procedure", `{"procedures": [{` + base + `, "fee": 5}]}`, 0, "1.001193", "fee", "unknown field"},
	{"unknown field in a step", `{"procedures": [{` + base + `, "steps": [{"name": "Tiếp nhận", "duration": "01 giờ làm việc", "role": "x"}]}]}`,
		0, "1.001193", "steps[0].role", "unknown field"},
	{"unknown duration text", `{"procedures": [{` + strings.Replace(base, `"trong ngày"`, `"15 ngày lịch"`, 1) + `}]}`,
		0, "1.001193", "duration", "not a published time limit"},
	{"missing duration", `{"procedures": [{` + strings.Replace(base, `"duration": "trong ngày",`, ``, 1) + `}]}`,
		0, "1.001193", "duration", "missing"},
	{"unknown postal duration text", `{"procedures": [{` + base + `, "postalDuration": "30 ngày lịch"}]}`,
		0, "1.001193", "postalDuration", "the postal processing time is not a published time limit"},
	{"direct duration of zero", `{"procedures": [{` + base + `, "directDuration": "0 ngày"}]}`,
		0, "1.001193", "directDuration", "the direct processing time is not a published time limit"},
	{"online duration without the online channel", `{"procedures": [{` + base + `, "onlineDuration": "01 giờ làm việc"}]}`,
		0, "1.001193", "onlineDuration", "does not allow the online channel"},
	{"unknown step duration", `{"procedures": [{` + base + `, "steps": [{"name": "Tiếp nhận", "duration": "nửa ngày"}]}]}`,
		0, "1.001193", "steps[0].duration", "not a published time limit"},
	{"unknown channel", `{"procedures": [{` + strings.Replace(base, `"postal"]`, `"email"]`, 1) + `}]}`,
		0, "1.001193", "channels[1]", `"email" is not a channel`},
	{"channel as a number", `{"procedures": [{` + strings.Replace(base, `"postal"]`, `3]`, 1) + `}]}`,
		0, "1.001193", "channels", "want a string"},
	{"unknown level", `{"procedures": [{` + strings.Replace(base, `"commune"`, `"ward"`, 1) + `}]}`,
		0, "1.001193", "level", `"ward" is not a level`},
	{"negative fee", `{"procedures": [{` + base + `, "fees": [{"name": "Lệ phí", "amount": -5000}]}]}`,
		0, "1.001193", "fees[0].amount", "-5000 VND is negative"},
	{"fractional fee", `{"procedures": [{` + base + `, "fees": [{"name": "Lệ phí", "amount": 1.5}]}]}`,
		0, "1.001193", "fees[0].amount", "want a whole number"},
	{"invalid code shape", `{"procedures": [{` + strings.Replace(base, `"1.001193"`, `"1-001193"`, 1) + `}]}`,
		0, "1-001193", "code", "not a procedure code"},
	{"step without a name", `{"procedures": [{` + base + `, "steps": [{"responsible": "Công chức", "duration": "01 giờ làm việc"}]}]}`,
		0, "1.001193", "steps[0].name", "a step needs a name"},
	{"bad date", `{"procedures": [{` + base + `, "effectiveFrom": "01/07/2025"}]}`,
		0, "1.001193", "effectiveFrom", "not a date"},
	{"duplicate code with overlapping versions", `{"procedures": [{` + base + `, "effectiveFrom": "2025-07-01"}, {` + base + `, "effectiveFrom": "2026-01-01"}]}`,
		1, "1.001193", "effectiveFrom", "overlaps the version #0 in force from 2025-07-01"},
	{"source without a title", `{"sources": [{"url": "https://example.org"}], "procedures": [{` + base + `}]}`,
		-1, "", "sources[0].title", "needs a title"},
}

func TestLoadBadInput(t *testing.T) {
	t.Parallel()
	for _, tt := range loadTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat, err := procedure.Load(strings.NewReader(tt.file))
			assert.Nil(t, cat, "a file that fails loads nothing")
			require.ErrorIs(t, err, procedure.ErrInvalid)
			var ve *procedure.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.index, ve.Index)
			assert.Equal(t, tt.code, ve.Code)
			assert.Equal(t, tt.field, ve.Field)
			assert.Contains(t, ve.Reason, tt.reason)
		})
	}
}

func TestLoadUnwrapsTheCause(t *testing.T) {
	t.Parallel()
	_, err := procedure.Load(strings.NewReader(`{"procedures": [{` + strings.Replace(base, `"trong ngày"`, `"mười lăm ngày"`, 1) + `}]}`))
	var pe *sla.ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "mười lăm ngày", pe.Input)
}

func TestLoadReportsEveryProcedure(t *testing.T) {
	t.Parallel()
	file := `{"procedures": [{` + strings.Replace(base, `"commune"`, `"ward"`, 1) + `}, {` +
		strings.Replace(base, `"1.001193"`, `"1.000894"`, 1) + `, "fees": [{"name": "Lệ phí", "amount": -1}]}]}`
	_, err := procedure.Load(strings.NewReader(file))
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, `procedure: #0 (1.001193): level: "ward" is not a level`)
	assert.Contains(t, msg, "procedure: #1 (1.000894): fees[0].amount: -1 VND is negative")
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestLoadReadError(t *testing.T) {
	t.Parallel()
	_, err := procedure.Load(failingReader{})
	assert.ErrorContains(t, err, "disk on fire")
	assert.NotErrorIs(t, err, procedure.ErrInvalid, "a read error is not a bad catalogue")
}

// The shipped catalogue shows every feature of the model at least once.
func TestShippedCatalogue(t *testing.T) {
	t.Parallel()
	cat := procedure.Sample()
	codes := map[string]bool{}
	levels := map[procedure.Level]bool{}
	var full, onTheSpot, noPostal, cutoff, restart, online, versions bool
	for p := range cat.All() {
		codes[p.Code] = true
		levels[p.Level] = true
		full = full || p.OnlineLevel == procedure.Full
		onTheSpot = onTheSpot || p.OnTheSpot
		noPostal = noPostal || !p.Allows(procedure.Postal)
		cutoff = cutoff || p.Duration == sla.SameDay(15*time.Hour)
		restart = restart || p.Supplement == procedure.RestartClock
		online = online || !p.OnlineDuration.IsZero()
		versions = versions || len(cat.Versions(p.Code)) > 1
	}
	assert.GreaterOrEqual(t, len(codes), 20, "at least 20 real procedures")
	assert.True(t, levels[procedure.Province] && levels[procedure.District] && levels[procedure.Commune], "all three levels")
	assert.True(t, full, "a full online procedure")
	assert.True(t, onTheSpot, "an on-the-spot procedure")
	assert.True(t, noPostal, "a procedure without the postal channel")
	assert.True(t, cutoff, "a same-day limit with the 15:00 cut-off")
	assert.True(t, restart, "a procedure that restarts the clock")
	assert.True(t, online, "a shorter online processing time")
	assert.True(t, versions, "a code with several versions")
	assert.NotEmpty(t, cat.Sources())
	for _, s := range cat.Sources() {
		assert.NotEmpty(t, s.Title)
	}
}

// The package documentation and the README describe the shipped catalogue
// as 22 versions of 20 procedures.
func TestShippedCatalogueSize(t *testing.T) {
	t.Parallel()
	cat := procedure.Sample()
	codes := map[string]bool{}
	for p := range cat.All() {
		codes[p.Code] = true
	}
	assert.Equal(t, 22, cat.Len(), "versions")
	assert.Len(t, codes, 20, "procedures")
}

// publishedTests are the limits and fees the national portal publishes per
// channel, as the sources of testdata/catalog.json record them.
var publishedTests = []struct {
	code  string
	ch    procedure.Channel
	limit sla.Duration
	fees  int64 // what a dossier filed through ch pays, in VND
}{
	{"1.001612", procedure.Direct, sla.WorkingDays(3), 50_000},
	{"1.001612", procedure.Online, sla.WorkingDays(3), 150_000},
	{"1.001612", procedure.Postal, sla.WorkingDays(3), 150_000},
	{"1.012753", procedure.Direct, sla.WorkingDays(20), 0},
	{"1.012753", procedure.Online, sla.WorkingDays(17), 0},
	{"1.012753", procedure.Postal, sla.WorkingDays(30), 0},
	{"1.013978", procedure.Direct, sla.WorkingDays(27), 0},
	{"1.013978", procedure.Online, sla.WorkingDays(17), 0},
	{"1.013978", procedure.Postal, sla.WorkingDays(20), 0},
	{"1.013225", procedure.Direct, sla.CalendarDays(15), 0},
	{"1.013225", procedure.Online, sla.CalendarDays(20), 0},
	{"1.013225", procedure.Postal, sla.CalendarDays(20), 0},
	{"1.004222", procedure.Direct, sla.WorkingDays(7), 20_000},
	{"1.004222", procedure.Online, sla.WorkingDays(7), 10_000},
	{"2.001610", procedure.Direct, sla.WorkingDays(3), 100_000},
	{"2.001610", procedure.Online, sla.WorkingDays(3), 100_000},
	{"2.001610", procedure.Postal, sla.WorkingDays(3), 100_000},
}

func TestShippedCataloguePerChannel(t *testing.T) {
	t.Parallel()
	cat := procedure.Sample()
	at := time.Date(2026, 6, 10, 9, 0, 0, 0, sla.ICT)
	for _, tt := range publishedTests {
		t.Run(tt.code+" "+tt.ch.String(), func(t *testing.T) {
			t.Parallel()
			p, err := cat.Lookup(tt.code, at)
			require.NoError(t, err)
			require.True(t, p.Allows(tt.ch))
			assert.Equal(t, tt.limit, p.DurationFor(tt.ch))
			var fees int64
			for _, f := range p.Fees {
				if f.Channel == 0 || f.Channel == tt.ch {
					fees += f.Amount
				}
			}
			assert.Equal(t, tt.fees, fees)
		})
	}
}

// The shipped catalogue cites the documents in force that the portal cites.
func TestShippedCatalogueLegalBasis(t *testing.T) {
	t.Parallel()
	cat := procedure.Sample()
	at := time.Date(2026, 6, 10, 9, 0, 0, 0, sla.ICT)
	const civil, resolution = "Nghị định số 18/2026/NĐ-CP", "Nghị quyết số 66.7/2025/NQ-CP"
	tests := []struct {
		code string
		want []string
	}{
		{"1.000656", []string{civil, resolution}},
		{"1.000894", []string{civil, resolution}},
		{"1.001193", []string{civil, resolution}},
		{"1.004873", []string{civil, resolution}},
		{"1.004884", []string{civil, resolution}},
		{"2.000635", []string{civil, resolution}},
		{"2.000806", []string{civil, resolution}},
		{"2.000884", []string{civil, resolution}},
		{"1.004194", []string{resolution}},
		{"1.004222", []string{"Nghị định số 58/2026/NĐ-CP", resolution, "Thông tư số 71/2025/TT-BTC"}},
		{"1.013225", []string{"Nghị định số 14/2026/NĐ-CP"}},
		{"1.013227", []string{"Nghị định số 14/2026/NĐ-CP"}},
		{"1.001612", []string{"Luật số 76/2025/QH15"}},
		{"2.001610", []string{resolution, "Thông tư số 68/2025/TT-BTC"}},
		{"1.001776", []string{"Nghị định số 147/2025/NĐ-CP"}},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			p, err := cat.Lookup(tt.code, at)
			require.NoError(t, err)
			assert.Subset(t, p.LegalBasis, tt.want)
		})
	}
}

func TestSampleIsShared(t *testing.T) {
	t.Parallel()
	assert.Same(t, procedure.Sample(), procedure.Sample())
}

// Files the fast path does not expect still load, through the slow one.
func TestLoadUnusualButValidFiles(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, file string }{
		{"escaped key", `{"proc\u0065dures": [{` + base + `}]}`},
		{"procedures before sources", `{"procedures": [{` + base + `}], "sources": [{"title": "Cổng"}]}`},
		{"no sources", "{\n\"procedures\":[{" + base + "}]}\n"},
	}
	for _, tt := range tests {
		cat, err := procedure.Load(strings.NewReader(tt.file))
		require.NoError(t, err, tt.name)
		assert.Equal(t, 1, cat.Len(), tt.name)
	}
}

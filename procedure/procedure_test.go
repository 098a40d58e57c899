package procedure_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// birth is a valid procedure that tests change one field at a time.
func birth() procedure.Procedure {
	return procedure.Procedure{
		Code:     "1.001193",
		Name:     "Thủ tục đăng ký khai sinh",
		Field:    procedure.Field{Name: "Hộ tịch"},
		Level:    procedure.Commune,
		Agency:   "Ủy ban nhân dân cấp xã",
		Duration: sla.SameDay(15 * time.Hour),
		Channels: []procedure.Channel{procedure.Direct, procedure.Online, procedure.Postal},
		Fees:     []procedure.Fee{{Name: "Phí cấp bản sao Giấy khai sinh", Amount: 8000}},
		Documents: []procedure.Document{
			{Name: "Tờ khai đăng ký khai sinh", Originals: 1, Mandatory: true},
		},
		Steps: []procedure.Step{
			{Name: "Tiếp nhận hồ sơ", Responsible: "Bộ phận một cửa", Duration: sla.WorkingHours(1)},
			{Name: "Thẩm tra, ghi sổ", Responsible: "Công chức tư pháp - hộ tịch", Duration: sla.WorkingHours(4)},
		},
		OnlineLevel:   procedure.Partial,
		LegalBasis:    []string{"Luật Hộ tịch số 60/2014/QH13"},
		EffectiveFrom: sla.Date{Year: 2025, Month: time.July, Day: 1},
	}
}

func TestEnumerations(t *testing.T) {
	t.Parallel()
	type texter interface {
		String() string
		MarshalText() ([]byte, error)
	}
	tests := []struct {
		name     string
		v        texter
		vi, text string
	}{
		{"direct", procedure.Direct, "trực tiếp", "direct"},
		{"online", procedure.Online, "trực tuyến", "online"},
		{"postal", procedure.Postal, "dịch vụ bưu chính công ích", "postal"},
		{"province", procedure.Province, "cấp tỉnh", "province"},
		{"district", procedure.District, "cấp huyện", "district"},
		{"commune", procedure.Commune, "cấp xã", "commune"},
		{"not online", procedure.NotOnline, "không", "none"},
		{"partial", procedure.Partial, "một phần", "partial"},
		{"full", procedure.Full, "toàn trình", "full"},
		{"pause", procedure.PauseClock, "tạm dừng tính thời gian", "pause"},
		{"restart", procedure.RestartClock, "tính lại từ đầu", "restart"},
		{"at receipt", procedure.AtReceipt, "khi nộp hồ sơ", "receipt"},
		{"at return", procedure.AtReturn, "khi nhận kết quả", "return"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.vi, tt.v.String())
			b, err := tt.v.MarshalText()
			require.NoError(t, err)
			assert.Equal(t, tt.text, string(b))
		})
	}
}

func TestEnumerationText(t *testing.T) {
	t.Parallel()
	var ch procedure.Channel
	require.NoError(t, ch.UnmarshalText([]byte("postal")))
	assert.Equal(t, procedure.Postal, ch)
	assert.EqualValues(t, 3, ch, "the portal's code")
	assert.ErrorContains(t, ch.UnmarshalText([]byte("3")), `unknown channel "3"`)

	var l procedure.Level
	require.NoError(t, l.UnmarshalText([]byte("district")))
	assert.Equal(t, procedure.District, l)
	assert.Error(t, l.UnmarshalText([]byte("Commune")))

	var o procedure.OnlineLevel
	require.NoError(t, o.UnmarshalText([]byte("full")))
	assert.Equal(t, procedure.Full, o)
	assert.Error(t, o.UnmarshalText([]byte("toàn trình")))

	var r procedure.SupplementRegime
	require.NoError(t, r.UnmarshalText([]byte("restart")))
	assert.Equal(t, procedure.RestartClock, r)

	var c procedure.Collection
	require.NoError(t, c.UnmarshalText([]byte("return")))
	assert.Equal(t, procedure.AtReturn, c)

	assert.Equal(t, "Channel(9)", procedure.Channel(9).String())
	_, err := procedure.Level(0).MarshalText()
	assert.Error(t, err)
}

func TestZeroValuesAreTheDefaults(t *testing.T) {
	t.Parallel()
	var p procedure.Procedure
	assert.Equal(t, procedure.PauseClock, p.Supplement, "the law pauses the clock unless a procedure opts in")
	assert.Equal(t, procedure.NotOnline, p.OnlineLevel)
	assert.Equal(t, procedure.AtReceipt, procedure.Fee{}.Collected)
}

func TestLegacy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		level procedure.OnlineLevel
		want  int
	}{
		{"full is level 4", procedure.Full, 4},
		{"partial is level 3", procedure.Partial, 3},
		{"none is level 2", procedure.NotOnline, 2},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.level.Legacy(), tt.name)
	}
}

func TestAllows(t *testing.T) {
	t.Parallel()
	p := birth()
	p.Channels = []procedure.Channel{procedure.Direct, procedure.Online}
	assert.True(t, p.Allows(procedure.Direct))
	assert.False(t, p.Allows(procedure.Postal), "postal only where the procedure lists it")
}

func TestDurationFor(t *testing.T) {
	t.Parallel()
	// 1.012753 and 1.013225 as the national portal publishes them.
	land := birth()
	land.Duration = sla.WorkingDays(20)
	land.OnlineDuration = sla.WorkingDays(17)
	land.PostalDuration = sla.WorkingDays(30)
	building := birth()
	building.Duration = sla.CalendarDays(20)
	building.DirectDuration = sla.CalendarDays(15)
	tests := []struct {
		name string
		p    procedure.Procedure
		ch   procedure.Channel
		want sla.Duration
	}{
		{"no limit of its own", birth(), procedure.Online, sla.SameDay(15 * time.Hour)},
		{"a shorter online limit", land, procedure.Online, sla.WorkingDays(17)},
		{"a longer postal limit", land, procedure.Postal, sla.WorkingDays(30)},
		{"direct falls back to the general limit", land, procedure.Direct, sla.WorkingDays(20)},
		{"a shorter direct limit", building, procedure.Direct, sla.CalendarDays(15)},
		{"online falls back to the general limit", building, procedure.Online, sla.CalendarDays(20)},
		{"postal falls back to the general limit", building, procedure.Postal, sla.CalendarDays(20)},
		{"an unknown channel gets the general limit", land, procedure.Channel(9), sla.WorkingDays(20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.p.DurationFor(tt.ch))
		})
	}
}

func TestInForce(t *testing.T) {
	t.Parallel()
	p := birth()
	p.EffectiveTo = sla.Date{Year: 2026, Month: time.June, Day: 30}
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"day before", time.Date(2025, 6, 30, 12, 0, 0, 0, sla.ICT), false},
		{"first day, 00:00 ICT", time.Date(2025, 7, 1, 0, 0, 0, 0, sla.ICT), true},
		{"first day in ICT, still June 30 in UTC", time.Date(2025, 6, 30, 17, 30, 0, 0, time.UTC), true},
		{"last day, 23:59 ICT", time.Date(2026, 6, 30, 23, 59, 0, 0, sla.ICT), true},
		{"day after", time.Date(2026, 7, 1, 0, 0, 0, 0, sla.ICT), false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, p.InForce(tt.at), tt.name)
	}
}

func TestClone(t *testing.T) {
	t.Parallel()
	p := birth()
	c := p.Clone()
	c.Steps[0].Name = "changed"
	c.Channels[0] = procedure.Postal
	c.LegalBasis[0] = "changed"
	assert.Equal(t, "Tiếp nhận hồ sơ", p.Steps[0].Name)
	assert.Equal(t, procedure.Direct, p.Channels[0])
	assert.Equal(t, "Luật Hộ tịch số 60/2014/QH13", p.LegalBasis[0])
	assert.Equal(t, "1.001193 Thủ tục đăng ký khai sinh", p.String())
}

package sla_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/sla"
)

var parseTests = []struct {
	in   string
	want sla.Duration
}{
	{"15 ngày làm việc", sla.WorkingDays(15)},
	{"05 ngày làm việc", sla.WorkingDays(5)},
	{"04 giờ làm việc", sla.WorkingHours(4)},
	{"30 ngày", sla.CalendarDays(30)},
	{"03 tháng", sla.Months(3)},
	{"trong ngày", sla.SameDay(0)},
	{"Trong ngày làm việc", sla.SameDay(0)},
	{"trong ngày, sau 15 giờ chuyển sang ngày làm việc tiếp theo", sla.SameDay(15 * time.Hour)},
	{"Trong ngày (nếu nộp hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo)", sla.SameDay(15 * time.Hour)},
	{"trong ngày; sau 15h30 trả vào ngày làm việc tiếp theo", sla.SameDay(15*time.Hour + 30*time.Minute)},
	{"15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.", sla.WorkingDays(15)},
	{"15 NGAY LAM VIEC", sla.WorkingDays(15)},
	{"  20   ngày  ", sla.CalendarDays(20)},
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	for _, tt := range parseTests {
		got, err := sla.ParseDuration(tt.in)
		if assert.NoError(t, err, tt.in) {
			assert.Equal(t, tt.want, got, tt.in)
		}
	}
}

func TestParseDurationErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", "15", "ngày làm việc", "-3 ngày làm việc", "15 tuần", "mười lăm ngày",
		"99999999999999999999 ngày", "200000 ngày làm việc", "trong ngày, sau 25 giờ", "trong ngày hôm sau",
		"15 ngày làm việc hoặc 20 ngày", "3,5 ngày làm việc", "0 ngày làm việc", "00 tháng",
	} {
		_, err := sla.ParseDuration(in)
		var pe *sla.ParseError
		assert.ErrorAs(t, err, &pe, "%q", in)
	}
}

func TestDurationString(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		d    sla.Duration
		want string
	}{
		{sla.WorkingDays(15), "15 ngày làm việc"},
		{sla.WorkingDays(3), "03 ngày làm việc"},
		{sla.WorkingHours(4), "04 giờ làm việc"},
		{sla.CalendarDays(30), "30 ngày"},
		{sla.Months(3), "03 tháng"},
		{sla.SameDay(0), "trong ngày"},
		{sla.SameDay(15 * time.Hour), "trong ngày, sau 15 giờ chuyển sang ngày làm việc tiếp theo"},
		{sla.SameDay(15*time.Hour + 30*time.Minute), "trong ngày, sau 15 giờ 30 phút chuyển sang ngày làm việc tiếp theo"},
		{sla.Duration{}, ""},
	} {
		assert.Equal(t, tt.want, tt.d.String())
		if !tt.d.IsZero() {
			back, err := sla.ParseDuration(tt.want)
			require.NoError(t, err)
			assert.Equal(t, tt.d, back, "round trip of %q", tt.want)
		}
	}
}

func TestDurationJSON(t *testing.T) {
	t.Parallel()
	var v struct{ Limit sla.Duration }
	require.NoError(t, json.Unmarshal([]byte(`{"Limit":"15 ngày làm việc"}`), &v))
	assert.Equal(t, sla.WorkingDays(15), v.Limit)
	b, err := json.Marshal(v)
	require.NoError(t, err)
	assert.JSONEq(t, `{"Limit":"15 ngày làm việc"}`, string(b))
	assert.Error(t, json.Unmarshal([]byte(`{"Limit":"mai"}`), &v))
	_, err = json.Marshal(struct{ Limit sla.Duration }{sla.WorkingDays(-2)})
	assert.ErrorIs(t, err, sla.ErrInvalidDuration)
}

func TestNominal(t *testing.T) {
	t.Parallel()
	n, ok := sla.WorkingDays(2).Nominal(8 * time.Hour)
	assert.True(t, ok)
	assert.Equal(t, 16*time.Hour, n)
	n, ok = sla.WorkingHours(4).Nominal(8 * time.Hour)
	assert.True(t, ok)
	assert.Equal(t, 4*time.Hour, n)
	_, ok = sla.CalendarDays(2).Nominal(8 * time.Hour)
	assert.False(t, ok)
}

func FuzzParseDuration(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	f.Add("trong ngày, sau 99 giờ 99 phút")
	f.Add("\xff ngày")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := sla.ParseDuration(s)
		if err != nil {
			return
		}
		require.NoError(t, d.Validate(), "a parsed duration is valid: %q", s)
		back, err := sla.ParseDuration(d.String())
		require.NoError(t, err)
		require.Equal(t, d, back, "String then ParseDuration round-trips %q", s)
	})
}

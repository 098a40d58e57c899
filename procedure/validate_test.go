package procedure_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

var validateTests = []struct {
	name   string
	change func(p *procedure.Procedure)
	field  string // the field the error names
	reason string // a part of its reason
}{
	{"code without dot", func(p *procedure.Procedure) { p.Code = "1001193" }, "code", "not a procedure code"},
	{"code too short", func(p *procedure.Procedure) { p.Code = "1.00119" }, "code", "not a procedure code"},
	{"lower-case suffix", func(p *procedure.Procedure) { p.Code = "1.001193.h38" }, "code", "not a procedure code"},
	{"empty code", func(p *procedure.Procedure) { p.Code = "" }, "code", "not a procedure code"},
	{"no name", func(p *procedure.Procedure) { p.Name = " " }, "name", "needs a name"},
	{"name with spaces", func(p *procedure.Procedure) { p.Name = " Thủ tục đăng ký khai sinh" }, "name", "spaces"},
	{"name without diacritics", func(p *procedure.Procedure) { p.Name = "Thu tuc dang ky khai sinh" }, "name", "no Vietnamese diacritics"},
	{"decomposed name", func(p *procedure.Procedure) { p.Name = "Thu\u0309 tu\u0323c đăng ký khai sinh" }, "name", "NFC"},
	{"no field", func(p *procedure.Procedure) { p.Field = procedure.Field{} }, "field.name", "needs a field"},
	{"no level", func(p *procedure.Procedure) { p.Level = 0 }, "level", "province, district or commune"},
	{"no duration", func(p *procedure.Procedure) { p.Duration = sla.Duration{} }, "duration", "unset"},
	{"negative duration", func(p *procedure.Procedure) { p.Duration = sla.WorkingDays(-1) }, "duration", "negative"},
	{"online time without the channel", func(p *procedure.Procedure) {
		p.Channels = []procedure.Channel{procedure.Direct}
		p.OnlineLevel = procedure.NotOnline
		p.OnlineDuration = sla.WorkingHours(4)
	}, "onlineDuration", "does not allow the online channel"},
	{"postal time without the channel", func(p *procedure.Procedure) {
		p.Channels = []procedure.Channel{procedure.Direct, procedure.Online}
		p.PostalDuration = sla.WorkingDays(30)
	}, "postalDuration", "does not allow the postal channel"},
	{"invalid direct time", func(p *procedure.Procedure) { p.DirectDuration = sla.WorkingDays(-1) }, "directDuration", "the direct processing time is"},
	{"steps longer than the online time", func(p *procedure.Procedure) {
		p.Duration = sla.WorkingDays(3)
		p.OnlineDuration = sla.WorkingHours(4)
	}, "steps", "more than the online processing time 04 giờ làm việc allows"},
	{"on the spot with a long direct time", func(p *procedure.Procedure) {
		p.OnTheSpot = true
		p.DirectDuration = sla.WorkingDays(2)
	}, "onTheSpot", "cannot take 02 ngày làm việc"},
	{"no channel", func(p *procedure.Procedure) { p.Channels = nil; p.OnlineLevel = procedure.NotOnline }, "channels", "at least one channel"},
	{"unknown channel", func(p *procedure.Procedure) { p.Channels = append(p.Channels, 7) }, "channels[3]", "not a channel"},
	{"channel twice", func(p *procedure.Procedure) { p.Channels = append(p.Channels, procedure.Direct) }, "channels[3]", "listed twice"},
	{"full online without the online channel", func(p *procedure.Procedure) {
		p.Channels = []procedure.Channel{procedure.Direct, procedure.Postal}
		p.OnlineLevel = procedure.Full
	}, "onlineLevel", "full online service (toàn trình) must allow the online channel"},
	{"partial online without the online channel", func(p *procedure.Procedure) {
		p.Channels = []procedure.Channel{procedure.Direct}
		p.OnlineLevel = procedure.Partial
	}, "onlineLevel", "must allow the online channel"},
	{"online channel without a level", func(p *procedure.Procedure) { p.OnlineLevel = procedure.NotOnline }, "onlineLevel", "partial or full"},
	{"on the spot in 15 days", func(p *procedure.Procedure) {
		p.OnTheSpot = true
		p.Duration = sla.WorkingDays(15)
	}, "onTheSpot", "cannot take 15 ngày làm việc"},
	{"negative fee", func(p *procedure.Procedure) { p.Fees[0].Amount = -8000 }, "fees[0].amount", "negative"},
	{"fee without a name", func(p *procedure.Procedure) { p.Fees[0].Name = "" }, "fees[0].name", "needs a name"},
	{"fee for a channel not allowed", func(p *procedure.Procedure) {
		p.Channels = []procedure.Channel{procedure.Direct, procedure.Online}
		p.Fees[0].Channel = procedure.Postal
	}, "fees[0].channel", "does not allow"},
	{"document without a name", func(p *procedure.Procedure) { p.Documents[0].Name = "" }, "documents[0].name", "needs a name"},
	{"negative copies", func(p *procedure.Procedure) { p.Documents[0].Copies = -1 }, "documents[0].copies", "negative"},
	{"step without a name", func(p *procedure.Procedure) { p.Steps[1].Name = "" }, "steps[1].name", "a step needs a name"},
	{"step in calendar days", func(p *procedure.Procedure) { p.Steps[0].Duration = sla.CalendarDays(1) }, "steps[0].duration", "working days or working hours"},
	{"step without time", func(p *procedure.Procedure) { p.Steps[0].Duration = sla.Duration{} }, "steps[0].duration", "unset"},
	{"steps longer than the working day of a same-day limit", func(p *procedure.Procedure) {
		p.Steps[1].Duration = sla.WorkingHours(8)
	}, "steps", "take 1 ngày 1 giờ làm việc"},
	{"steps longer than the working days", func(p *procedure.Procedure) {
		p.Duration = sla.WorkingDays(1)
		p.Steps[1].Duration = sla.WorkingDays(1)
	}, "steps", "more than the processing time 01 ngày làm việc"},
	{"steps longer than the calendar days", func(p *procedure.Procedure) {
		p.Duration = sla.CalendarDays(2)
		p.Steps[1].Duration = sla.WorkingDays(2)
	}, "steps", "02 ngày"},
	{"empty legal basis", func(p *procedure.Procedure) { p.LegalBasis = []string{""} }, "legalBasis[0]", "empty"},
	{"impossible date", func(p *procedure.Procedure) { p.EffectiveFrom = sla.Date{Year: 2025, Month: 2, Day: 29} }, "effectiveFrom", "not a date"},
	{"ends before it starts", func(p *procedure.Procedure) { p.EffectiveTo = sla.Date{Year: 2025, Month: 6, Day: 30} }, "effectiveTo", "before effectiveFrom"},
}

func TestValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, birth().Validate())
	for _, tt := range validateTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := birth()
			tt.change(&p)
			err := p.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, procedure.ErrInvalid)
			var ve *procedure.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Contains(t, ve.Reason, tt.reason)
			assert.Equal(t, p.Code, ve.Code)
			assert.Equal(t, -1, ve.Index)
		})
	}
}

func TestValidateFits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		duration sla.Duration
		steps    []sla.Duration
	}{
		{"working days exactly", sla.WorkingDays(3), []sla.Duration{sla.WorkingHours(4), sla.WorkingDays(2), sla.WorkingHours(4)}},
		{"a same-day limit holds one working day", sla.SameDay(15 * time.Hour), []sla.Duration{sla.WorkingHours(8)}},
		{"calendar days hold as many working days", sla.CalendarDays(20), []sla.Duration{sla.WorkingDays(20)}},
		{"months hold 31 working days each", sla.Months(1), []sla.Duration{sla.WorkingDays(31)}},
		{"working hours", sla.WorkingHours(4), []sla.Duration{sla.WorkingHours(1), sla.WorkingHours(3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := birth()
			p.Duration = tt.duration
			p.Steps = nil
			for i, d := range tt.steps {
				p.Steps = append(p.Steps, procedure.Step{Name: "Bước " + string(rune('1'+i)), Duration: d})
			}
			assert.NoError(t, p.Validate())
		})
	}
}

// The national portal publishes a limit per channel, and one channel's may
// be shorter or longer than another's.
func TestValidateAcceptsChannelLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(p *procedure.Procedure)
	}{
		{"1.012753: online shorter, postal longer", func(p *procedure.Procedure) {
			p.Duration, p.OnlineDuration, p.PostalDuration = sla.WorkingDays(20), sla.WorkingDays(17), sla.WorkingDays(30)
		}},
		{"1.013225: direct shorter than online and postal", func(p *procedure.Procedure) {
			p.Duration, p.DirectDuration = sla.CalendarDays(20), sla.CalendarDays(15)
		}},
		{"an online limit longer than the general one", func(p *procedure.Procedure) {
			p.Duration, p.OnlineDuration = sla.CalendarDays(15), sla.CalendarDays(20)
		}},
		{"every channel with its own limit", func(p *procedure.Procedure) {
			p.DirectDuration, p.OnlineDuration, p.PostalDuration = sla.WorkingDays(1), sla.WorkingDays(2), sla.WorkingDays(3)
		}},
		{"on the spot at the counter, longer by post", func(p *procedure.Procedure) {
			p.OnTheSpot = true
			p.PostalDuration = sla.WorkingDays(5)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := birth()
			tt.change(&p)
			assert.NoError(t, p.Validate())
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	p := birth()
	p.Code = "x"
	p.Fees[0].Amount = -1
	p.Steps[0].Name = ""
	err := p.Validate()
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ve *procedure.ValidationError
		require.ErrorAs(t, e, &ve)
		fields = append(fields, ve.Field)
	}
	assert.Equal(t, []string{"code", "fees[0].amount", "steps[0].name"}, fields)
}

func TestValidationError(t *testing.T) {
	t.Parallel()
	cause := errors.New("cause")
	tests := []struct {
		name string
		err  *procedure.ValidationError
		want string
	}{
		{"procedure and field", &procedure.ValidationError{Code: "1.001193", Index: -1, Field: "steps[2].name", Reason: "a step needs a name"},
			"procedure: 1.001193: steps[2].name: a step needs a name"},
		{"position in a file", &procedure.ValidationError{Code: "1.001193", Index: 3, Field: "fees[0].amount", Reason: "-1 VND is negative"},
			"procedure: #3 (1.001193): fees[0].amount: -1 VND is negative"},
		{"position without a code", &procedure.ValidationError{Index: 0, Field: "code", Reason: `"" is not a procedure code`},
			`procedure: #0: code: "" is not a procedure code`},
		{"whole file", &procedure.ValidationError{Index: -1, Reason: "malformed JSON", Err: cause}, "procedure: malformed JSON"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.err.Error(), tt.name)
		assert.ErrorIs(t, tt.err, procedure.ErrInvalid, tt.name)
	}
	assert.ErrorIs(t, tests[3].err, cause)
}

func TestValidCode(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]bool{
		"1.001193": true, "2.000635": true, "1.000948.H38": true, "3.000182": true,
		"1.001193.": false, "0.001193": false, "1.0011934": false, "1.001193.38": false, " 1.001193": false,
	} {
		assert.Equal(t, want, procedure.ValidCode(code), code)
	}
}

func TestValidateHugeLimitsDoNotOverflow(t *testing.T) {
	t.Parallel()
	p := birth()
	p.Duration = sla.Months(100_000)
	p.Steps = nil
	for range 10 {
		p.Steps = append(p.Steps, procedure.Step{Name: "Bước", Duration: sla.WorkingDays(100_000)})
	}
	assert.NoError(t, p.Validate(), "100,000 months hold ten steps of 100,000 working days")
	p.Duration = sla.WorkingDays(100_000)
	assert.ErrorContains(t, p.Validate(), "more than the processing time")
}

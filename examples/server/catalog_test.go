package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/procedure"
	"github.com/motcua/motcua/sla"
)

// The procedure's view shows the limit of each channel that has its own.
func TestViewProcedureChannelLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code                            string
		general, direct, online, postal string
	}{
		{"1.012753", "20 ngày làm việc", "", "17 ngày làm việc", "30 ngày làm việc"},
		{"1.013225", "20 ngày", "15 ngày", "", ""},
		{"1.001193", "trong ngày, sau 15 giờ chuyển sang ngày làm việc tiếp theo", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			p, err := procedure.Sample().Lookup(tt.code, time.Date(2026, 6, 10, 9, 0, 0, 0, sla.ICT))
			require.NoError(t, err)
			v := viewProcedure(p)
			assert.Equal(t, tt.general, v.Duration)
			assert.Equal(t, tt.direct, v.DirectDuration)
			assert.Equal(t, tt.online, v.OnlineDuration)
			assert.Equal(t, tt.postal, v.PostalDuration)
		})
	}
}

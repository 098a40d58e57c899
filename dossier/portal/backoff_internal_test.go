package portal

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/procedure"
)

// Backoff doubles from MinBackoff up to MaxBackoff, with equal jitter: the
// wait after attempt k lies in [d/2, d] for d = min(Max, Min·2^(k-1)), so
// the first retry waits at most MinBackoff; no attempt count overflows it.
func TestBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		min, max time.Duration
		attempt  int
		want     time.Duration // d
	}{
		{time.Second, 15 * time.Minute, 1, time.Second},
		{time.Second, 15 * time.Minute, 2, 2 * time.Second},
		{time.Second, 15 * time.Minute, 5, 16 * time.Second},
		{time.Second, 15 * time.Minute, 10, 512 * time.Second},
		{time.Second, 15 * time.Minute, 11, 15 * time.Minute},
		{time.Second, 15 * time.Minute, 63, 15 * time.Minute},
		{time.Second, 15 * time.Minute, 64, 15 * time.Minute},
		{time.Second, 15 * time.Minute, math.MaxInt, 15 * time.Minute},
		{time.Hour, math.MaxInt64, 40, math.MaxInt64},
		{3 * time.Millisecond, 3 * time.Millisecond, 1, 3 * time.Millisecond},
		{1, 1, 7, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s-%s-%d", tt.min, tt.max, tt.attempt), func(t *testing.T) {
			t.Parallel()
			s := &Syncer{minBackoff: tt.min, maxBackoff: tt.max}
			for range 200 {
				got := s.backoff(tt.attempt)
				assert.GreaterOrEqual(t, got, tt.want/2)
				assert.LessOrEqual(t, got, tt.want)
			}
		})
	}
}

// The waits are spread, so that Syncers that failed together do not retry
// together.
func TestBackoffJitter(t *testing.T) {
	t.Parallel()
	s := &Syncer{minBackoff: time.Second, maxBackoff: time.Hour}
	seen := map[time.Duration]bool{}
	for range 100 {
		seen[s.backoff(4)] = true
	}
	assert.Greater(t, len(seen), 50)
}

func TestText(t *testing.T) {
	t.Parallel()
	got := text(errors.New(strings.Repeat("ệ", 600)))
	assert.LessOrEqual(t, len(got), maxCause)
	assert.Greater(t, len(got), maxCause-len("ệ"))
	assert.Equal(t, strings.Repeat("ệ", len(got)/len("ệ")), got, "cut between characters")
	assert.Equal(t, "short", text(errors.New("short")))
}

// MaxBackoff's default follows MinBackoff, so that a Syncer with small
// backoffs never waits long, up to 15 minutes.
func TestDefaultMaxBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		min, max, want time.Duration
	}{
		{0, 0, 15 * time.Minute},
		{time.Millisecond, 0, 1024 * time.Millisecond},
		{100 * time.Millisecond, 0, 102400 * time.Millisecond},
		{time.Second, 0, 15 * time.Minute},
		{time.Hour, 0, time.Hour},
		{math.MaxInt64, 0, math.MaxInt64},
		{time.Millisecond, time.Minute, time.Minute},
	}
	for _, tt := range tests {
		s, err := NewSyncer(Config{Store: memstore.New(), Catalog: procedure.Sample(), Sender: SenderFunc(nil), MinBackoff: tt.min, MaxBackoff: tt.max})
		if assert.NoError(t, err) {
			assert.Equal(t, tt.want, s.maxBackoff, "MinBackoff %s", tt.min)
		}
	}
}

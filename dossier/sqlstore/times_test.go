package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/sla"
)

// An embedder's own table keeps times as the store's do, and compares them
// with bounds exactly, to the nanosecond.
func TestTimeArgs(t *testing.T) {
	t.Parallel()
	dialects(t, func(t *testing.T, newStore func(t testing.TB) *sqlstore.Store) {
		ctx := context.Background()
		s := newStore(t)
		column := map[sqlstore.Dialect]string{sqlstore.PostgreSQL: "timestamptz", sqlstore.SQLite: "INTEGER"}[s.Dialect()]
		_, err := s.DB().ExecContext(ctx, `CREATE TABLE visits (n integer NOT NULL, at `+column+`)`)
		require.NoError(t, err)
		at := time.Date(2025, time.March, 3, 8, 0, 0, 1500, time.UTC) // 1.5 µs past the second
		for n, v := range []time.Time{at, {}} {
			_, err := s.DB().ExecContext(ctx, `INSERT INTO visits (n, at) VALUES ($1, $2)`, n, s.TimeArg(v))
			require.NoError(t, err)
		}
		tests := []struct {
			name   string
			where  string
			bound  time.Time
			want   []int
			wantAt time.Time // of the first row
		}{
			{"kept to the microsecond", "at >= $1", at.Add(-time.Second), []int{0}, at.Truncate(time.Microsecond)},
			{"from the stored instant", "at >= $1", at.Truncate(time.Microsecond), []int{0}, at.Truncate(time.Microsecond)},
			{"from a nanosecond later", "at >= $1", at.Truncate(time.Microsecond).Add(1), nil, time.Time{}},
			{"before a nanosecond later", "at < $1", at.Truncate(time.Microsecond).Add(1), []int{0}, at.Truncate(time.Microsecond)},
			{"before the stored instant", "at < $1", at.Truncate(time.Microsecond), nil, time.Time{}},
		}
		for _, tt := range tests {
			rows, err := s.DB().QueryContext(ctx, `SELECT n, at FROM visits WHERE `+tt.where+` ORDER BY n`, s.BoundArg(tt.bound))
			require.NoError(t, err, tt.name)
			var (
				got   []int
				first time.Time
			)
			for rows.Next() {
				var (
					n int
					v time.Time
				)
				require.NoError(t, rows.Scan(&n, sqlstore.ScanTime(&v)), tt.name)
				if got == nil {
					first = v
				}
				got = append(got, n)
			}
			require.NoError(t, rows.Err(), tt.name)
			assert.Equal(t, tt.want, got, tt.name)
			assert.True(t, first.Equal(tt.wantAt), "%s: %s, want %s", tt.name, first, tt.wantAt)
			if !first.IsZero() {
				assert.Equal(t, sla.ICT, first.Location(), tt.name)
			}
		}
		var null time.Time
		require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT at FROM visits WHERE n = 1`).Scan(sqlstore.ScanTime(&null)))
		assert.True(t, null.IsZero(), "NULL scans as the zero time")
	})
}

package sqlstore

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Both dialects have the same migrations, numbered from 1 with no gap.
func TestMigrationsMatch(t *testing.T) {
	t.Parallel()
	pg, err := migrations(PostgreSQL)
	require.NoError(t, err)
	lite, err := migrations(SQLite)
	require.NoError(t, err)
	require.NotEmpty(t, pg)
	require.Len(t, lite, len(pg))
	for i := range pg {
		assert.Equal(t, i+1, pg[i].version)
		assert.Equal(t, pg[i].name, lite[i].name, "migration %d", i+1)
	}
}

func TestPasswords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dsn  string
		want []string
	}{
		{"postgres://u:pw1@h/db", []string{"pw1"}},
		{"postgres://u:p%40ss@h/db", []string{"p@ss", "p%40ss"}},
		{"postgres://u@h/db?password=pw2", []string{"pw2"}},
		{"postgres://u:pw3@h:port/db", []string{"pw3"}},
		{"host=h password=pw4 user=u", []string{"pw4"}},
		{"host=h password='pw5' user=u", []string{"pw5"}},
		{"postgres://h/db", nil},
	}
	for _, tt := range tests {
		got := passwords(tt.dsn)
		for _, w := range tt.want {
			assert.Contains(t, got, w, tt.dsn)
		}
		if tt.want == nil {
			assert.Empty(t, got, tt.dsn)
		}
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	inner := errors.New("cannot reach u:hunter2@h")
	err := redact(inner, "postgres://u:hunter2@h/db")
	assert.Equal(t, "cannot reach u:xxxxx@h", err.Error())
	assert.NotErrorIs(t, err, inner, "the error holding the password is not kept")
	clean := errors.New("connection refused")
	assert.Same(t, clean, redact(clean, "postgres://u:hunter2@h/db"))
}

func TestValuesList(t *testing.T) {
	t.Parallel()
	pg, lite := &Store{dialect: PostgreSQL}, &Store{dialect: SQLite}
	assert.Equal(t, "($1, $2)", pg.valuesList(1, 2))
	assert.Equal(t, "($1, $2, $3), ($4, $5, $6)", pg.valuesList(2, 3))
	assert.Equal(t, "(?, ?, ?), (?, ?, ?)", lite.valuesList(2, 3))
}

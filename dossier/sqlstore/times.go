package sqlstore

import (
	"database/sql"
	"time"
)

// TimeArg returns t as the store's time columns keep it, as an argument of
// a query on a table of the embedder's own in the store's database (see
// DB): Unix microseconds in SQLite, the instant to the microsecond in
// PostgreSQL; NULL for the zero time.
func (s *Store) TimeArg(t time.Time) any { return s.timeArg(t) }

// BoundArg returns t as a bound to compare a time column with: rounded up
// to the microsecond, which the columns keep, so that "col >= bound" and
// "col < bound" are exact for any t.
func (s *Store) BoundArg(t time.Time) any { return s.boundArg(t) }

// ScanTime returns a destination for Rows.Scan that reads a time column of
// either dialect into *t, in sla.ICT; NULL is the zero time.
func ScanTime(t *time.Time) sql.Scanner { return timeCol{t} }

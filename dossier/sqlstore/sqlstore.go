package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/motcua/motcua/dossier"
)

// A Dialect is the SQL database a Store talks to.
type Dialect uint8

const (
	// PostgreSQL is for production and for several instances sharing one
	// database. Use the pgx v5 stdlib driver ("pgx").
	PostgreSQL Dialect = iota + 1
	// SQLite is the embedded default: one file, no server. Use the
	// modernc.org/sqlite driver ("sqlite").
	SQLite
)

// String returns "PostgreSQL" or "SQLite".
func (d Dialect) String() string {
	switch d {
	case PostgreSQL:
		return "PostgreSQL"
	case SQLite:
		return "SQLite"
	}
	return fmt.Sprintf("Dialect(%d)", uint8(d))
}

// ErrUnknownScheme means Open was given a DSN it cannot read. The error
// lists the forms Open accepts.
var ErrUnknownScheme = errors.New("sqlstore: unknown DSN scheme")

// A Store keeps dossiers in PostgreSQL or SQLite. It is safe
// for concurrent use, and several Stores, in one process or many, may share
// one database. Call Migrate once before using a new database, and Close
// when done: a Store runs a goroutine that commits its writes in groups.
type Store struct {
	db      *sql.DB
	dialect Dialect
	owned   bool // Close closes db: Open made it
	q       queries
	cache   cache
	stmts   struct {
		sync.Mutex
		m     map[string]*sql.Stmt // see prepared
		texts map[insertKey]string // see insertText
		cold  []string             // see prepareCold
	}
	noOutbox atomic.Bool // see SetOutbox

	// writers lets one SQLite write at a time into the database from this
	// process: the group commits of writeLoop, the ratings, Migrate.
	// SQLite has a single writer anyway; queuing here, where a waiter can
	// give up with its context, beats spinning in SQLite's busy handler.
	// Other processes still wait on busy_timeout. Nil for PostgreSQL,
	// whose row locks do better.
	writers chan struct{}

	// reqs queues the writes for the store's writer (see group), which
	// closes stopped when it returns.
	reqs     chan *request
	stopped  chan struct{}
	stop     func()
	stopOnce sync.Once
}

// The pool sizes Open sets. PostgreSQL's default max_connections is 100, so
// a few instances fit; SQLite connections are cheap, and in WAL mode readers
// do not wait for the writer.
const (
	postgresConns = 16
	sqliteConns   = 8
)

// sqliteParams are set on every SQLite connection Open makes:
//   - busy_timeout first, so that the others wait for a lock instead of
//     failing;
//   - WAL, so that readers and the writer do not block each other;
//   - synchronous FULL, so that a committed dossier survives a power cut,
//     not only a crash of the process (NORMAL would only survive the latter
//     in WAL mode);
//   - foreign keys on, which SQLite leaves off by default;
//   - BEGIN IMMEDIATE, so that a transaction takes the write lock when it
//     starts and cannot fail later on upgrading a read lock.
var sqliteParams = []struct{ name, param string }{
	{"busy_timeout", "_pragma=busy_timeout(10000)"},
	{"journal_mode", "_pragma=journal_mode(WAL)"},
	{"synchronous", "_pragma=synchronous(FULL)"},
	{"foreign_keys", "_pragma=foreign_keys(1)"},
	{"_txlock", "_txlock=immediate"},
}

// Open connects to the database that dsn names and checks that it answers.
// It does not change the schema: call Migrate. The forms are:
//
//	postgres://user:password@host:5432/dbname?sslmode=disable   PostgreSQL, through pgx
//	postgresql://…                                              the same
//	sqlite:/var/lib/motcua/motcua.db                            SQLite, a file created if missing
//	file:/var/lib/motcua/motcua.db                              the same
//
// A PostgreSQL DSN takes pgx's parameters, such as sslmode, and libpq's
// environment variables (PGPASSWORD, …). A SQLite DSN may carry
// modernc.org/sqlite's parameters after "?"; Open adds WAL mode, full
// synchronous commits, foreign keys, a 10 s busy timeout and BEGIN
// IMMEDIATE. An in-memory SQLite database is refused: each connection of
// the pool would get its own, so use a file (or memstore).
//
// No error from Open contains the DSN's password.
func Open(ctx context.Context, dsn string) (*Store, error) {
	scheme, rest, _ := strings.Cut(dsn, ":")
	var (
		db      *sql.DB
		dialect Dialect
	)
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, redact(fmt.Errorf("sqlstore: reading the PostgreSQL DSN: %w", err), dsn)
		}
		db, dialect = stdlib.OpenDB(*cfg), PostgreSQL
		db.SetMaxOpenConns(postgresConns)
		db.SetMaxIdleConns(postgresConns)
	case "sqlite", "file":
		name, err := sqliteDSN(rest)
		if err != nil {
			return nil, err
		}
		if db, err = sql.Open("sqlite", name); err != nil {
			return nil, fmt.Errorf("sqlstore: opening SQLite: %w", err)
		}
		dialect = SQLite
		db.SetMaxOpenConns(sqliteConns)
		db.SetMaxIdleConns(sqliteConns)
	default:
		return nil, schemeError(scheme)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, redact(fmt.Errorf("sqlstore: connecting to %s: %w", dialect, err), dsn)
	}
	s, err := New(db, dialect)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// schemeError reports a DSN that Open cannot read. It quotes the scheme
// only, and only when it looks like one: the rest of a DSN, or a keyword/value
// DSN with no scheme ("host=… password=…"), may hold a password.
func schemeError(scheme string) error {
	const want = "want postgres://user:password@host/dbname, postgresql://…, sqlite:PATH or file:PATH"
	if len(scheme) == 0 || len(scheme) > 20 || strings.ContainsFunc(scheme, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '+' || r == '-' || r == '.')
	}) {
		return fmt.Errorf("%w: the DSN has no scheme; %s", ErrUnknownScheme, want)
	}
	return fmt.Errorf("%w %q: %s", ErrUnknownScheme, scheme, want)
}

// sqliteDSN turns the part of a DSN after "sqlite:" or "file:" into
// modernc.org/sqlite's DSN with the store's parameters.
func sqliteDSN(rest string) (string, error) {
	path, query, _ := strings.Cut(rest, "?")
	if path == "" {
		return "", errors.New("sqlstore: the SQLite DSN has no path: want sqlite:PATH or file:PATH")
	}
	if path == ":memory:" || strings.Contains(query, "mode=memory") || strings.HasPrefix(path, ":memory:") {
		return "", errors.New("sqlstore: an in-memory SQLite database would be one per connection; use a file, or dossier/memstore")
	}
	// The caller's parameters first; a default the caller set is left out,
	// so that, say, sqlite:PATH?_pragma=synchronous(NORMAL) trades the
	// last commits before a power cut for speed.
	var params []string
	if query != "" {
		params = append(params, query)
	}
	for _, p := range sqliteParams {
		// The name also matches modernc.org/sqlite's shorthands, such as
		// _synchronous=NORMAL.
		if !strings.Contains(strings.ToLower(query), p.name) {
			params = append(params, p.param)
		}
	}
	// SQLite reads the name as a URI: keep % and # in a path literal.
	path = strings.NewReplacer("%", "%25", "#", "%23").Replace(path)
	return "file:" + path + "?" + strings.Join(params, "&"), nil
}

// New returns a Store on db, which the caller opened with the driver for d:
// pgx v5's stdlib ("pgx") for PostgreSQL, modernc.org/sqlite ("sqlite") for
// SQLite. For SQLite, set WAL mode, a busy timeout and foreign keys on every
// connection, as Open does. Close does not close db: its owner does.
func New(db *sql.DB, d Dialect) (*Store, error) {
	if db == nil {
		return nil, errors.New("sqlstore: New needs a *sql.DB")
	}
	s := &Store{db: db, dialect: d}
	switch d {
	case PostgreSQL:
		s.q = postgresQueries
	case SQLite:
		s.q = sqliteQueries
	default:
		return nil, fmt.Errorf("sqlstore: unknown dialect %d: want PostgreSQL or SQLite", uint8(d))
	}
	if d == SQLite {
		s.writers = make(chan struct{}, 1)
	}
	s.reqs = make(chan *request, maxBatch)
	s.stopped = make(chan struct{})
	quit := make(chan struct{})
	s.stop = func() {
		close(quit)
		<-s.stopped
	}
	go s.writeLoop(quit)
	return s, nil
}

// Dialect returns the database the store talks to.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB returns the store's connection pool, for embedders who add their own
// tables or run reports in SQL.
func (s *Store) DB() *sql.DB { return s.db }

// Close stops the store's writer, once the writes it has begun are
// committed, and closes the connection pool if Open made it; a Store from
// New leaves the caller's *sql.DB open. Writes still waiting for their
// turn return ErrClosed.
func (s *Store) Close() error {
	s.stopOnce.Do(s.stop)
	var err error
	s.stmts.Lock()
	for _, st := range s.stmts.m {
		err = errors.Join(err, st.Close())
	}
	s.stmts.m = nil
	s.stmts.Unlock()
	if !s.owned {
		return err
	}
	return errors.Join(err, s.db.Close())
}

// write runs f while holding the store's write turn (SQLite only), giving up
// when ctx ends.
func (s *Store) write(ctx context.Context, f func() error) error {
	if s.writers != nil {
		select {
		case s.writers <- struct{}{}:
			defer func() { <-s.writers }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return f()
}

// redact returns err, or an error with the same text less every password
// that dsn holds when the text contains one. pgx takes care not to quote
// passwords; this guards against a driver or a future version that does.
func redact(err error, dsn string) error {
	msg := err.Error()
	leaked := false
	for _, pw := range passwords(dsn) {
		if strings.Contains(msg, pw) {
			msg, leaked = strings.ReplaceAll(msg, pw, "xxxxx"), true
		}
	}
	if !leaked {
		return err
	}
	// Not wrapped: the wrapped error's text holds the password.
	return errors.New(msg)
}

// Redact returns dsn with every password it may hold (in a URL's user
// information, a password parameter, or a keyword/value password) replaced
// by xxxxx, for logs and messages.
func Redact(dsn string) string {
	for _, pw := range passwords(dsn) {
		dsn = strings.ReplaceAll(dsn, pw, "xxxxx")
	}
	return dsn
}

// passwords returns the passwords that dsn may hold: in the URL's user
// information, a password parameter, or a keyword/value password.
func passwords(dsn string) []string {
	var out []string
	add := func(pw string) {
		if pw != "" {
			out = append(out, pw)
			if esc := url.QueryEscape(pw); esc != pw {
				out = append(out, esc)
			}
		}
	}
	if u, err := url.Parse(dsn); err == nil {
		if pw, ok := u.User.Password(); ok {
			add(pw)
		}
		add(u.Query().Get("password"))
	}
	// The raw user information, in case the URL does not parse.
	if _, rest, ok := strings.Cut(dsn, "://"); ok {
		if at := strings.LastIndexByte(rest, '@'); at >= 0 {
			if _, pw, ok := strings.Cut(rest[:at], ":"); ok {
				add(pw)
			}
		}
	}
	for _, f := range strings.Fields(dsn) {
		if v, ok := strings.CutPrefix(f, "password="); ok {
			add(strings.Trim(v, `'`))
		}
	}
	return out
}

var _ dossier.FactStore = (*Store)(nil)

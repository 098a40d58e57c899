package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/motcua/motcua/dossier"
	"github.com/motcua/motcua/dossier/memstore"
	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/rating"
)

// A backend is what the server keeps its data in: the dossiers, the ratings,
// the desk's own tables (officers, sessions, the queue's index), a way to
// ask whether the database answers, and a way to close it once the last
// request has finished.
type backend interface {
	dossier.Store
	Ratings() rating.Store
	Desk() *deskStore
	Ping(ctx context.Context) error
	Close() error
}

// openBackend opens the store that dsn names: "memory" keeps everything in
// the process (for trying the API; it is lost on exit).
func openBackend(ctx context.Context, dsn string) (backend, error) {
	switch {
	case dsn == "memory" || dsn == "memory:":
		return newMemoryBackend(ctx)
	case strings.HasPrefix(dsn, "sqlite:"), strings.HasPrefix(dsn, "file:"),
		strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openSQL(ctx, dsn)
	}
	return nil, fmt.Errorf("-db %q: want sqlite:PATH, postgres://… or memory", sqlstore.Redact(dsn))
}

// memoryBackend keeps dossiers and ratings in memory, and the desk's tables
// in an SQLite database in memory.
type memoryBackend struct {
	*memstore.Store
	ratings *rating.MemStore
	desk    *deskStore
}

func newMemoryBackend(ctx context.Context) (*memoryBackend, error) {
	desk, err := newMemoryDeskStore(ctx)
	if err != nil {
		return nil, err
	}
	return &memoryBackend{Store: memstore.New(), ratings: rating.NewMemStore(), desk: desk}, nil
}

func (b *memoryBackend) Ratings() rating.Store          { return b.ratings }
func (b *memoryBackend) Desk() *deskStore               { return b.desk }
func (b *memoryBackend) Ping(ctx context.Context) error { return ctx.Err() }
func (b *memoryBackend) Close() error                   { return b.desk.Close() }

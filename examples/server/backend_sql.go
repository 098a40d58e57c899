package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/motcua/motcua/dossier/sqlstore"
	"github.com/motcua/motcua/rating"
	"github.com/motcua/motcua/rating/sqlrating"
)

// sqlBackend keeps the dossiers and the ratings in PostgreSQL or SQLite.
type sqlBackend struct {
	*sqlstore.Store
	ratings *sqlrating.Store
	desk    *deskStore
}

// openSQL opens the SQL store that dsn names and brings its schema up to
// date, so that a new SQLite file needs no set-up.
func openSQL(ctx context.Context, dsn string) (backend, error) {
	st, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("migrating the database: %w", err)
	}
	desk := newDeskStore(st.DB(), st.Dialect())
	if err := desk.Migrate(ctx); err != nil {
		desk.Close()
		st.Close()
		return nil, err
	}
	return sqlBackend{st, sqlrating.New(st), desk}, nil
}

// Ping asks the database a question, which proves more than a connection.
func (b sqlBackend) Ping(ctx context.Context) error {
	var one int
	return b.DB().QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

func (b sqlBackend) Ratings() rating.Store { return b.ratings }
func (b sqlBackend) Desk() *deskStore      { return b.desk }

// Close closes the desk's tables, then the store.
func (b sqlBackend) Close() error { return errors.Join(b.desk.Close(), b.Store.Close()) }

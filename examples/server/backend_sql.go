package main

import (
	"context"
	"errors"
)

// openSQL will open the SQL store once package dossier/sqlstore is published.
func openSQL(ctx context.Context, dsn string) (backend, error) {
	return nil, errors.New("the SQL store (dossier/sqlstore) is not available yet: use -db memory")
}

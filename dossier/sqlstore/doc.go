// Package sqlstore is a database/sql dossier.Store for PostgreSQL and SQLite.
package sqlstore

-- Nothing to do: SQLite already reads ListFacts' queries from
-- dossiers_live alone (PostgreSQL's migration 0005 makes its index do
-- the same).
SELECT 1;

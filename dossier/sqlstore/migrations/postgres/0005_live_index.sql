-- dossiers_live holds finished_at too: PostgreSQL reads a query of
-- COALESCE(finished_at, 'infinity') from an index alone only when the
-- index has the column itself, not only the expression. Without it every
-- dossier ListFacts read was a fetch of its row from the table.
DROP INDEX dossiers_live;
CREATE INDEX dossiers_live ON dossiers ((COALESCE(finished_at, 'infinity')), registered_at) INCLUDE (finished_at, facts);

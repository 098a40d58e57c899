// Package sqlrating keeps citizens' ratings in the SQL database of a
// dossier/sqlstore.Store, beside the dossiers they rate: PostgreSQL or
// SQLite. A *Store is a rating.Store and passes ratingtest.Run on both.
//
//	st, err := sqlstore.Open(ctx, "sqlite:/var/lib/motcua/motcua.db")
//	if err != nil { … }
//	defer st.Close()
//	if err := st.Migrate(ctx); err != nil { … } // creates the table ratings too
//	ratings := sqlrating.New(st)
//
// The package sits above package rating, as the layers of the module want:
// dossier/sqlstore owns the schema and knows nothing of ratings but their
// table, which its Migrate creates.
//
// Add refuses a rating of a dossier that the database does not hold, with
// an error matching dossier.ErrNotFound. It checks and inserts in one
// statement, so that no rating, whoever adds it, names a missing dossier.
// When a dossier may be rated (once its result is ready) is rating.Rate's
// rule: take ratings through it.
//
// # Schema
//
// The table ratings holds one row per rating, numbered in the order they
// arrived: the dossier code (NULL for a kiosk's rating of a visit), the
// level 1–3, the comment in Unicode NFC, the time (timestamptz in
// PostgreSQL, Unix microseconds in SQLite; both give times back in
// sla.ICT) and the channel. A unique index on the code keeps at most one
// rating per dossier; NULLs are distinct in it, so kiosk ratings are not
// limited. List reads the index ratings_time (rated_at, id), so a period is
// one range scan in the order List promises.
package sqlrating

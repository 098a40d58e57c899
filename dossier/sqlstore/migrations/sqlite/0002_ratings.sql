-- Citizens' satisfaction ratings (đánh giá mức độ hài lòng), at most one
-- per dossier (DESIGN.md). A rating given at a kiosk for a visit with no
-- dossier has a NULL dossier_code; NULLs are distinct in a unique index, so
-- there may be any number of those.
CREATE TABLE ratings (
    id           INTEGER PRIMARY KEY, -- the order ratings arrived in
    dossier_code TEXT,
    level        INTEGER NOT NULL,    -- 1 very satisfied, 2 satisfied, 3 not satisfied
    comment      TEXT NOT NULL,       -- Unicode NFC
    rated_at     INTEGER NOT NULL,    -- Unix microseconds
    channel      INTEGER NOT NULL     -- the portal's channel codes 1–3; 0 unknown
);

CREATE UNIQUE INDEX ratings_dossier ON ratings (dossier_code);
-- Reports read the ratings of a period in time order, then arrival order.
CREATE INDEX ratings_time ON ratings (rated_at, id);

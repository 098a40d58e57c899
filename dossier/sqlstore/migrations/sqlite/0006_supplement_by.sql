-- A supplement request's time to supplement by (dossier.Event.SupplementBy),
-- NULL when it gives none, as it is for every other kind of event.
ALTER TABLE dossier_events ADD COLUMN supplement_by INTEGER;

-- Stage 6: the meetings of a pair. The database is the single source of truth: a meeting is
-- proposed by one side and confirmed by the other; times are stored in UTC.
CREATE TABLE meetings (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    pair_id        INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL
                   CHECK (kind IN ('acquaintance', 'trial', 'planning', 'regular', 'final')),
    status         TEXT NOT NULL
                   CHECK (status IN ('proposed', 'confirmed', 'cancelled', 'held', 'missed')),
    starts_at      TEXT NOT NULL,
    meeting_format TEXT NOT NULL CHECK (meeting_format IN ('online', 'in_person')),
    place          TEXT NOT NULL CHECK (length(place) BETWEEN 1 AND 300),
    proposed_by    INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    created_at     TEXT NOT NULL,
    decided_at     TEXT,
    cancel_reason  TEXT CHECK (cancel_reason IS NULL OR length(cancel_reason) <= 500)
);
CREATE INDEX meetings_by_pair ON meetings (pair_id, starts_at);
CREATE INDEX meetings_by_status ON meetings (status, starts_at);

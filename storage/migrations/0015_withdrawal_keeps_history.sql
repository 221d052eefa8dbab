-- A participant who withdraws is deleted with everything about them, but the other side's
-- history stays: the pair, its meetings and the partner's answers remain, with the withdrawn
-- side set to NULL (shown as «участник отозвал согласие»). Until now pairs.mentor_id,
-- pairs.mentee_id and meetings.proposed_by were ON DELETE CASCADE; SQLite cannot change a
-- foreign key in place, so both tables are rebuilt (the documented twelve-step way: the
-- migration runner turns foreign keys off around the transaction and runs
-- PRAGMA foreign_key_check before the commit). Every column, CHECK, index and row is kept,
-- and so are the AUTOINCREMENT counters, so that no id is ever handed out twice.

-- pairs ------------------------------------------------------------------------------------
CREATE TABLE pairs_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- NULL: this side withdrew their consent and was erased.
    mentor_id       INTEGER REFERENCES participants (id) ON DELETE SET NULL,
    mentee_id       INTEGER REFERENCES participants (id) ON DELETE SET NULL,
    form            TEXT NOT NULL,
    started_on      TEXT NOT NULL CHECK (date(started_on) = started_on),
    ended_on        TEXT CHECK (ended_on IS NULL OR date(ended_on) = ended_on),
    end_reason      TEXT CHECK (end_reason IS NULL OR length(end_reason) <= 500),
    directive       INTEGER NOT NULL DEFAULT 0 CHECK (directive IN (0, 1)),
    proposal_id     INTEGER REFERENCES proposals (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    cycle_id        INTEGER REFERENCES cycles (id) ON DELETE SET NULL,
    completed       INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)),
    results         TEXT CHECK (results IS NULL OR length(results) <= 1000),
    good_practice   INTEGER NOT NULL DEFAULT 0 CHECK (good_practice IN (0, 1)),
    CHECK (mentor_id <> mentee_id),
    -- An active pair has both sides: a withdrawal ends the pair before the person is deleted.
    CHECK (ended_on IS NOT NULL OR (mentor_id IS NOT NULL AND mentee_id IS NOT NULL))
);
INSERT INTO pairs_new (
    id, organization_id, mentor_id, mentee_id, form, started_on, ended_on, end_reason,
    directive, proposal_id, created_at, cycle_id, completed, results, good_practice
)
SELECT id, organization_id, mentor_id, mentee_id, form, started_on, ended_on, end_reason,
       directive, proposal_id, created_at, cycle_id, completed, results, good_practice
FROM pairs;
DELETE FROM sqlite_sequence WHERE name = 'pairs_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'pairs_new', seq FROM sqlite_sequence
WHERE name = 'pairs';
DROP TABLE pairs;
ALTER TABLE pairs_new RENAME TO pairs;

-- A mentee is in at most one active pair: the database refuses a second.
CREATE UNIQUE INDEX pairs_one_active_per_mentee ON pairs (mentee_id) WHERE ended_on IS NULL;
CREATE INDEX pairs_by_mentor ON pairs (mentor_id, ended_on);
CREATE INDEX pairs_by_organization ON pairs (organization_id, ended_on);
CREATE INDEX pairs_by_cycle ON pairs (cycle_id, ended_on);
CREATE INDEX pairs_completed_by_cycle ON pairs (cycle_id) WHERE completed = 1;
CREATE INDEX pairs_by_mentee ON pairs (mentee_id);
CREATE INDEX pairs_completed_by_organization ON pairs (organization_id, completed);

-- meetings ---------------------------------------------------------------------------------
CREATE TABLE meetings_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    pair_id        INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL
                   CHECK (kind IN ('acquaintance', 'trial', 'planning', 'regular', 'final')),
    status         TEXT NOT NULL
                   CHECK (status IN ('proposed', 'confirmed', 'cancelled', 'held', 'missed')),
    starts_at      TEXT NOT NULL,
    meeting_format TEXT NOT NULL CHECK (meeting_format IN ('online', 'in_person')),
    place          TEXT NOT NULL CHECK (length(place) BETWEEN 1 AND 300),
    -- NULL: the side who proposed it withdrew their consent.
    proposed_by    INTEGER REFERENCES participants (id) ON DELETE SET NULL,
    created_at     TEXT NOT NULL,
    decided_at     TEXT,
    cancel_reason  TEXT CHECK (cancel_reason IS NULL OR length(cancel_reason) <= 500)
);
INSERT INTO meetings_new (
    id, pair_id, kind, status, starts_at, meeting_format, place, proposed_by, created_at,
    decided_at, cancel_reason
)
SELECT id, pair_id, kind, status, starts_at, meeting_format, place, proposed_by, created_at,
       decided_at, cancel_reason
FROM meetings;
DELETE FROM sqlite_sequence WHERE name = 'meetings_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'meetings_new', seq FROM sqlite_sequence
WHERE name = 'meetings';
DROP TABLE meetings;
ALTER TABLE meetings_new RENAME TO meetings;

CREATE INDEX meetings_by_pair ON meetings (pair_id, starts_at);
CREATE INDEX meetings_by_status ON meetings (status, starts_at);
-- The closing tick looks for held final meetings of pairs still active every minute.
CREATE INDEX meetings_final_held ON meetings (pair_id) WHERE status = 'held' AND kind = 'final';

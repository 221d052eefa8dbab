-- Stage 4: the curator admits (or declines) mentor candidates; admitted ones can be trained.
CREATE TABLE mentor_admissions (
    participant_id INTEGER PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    decision       TEXT NOT NULL CHECK (decision IN ('admitted', 'declined')),
    reason         TEXT CHECK (reason IS NULL OR length(reason) <= 500),
    trained        INTEGER NOT NULL DEFAULT 0 CHECK (trained IN (0, 1)),
    decided_by     INTEGER NOT NULL,
    decided_at     TEXT NOT NULL,
    CHECK (decision = 'admitted' OR trained = 0)
);

-- Matching weights an organization changed from the defaults (JSON of matching.Weights).
CREATE TABLE matching_settings (
    organization_id INTEGER PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    weights         TEXT NOT NULL CHECK (json_valid(weights))
);

-- Stage 5: one run of whole-cohort matching and the proposals it made.
CREATE TABLE matching_runs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    started_by      INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    -- Mentees left without a proposal and why: [{"mentee_id": .., "reasons": [..], ..}]
    unmatched       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(unmatched))
);

CREATE TABLE proposals (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id      INTEGER NOT NULL REFERENCES matching_runs (id) ON DELETE CASCADE,
    rank        INTEGER NOT NULL,
    mentee_id   INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    mentor_id   INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    score       INTEGER NOT NULL,
    explanation TEXT NOT NULL CHECK (json_valid(explanation)),
    status      TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'approved', 'rejected', 'skipped')),
    decided_at  TEXT,
    UNIQUE (run_id, mentee_id),
    UNIQUE (run_id, rank)
);

-- Pairs the curator rejected are never proposed again.
CREATE TABLE rejected_pairs (
    mentee_id   INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    mentor_id   INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    rejected_at TEXT NOT NULL,
    PRIMARY KEY (mentee_id, mentor_id)
);

-- A pair is one mentor and one mentee; a mentor with several active pairs leads a group.
CREATE TABLE pairs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    mentor_id       INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    mentee_id       INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    form            TEXT NOT NULL,
    started_on      TEXT NOT NULL CHECK (date(started_on) = started_on),
    ended_on        TEXT CHECK (ended_on IS NULL OR date(ended_on) = ended_on),
    end_reason      TEXT CHECK (end_reason IS NULL OR length(end_reason) <= 500),
    directive       INTEGER NOT NULL DEFAULT 0 CHECK (directive IN (0, 1)),
    proposal_id     INTEGER REFERENCES proposals (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    CHECK (mentor_id <> mentee_id)
);
-- A mentee is in at most one active pair: the database refuses a second.
CREATE UNIQUE INDEX pairs_one_active_per_mentee ON pairs (mentee_id) WHERE ended_on IS NULL;
CREATE INDEX pairs_by_mentor ON pairs (mentor_id, ended_on);
CREATE INDEX pairs_by_organization ON pairs (organization_id, ended_on);

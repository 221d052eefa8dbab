-- Issue 14, the plan: the pair's individual plan (for a teacher, the personalized mentoring
-- program) with goals, deadlines, success measures and activities, approved by the curator.
-- Each submission is a version; one version per pair is in force (approved), at most one waits
-- for the curator; a change of an approved plan is a new version, and the approved one stays
-- in force until the change is approved.
CREATE TABLE plan_versions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    pair_id      INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    status       TEXT NOT NULL
                 CHECK (status IN ('submitted', 'approved', 'returned', 'replaced')),
    program_end  TEXT NOT NULL CHECK (date(program_end) = program_end),
    -- [{"text", "deadline", "measure", "activities": [...]}, ...]
    goals        TEXT NOT NULL CHECK (json_valid(goals) AND json_array_length(goals) BETWEEN 1 AND 5),
    submitted_at TEXT NOT NULL,
    decided_at   TEXT,
    comment      TEXT CHECK (comment IS NULL OR length(comment) <= 1000)
);
CREATE UNIQUE INDEX plan_versions_in_force ON plan_versions (pair_id) WHERE status = 'approved';
CREATE UNIQUE INDEX plan_versions_waiting ON plan_versions (pair_id) WHERE status = 'submitted';
CREATE INDEX plan_versions_by_pair ON plan_versions (pair_id, id);

-- The history: who submitted, approved or returned which version, and when. The pair's sides
-- are named by their role (the pair has one mentor and one mentee), a curator by Telegram id.
CREATE TABLE plan_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    version_id INTEGER NOT NULL REFERENCES plan_versions (id) ON DELETE CASCADE,
    event      TEXT NOT NULL CHECK (event IN ('submitted', 'approved', 'returned')),
    by_role    TEXT NOT NULL CHECK (by_role IN ('mentor', 'mentee', 'curator')),
    curator_id INTEGER,
    comment    TEXT CHECK (comment IS NULL OR length(comment) <= 1000),
    at         TEXT NOT NULL
);
CREATE INDEX plan_events_by_version ON plan_events (version_id);

-- Progress on a goal of a version (by its position), as the pair marked it last.
CREATE TABLE plan_progress (
    version_id INTEGER NOT NULL REFERENCES plan_versions (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position BETWEEN 1 AND 5),
    status     TEXT NOT NULL
               CHECK (status IN ('not_started', 'in_progress', 'reached', 'not_reached')),
    marked_at  TEXT NOT NULL,
    PRIMARY KEY (version_id, position)
);

-- What the plan's daily run sent a pair, claimed once: 'deadline:<date>:<the goal's digest>'.
CREATE TABLE plan_deliveries (
    pair_id INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    what    TEXT NOT NULL CHECK (length(what) BETWEEN 1 AND 60),
    sent_at TEXT NOT NULL,
    PRIMARY KEY (pair_id, what)
);

-- After a meeting (issue 5): "did the meeting take place?", the pair's rhythm and plan, the
-- cadence guard's "needs attention" list and the bookkeeping of the daily and weekly jobs.

-- How long after a meeting's end the follow-up question comes, and the grace the cadence
-- guard gives beyond the documents' fourteen days.
ALTER TABLE meeting_settings ADD COLUMN followup_minutes INTEGER NOT NULL DEFAULT 30
    CHECK (followup_minutes BETWEEN 1 AND 10080);
ALTER TABLE meeting_settings ADD COLUMN grace_days INTEGER NOT NULL DEFAULT 3
    CHECK (grace_days BETWEEN 0 AND 30);

-- One row per side of a confirmed meeting. The tick claims due rows, marking them asked (or
-- reminded, for the one repeat a day later) in the same transaction.
CREATE TABLE followups (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id     INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    telegram_id    INTEGER NOT NULL,
    due_at         TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'asked', 'reminded', 'answered', 'dropped',
                                    'unreachable')),
    asked_at       TEXT,
    answer         TEXT CHECK (answer IS NULL OR answer IN ('held', 'moved', 'not_held')),
    reason         TEXT CHECK (reason IS NULL OR length(reason) <= 500),
    answered_at    TEXT,
    UNIQUE (meeting_id, participant_id)
);
CREATE INDEX followups_due ON followups (due_at) WHERE state IN ('pending', 'asked');
CREATE INDEX followups_by_meeting ON followups (meeting_id);

-- Meetings confirmed before this migration get their questions too (the default delay).
INSERT OR IGNORE INTO followups (meeting_id, participant_id, telegram_id, due_at)
SELECT m.id, p.id, p.telegram_id,
       strftime('%Y-%m-%dT%H:%M:%S+00:00', m.starts_at,
                '+' || (COALESCE(s.meeting_minutes, 60) + 30) || ' minutes')
FROM meetings m
JOIN pairs pr ON pr.id = m.pair_id
JOIN participants p ON p.id IN (pr.mentor_id, pr.mentee_id)
LEFT JOIN meeting_settings s ON s.organization_id = pr.organization_id
WHERE m.status = 'confirmed' AND pr.ended_on IS NULL;

-- The pair's regular meetings: a weekday and local time every N weeks from an anchor date.
CREATE TABLE rhythms (
    pair_id         INTEGER PRIMARY KEY REFERENCES pairs (id) ON DELETE CASCADE,
    weekday         INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    local_time      TEXT NOT NULL CHECK (length(local_time) = 5),
    interval_weeks  INTEGER NOT NULL CHECK (interval_weeks BETWEEN 1 AND 8),
    anchor_on       TEXT NOT NULL CHECK (date(anchor_on) = anchor_on),
    curator_consent INTEGER NOT NULL DEFAULT 0 CHECK (curator_consent IN (0, 1)),
    updated_at      TEXT NOT NULL
);

-- What the mentor records at the planning meeting: up to three goals and the planned end.
CREATE TABLE pair_plans (
    pair_id     INTEGER PRIMARY KEY REFERENCES pairs (id) ON DELETE CASCADE,
    goals       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(goals)),
    planned_end TEXT CHECK (planned_end IS NULL OR date(planned_end) = planned_end),
    updated_at  TEXT NOT NULL
);

-- The curator's "needs attention" list; a reason is open until resolved.
CREATE TABLE attention (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pair_id     INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL CHECK (reason IN ('missed_twice', 'incompatible', 'overdue')),
    detail      TEXT CHECK (detail IS NULL OR length(detail) <= 500),
    raised_at   TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT CHECK (resolved_by IS NULL OR resolved_by IN ('meeting', 'curator'))
);
CREATE UNIQUE INDEX attention_open ON attention (pair_id, reason) WHERE resolved_at IS NULL;

-- One nudge per overdue spell: a spell is named by the moment the clock started running (the
-- last held meeting, or the pair's start).
CREATE TABLE cadence_nudges (
    pair_id   INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    since     TEXT NOT NULL,
    nudged_at TEXT NOT NULL,
    PRIMARY KEY (pair_id, since)
);

-- Daily and weekly jobs: a row per job, organization or curator, and local period, inserted
-- by the run that does the work, so a restart or a second tick never repeats it.
CREATE TABLE job_runs (
    job    TEXT NOT NULL,
    scope  TEXT NOT NULL,
    period TEXT NOT NULL,
    ran_at TEXT NOT NULL,
    PRIMARY KEY (job, scope, period)
);

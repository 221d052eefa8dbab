-- Answers to the forms that are filled in many times: after every meeting (feedback), after
-- the trial meeting (compatibility), before and after the program (monitoring) and at the end
-- of a cycle (final poll). One row per person, form and subject; answers are kept as they
-- arrive, so a form left half-way goes on from the same question after a restart.
CREATE TABLE responses (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    form           TEXT NOT NULL CHECK (length(form) BETWEEN 1 AND 40),
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    -- What the answers are about: 'meeting:<id>', 'before:<cycle id>', 'after:<cycle id>',
    -- 'cycle:<cycle id>'.
    subject        TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 60),
    meeting_id     INTEGER REFERENCES meetings (id) ON DELETE CASCADE,
    position       TEXT,
    answers        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers)),
    started_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    completed_at   TEXT,
    UNIQUE (form, participant_id, subject)
);
CREATE INDEX responses_by_participant ON responses (participant_id, completed_at);
CREATE INDEX responses_by_meeting ON responses (meeting_id) WHERE meeting_id IS NOT NULL;

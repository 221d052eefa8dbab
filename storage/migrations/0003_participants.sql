-- Mentees and mentors of an organization. A row exists only while the person takes part:
-- withdrawal or a refusal of consent deletes it (and, by cascade, everything about them).
CREATE TABLE participants (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    telegram_id     INTEGER NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
    age_group       TEXT NOT NULL CHECK (age_group IN ('child', 'teen', 'adult')),
    -- Given by minors before consent: it decides who must consent.
    birth_date      TEXT CHECK (birth_date IS NULL OR date(birth_date) = birth_date),
    invitation_id   INTEGER REFERENCES invitations (id) ON DELETE SET NULL,
    joined_at       TEXT NOT NULL,
    current_question TEXT,
    confirmed_at    TEXT,
    UNIQUE (organization_id, telegram_id, role),
    CHECK (age_group = 'adult' OR birth_date IS NOT NULL)
);
CREATE INDEX participants_by_telegram ON participants (telegram_id);

-- Who agreed, for whom, to which exact text, and when (152-FZ, art. 9).
CREATE TABLE consents (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id          INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    kind                    TEXT NOT NULL CHECK (kind IN ('self', 'representative')),
    given_by                INTEGER NOT NULL,
    representative_name     TEXT,
    representative_relation TEXT CHECK (
        representative_relation IS NULL
        OR representative_relation IN ('mother', 'father', 'guardian', 'other')
    ),
    text_version            TEXT NOT NULL,
    text_sha256             TEXT NOT NULL CHECK (length(text_sha256) = 64),
    locale                  TEXT NOT NULL,
    given_at                TEXT NOT NULL,
    UNIQUE (participant_id, kind),
    CHECK ((kind = 'representative') = (representative_name IS NOT NULL))
);
CREATE INDEX consents_by_giver ON consents (given_by);

-- A single-use link a minor forwards to a parent.
CREATE TABLE guardian_requests (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id INTEGER NOT NULL UNIQUE REFERENCES participants (id) ON DELETE CASCADE,
    token          TEXT NOT NULL UNIQUE,
    child_name     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    opened_by      INTEGER,
    opened_at      TEXT
);

-- Questionnaire answers as JSON, written the moment they arrive ('null' = skipped).
CREATE TABLE answers (
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    question       TEXT NOT NULL,
    value          TEXT NOT NULL CHECK (json_valid(value)),
    answered_at    TEXT NOT NULL,
    PRIMARY KEY (participant_id, question)
);

-- The database itself refuses an answer without the consent the law requires:
-- a child's representative for children, the person's own consent otherwise.
CREATE TRIGGER answers_require_consent
BEFORE INSERT ON answers
WHEN NOT EXISTS (
    SELECT 1 FROM participants p JOIN consents c ON c.participant_id = p.id
    WHERE p.id = NEW.participant_id
      AND c.kind = CASE p.age_group WHEN 'child' THEN 'representative' ELSE 'self' END
)
BEGIN
    SELECT RAISE(ABORT, 'an answer needs a valid consent');
END;

CREATE TRIGGER answers_update_require_consent
BEFORE UPDATE ON answers
WHEN NOT EXISTS (
    SELECT 1 FROM participants p JOIN consents c ON c.participant_id = p.id
    WHERE p.id = NEW.participant_id
      AND c.kind = CASE p.age_group WHEN 'child' THEN 'representative' ELSE 'self' END
)
BEGIN
    SELECT RAISE(ABORT, 'an answer needs a valid consent');
END;

-- What reporting keeps of refusals and withdrawals: anonymous counts only.
CREATE TABLE consent_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('mentee', 'mentor')),
    event           TEXT NOT NULL CHECK (event IN ('declined', 'guardian_declined', 'withdrawn')),
    happened_on     TEXT NOT NULL
);

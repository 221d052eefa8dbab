-- Issue 14 (speed mentoring, «скоростное наставничество»: «однократная встреча наставляемого
-- (наставляемых) с наставником более высокого уровня»): the curator organizes a session of a
-- speed form (when, where, how long a round is), picks its mentors and mentees, and the bot
-- works out the rounds (each mentee talks to each mentor once, a mentor to one mentee a
-- round). Everyone is told their schedule once (``told_at``, claimed before the message is
-- queued) and asked after each round about that conversation (``asked_at``, likewise).
-- A session makes no pairs: a participant who withdraws leaves an empty side in its
-- conversations, as in a pair's meetings.
CREATE TABLE speed_sessions (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    form            TEXT NOT NULL,
    starts_at       TEXT NOT NULL,  -- UTC; the first round begins then
    place           TEXT NOT NULL CHECK (length(trim(place)) BETWEEN 1 AND 300),
    round_minutes   INTEGER NOT NULL CHECK (round_minutes BETWEEN 5 AND 60),
    created_by      INTEGER NOT NULL,  -- the curator's Telegram id
    created_at      TEXT NOT NULL
);
CREATE INDEX speed_sessions_by_organization ON speed_sessions (organization_id, starts_at);

CREATE TABLE speed_seats (
    session_id     INTEGER NOT NULL REFERENCES speed_sessions (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    role           TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
    told_at        TEXT,  -- the schedule was queued for them
    PRIMARY KEY (session_id, participant_id)
) WITHOUT ROWID;
CREATE INDEX speed_seats_by_participant ON speed_seats (participant_id);
CREATE INDEX speed_seats_untold ON speed_seats (session_id) WHERE told_at IS NULL;

-- One conversation of a round; a side is NULL once that person withdrew.
CREATE TABLE speed_talks (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES speed_sessions (id) ON DELETE CASCADE,
    round      INTEGER NOT NULL CHECK (round >= 1),
    mentor_id  INTEGER REFERENCES participants (id) ON DELETE SET NULL,
    mentee_id  INTEGER REFERENCES participants (id) ON DELETE SET NULL,
    ends_at    TEXT NOT NULL  -- UTC; the feedback is asked from then
);
CREATE UNIQUE INDEX speed_talks_mentor_round ON speed_talks (session_id, round, mentor_id);
CREATE UNIQUE INDEX speed_talks_mentee_round ON speed_talks (session_id, round, mentee_id);
CREATE INDEX speed_talks_by_end ON speed_talks (ends_at);

-- Each side's short feedback on one conversation (dialogs/speed_feedback.py).
CREATE TABLE speed_feedback (
    talk_id        INTEGER NOT NULL REFERENCES speed_talks (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    asked_at       TEXT NOT NULL,
    usefulness     INTEGER CHECK (usefulness IS NULL OR usefulness BETWEEN 1 AND 5),
    continue_with  TEXT CHECK (continue_with IS NULL OR continue_with IN ('yes', 'maybe', 'no')),
    answered_at    TEXT,
    PRIMARY KEY (talk_id, participant_id)
) WITHOUT ROWID;
CREATE INDEX speed_feedback_by_participant ON speed_feedback (participant_id);

-- A short-term pair's further working meetings between its first and its final one
-- (bot/schedule.py SHORT_ORDER): how many more the pair asked for.
CREATE TABLE short_pair_further (
    pair_id INTEGER PRIMARY KEY REFERENCES pairs (id) ON DELETE CASCADE,
    further INTEGER NOT NULL CHECK (further BETWEEN 1 AND 5)
) WITHOUT ROWID;

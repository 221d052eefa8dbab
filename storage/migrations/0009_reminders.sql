-- How an organization's meetings are reminded of; a school can shorten everything to minutes
-- to rehearse a pilot in an afternoon.
CREATE TABLE meeting_settings (
    organization_id  INTEGER PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    reminder_minutes TEXT NOT NULL DEFAULT '[1440, 60]' CHECK (json_valid(reminder_minutes)),
    meeting_minutes  INTEGER NOT NULL DEFAULT 60 CHECK (meeting_minutes BETWEEN 5 AND 600)
);

-- One row per reminder to be sent: the database is the single source of truth, and the
-- scheduler's tick claims due rows, marking them sent in the same transaction.
CREATE TABLE reminders (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id     INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    telegram_id    INTEGER NOT NULL,
    minutes_before INTEGER NOT NULL CHECK (minutes_before > 0),
    due_at         TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'sent', 'dropped', 'unreachable', 'failed')),
    handled_at     TEXT,
    UNIQUE (meeting_id, telegram_id, minutes_before)
);
-- The due query reads only pending rows in time order.
CREATE INDEX reminders_due ON reminders (due_at) WHERE state = 'pending';

-- Updates already handled, so that one delivered twice (a crash before the offset was
-- confirmed, a webhook retry) is dropped before any handler runs. A row is written in the
-- same transaction as the first change the update causes; rows older than a day are pruned.
CREATE TABLE processed_updates (
    update_id    INTEGER PRIMARY KEY,
    processed_at TEXT NOT NULL
);
CREATE INDEX processed_updates_age ON processed_updates (processed_at);

-- The language Telegram reports for the person (its last value): the recipient's language
-- for messages the bot starts itself when the person never chose one with /language.
ALTER TABLE users ADD COLUMN telegram_language TEXT
    CHECK (telegram_language IS NULL OR length(telegram_language) BETWEEN 2 AND 8);

-- Every message the bot starts itself, rendered in the recipient's language when it was
-- posted. 'pending' rows are claimed with a lease by the delivery loop; a row is marked
-- 'sent' in the commit that opens the gate of its request, so a restart neither repeats
-- nor silently drops it.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    telegram_id  INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    screen       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sent', 'unreachable', 'failed')),
    created_at   TEXT NOT NULL,
    lease_until  TEXT,
    settled_at   TEXT
);
CREATE INDEX outbox_pending ON outbox (id) WHERE status = 'pending';
CREATE INDEX outbox_recipient ON outbox (telegram_id);

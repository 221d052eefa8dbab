-- Telegram users the bot has talked to: only what the bot needs to answer them.
CREATE TABLE users (
    telegram_id  INTEGER PRIMARY KEY,
    language     TEXT CHECK (language IS NULL OR length(language) BETWEEN 2 AND 8),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- aiogram FSM: one row per storage key (bot, chat, user, thread, destiny).
CREATE TABLE fsm_records (
    storage_key  TEXT PRIMARY KEY,
    state        TEXT,
    data         TEXT NOT NULL DEFAULT '{}',
    updated_at   TEXT NOT NULL
);

-- Messages to the bot's administrators from people who need help (/support).
CREATE TABLE support_requests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    telegram_id  INTEGER NOT NULL,
    topic        TEXT NOT NULL CHECK (topic IN ('problem', 'question', 'idea')),
    body         TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    created_at   TEXT NOT NULL
);
CREATE INDEX support_requests_by_user ON support_requests (telegram_id, created_at);

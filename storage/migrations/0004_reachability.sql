-- When sending to a participant failed because Telegram refused the chat (the person blocked
-- the bot or deleted the account). Bulk sends skip such people until they come back.
-- A column rather than a table keyed by Telegram id: it goes away with the participant's row,
-- so withdrawal keeps deleting everything about the person.
ALTER TABLE participants ADD COLUMN unreachable_since TEXT;

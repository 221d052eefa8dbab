-- The preference round (the documents' group meeting): participants name up to three people
-- of the other side they would like to work with; mutual choices weigh heavily in matching.
CREATE TABLE preference_rounds (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    opened_at       TEXT NOT NULL,
    closed_at       TEXT
);
CREATE UNIQUE INDEX preference_rounds_one_open ON preference_rounds (organization_id)
    WHERE closed_at IS NULL;

CREATE TABLE preferences (
    round_id   INTEGER NOT NULL REFERENCES preference_rounds (id) ON DELETE CASCADE,
    chooser_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    chosen_id  INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (round_id, chooser_id, chosen_id),
    CHECK (chooser_id <> chosen_id)
);

-- Issue 12, the mentor's details: adults give the year of birth (an answer, ``birth_year``)
-- and the place of work as two answers (``workplace_org``, ``workplace_position``); answers
-- need no schema. What needs one: the curator's merges of two spellings of one enterprise.
--
-- Names are compared by a normalised key (bot/reports/enterprises.py: case, quotes, spaces
-- and legal forms ignored); a row says that in this organization's reports the enterprise
-- typed as ``alias_key`` is the one typed as ``canonical_key``. The rows of an organization
-- form a forest (no key is an alias twice, no chain comes back to where it started): undoing
-- a merge deletes its row and restores exactly what was there before. The two names are the
-- spellings shown when the merge was made, for the list of merges to undo.
CREATE TABLE enterprise_aliases (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    alias_key       TEXT NOT NULL CHECK (length(alias_key) BETWEEN 1 AND 400),
    canonical_key   TEXT NOT NULL CHECK (length(canonical_key) BETWEEN 1 AND 400),
    alias_name      TEXT NOT NULL CHECK (length(alias_name) BETWEEN 1 AND 400),
    canonical_name  TEXT NOT NULL CHECK (length(canonical_name) BETWEEN 1 AND 400),
    merged_by       INTEGER NOT NULL,
    merged_at       TEXT NOT NULL,
    UNIQUE (organization_id, alias_key),
    CHECK (alias_key <> canonical_key)
);

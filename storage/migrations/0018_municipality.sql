-- The municipality (issue 12): coordinators appointed in the chat through a single-use link an
-- administrator makes for a set of organizations, and the municipality's own denominators.

-- A coordinator link (https://t.me/<bot>?start=<token>): the first person to open it covers
-- exactly the organizations of the link. It works once and for a limited time, like a
-- curator link; used_by and used_at are set together by the opening that uses it.
CREATE TABLE coordinator_links (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Telegram allows 1-64 characters A-Z, a-z, 0-9, _ and - in a start parameter.
    token        TEXT NOT NULL UNIQUE CHECK (
        length(token) BETWEEN 16 AND 64 AND token NOT GLOB '*[^A-Za-z0-9_-]*'
    ),
    municipality TEXT CHECK (municipality IS NULL OR length(municipality) BETWEEN 1 AND 200),
    created_by   INTEGER,  -- the administrator's Telegram id; NULL from the command line
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL CHECK (expires_at > created_at),
    used_by      INTEGER,
    used_at      TEXT,
    CHECK ((used_by IS NULL) = (used_at IS NULL))
);

CREATE TABLE coordinator_link_organizations (
    link_id         INTEGER NOT NULL REFERENCES coordinator_links (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    PRIMARY KEY (link_id, organization_id)
) WITHOUT ROWID;

-- The municipality a coordinator speaks for, as named on the link they opened.
CREATE TABLE coordinator_municipalities (
    telegram_id  INTEGER PRIMARY KEY,
    municipality TEXT NOT NULL CHECK (length(municipality) BETWEEN 1 AND 200),
    named_at     TEXT NOT NULL
);

-- The municipality's own denominators of the involvement shares, entered by its coordinator
-- per school year (the year it starts in: 2026 for 2026/27). The schools' sums miss the
-- children and enterprises outside the covered schools, so a summary prefers these numbers.
-- Kept per coordinator: a coordinator speaks for one municipality. A NULL is "not entered".
CREATE TABLE municipal_denominators (
    telegram_id     INTEGER NOT NULL,
    school_year     INTEGER NOT NULL CHECK (school_year BETWEEN 2000 AND 2100),
    pupils_10_19    INTEGER CHECK (pupils_10_19 IS NULL OR pupils_10_19 BETWEEN 0 AND 1000000),
    youth_15_19     INTEGER CHECK (youth_15_19 IS NULL OR youth_15_19 BETWEEN 0 AND 1000000),
    young_teachers  INTEGER CHECK (young_teachers IS NULL OR young_teachers BETWEEN 0 AND 1000000),
    enterprises     INTEGER CHECK (enterprises IS NULL OR enterprises BETWEEN 0 AND 1000000),
    entered_at      TEXT NOT NULL,
    PRIMARY KEY (telegram_id, school_year)
) WITHOUT ROWID;

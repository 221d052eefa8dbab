-- Indicators (показатели эффективности): what the curator enters and who may see the figures.

-- Municipal coordinators: they see the indicators summed over the organizations they cover.
CREATE TABLE coordinators (
    telegram_id     INTEGER NOT NULL,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    added_at        TEXT NOT NULL,
    PRIMARY KEY (telegram_id, organization_id)
) WITHOUT ROWID;
CREATE INDEX coordinators_by_organization ON coordinators (organization_id);

-- The denominators of the involvement shares, entered by the curator once per school year
-- (school_year is the year it starts in: 2026 for 2026/27). A NULL is "not entered".
CREATE TABLE denominators (
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    school_year     INTEGER NOT NULL CHECK (school_year BETWEEN 2000 AND 2100),
    pupils_10_19    INTEGER CHECK (pupils_10_19 IS NULL OR pupils_10_19 BETWEEN 0 AND 1000000),
    youth_15_19     INTEGER CHECK (youth_15_19 IS NULL OR youth_15_19 BETWEEN 0 AND 1000000),
    young_teachers  INTEGER CHECK (young_teachers IS NULL OR young_teachers BETWEEN 0 AND 1000000),
    enterprises     INTEGER CHECK (enterprises IS NULL OR enterprises BETWEEN 0 AND 1000000),
    entered_by      INTEGER NOT NULL,
    entered_at      TEXT NOT NULL,
    PRIMARY KEY (organization_id, school_year)
) WITHOUT ROWID;

-- Targets the organization set for itself; an indicator without a row has the federal
-- target (the 2024 column of the table in the target model).
CREATE TABLE indicator_targets (
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    indicator       TEXT NOT NULL CHECK (indicator IN (
        'mentees_10_19', 'mentors_15_19', 'young_teachers', 'enterprises',
        'satisfied_mentees', 'satisfied_mentors'
    )),
    target          REAL NOT NULL CHECK (target > 0 AND target <= 1),
    PRIMARY KEY (organization_id, indicator)
) WITHOUT ROWID;

-- The reports find a person's pairs (the one-active-pair index covers active pairs only) and
-- the pairs completed in a cycle without reading the whole table.
CREATE INDEX pairs_by_mentee ON pairs (mentee_id);
CREATE INDEX pairs_completed_by_organization ON pairs (organization_id, completed);

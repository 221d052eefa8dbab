-- Reports by period (issue 12): what "completed the program" needs, targets per year, and the
-- figures a closed cycle keeps.

-- The form's minimum for a pair the curator closes (finish_now, closing the cycle) to count as
-- having completed the program: a meeting of this kind, or of a later one in the documents'
-- order (acquaintance -> trial -> planning -> regular -> final), must have been held. A form
-- without a row has the default, 'planning' (the planning meeting held). A pair that held its
-- final meeting has always completed it.
CREATE TABLE completion_minimums (
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    form            TEXT NOT NULL CHECK (length(form) BETWEEN 1 AND 40),
    min_kind        TEXT NOT NULL
                    CHECK (min_kind IN ('acquaintance', 'trial', 'planning', 'regular', 'final')),
    PRIMARY KEY (organization_id, form)
) WITHOUT ROWID;

-- Targets per indicator and per calendar year (the regional letter steps them by year).
-- A target entered before targets had a year (year NULL) stays the organization's target of
-- every year that has none of its own, as it was when it was entered; new targets are entered
-- for a year.
CREATE TABLE indicator_targets_by_year (
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    indicator       TEXT NOT NULL CHECK (indicator IN (
        'mentees_10_19', 'mentors_15_19', 'young_teachers', 'enterprises',
        'satisfied_mentees', 'satisfied_mentors'
    )),
    year            INTEGER CHECK (year IS NULL OR year BETWEEN 2000 AND 2100),
    target          REAL NOT NULL CHECK (target > 0 AND target <= 1)
);
INSERT INTO indicator_targets_by_year (organization_id, indicator, year, target)
SELECT organization_id, indicator, NULL, target FROM indicator_targets;
DROP TABLE indicator_targets;
ALTER TABLE indicator_targets_by_year RENAME TO indicator_targets;
CREATE UNIQUE INDEX indicator_targets_one ON indicator_targets
    (organization_id, indicator, coalesce(year, 0));

-- The indicators of a cycle as they were when it closed (JSON of bot.reports.indicator_figures
-- .Indicators), so a closed cycle's report stays the same after later withdrawals and changes.
CREATE TABLE cycle_snapshots (
    cycle_id        INTEGER PRIMARY KEY REFERENCES cycles (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    taken_at        TEXT NOT NULL,
    figures         TEXT NOT NULL CHECK (json_valid(figures))
);

-- Dated periods select pairs by the day they started and ended, per organization.
CREATE INDEX pairs_started_by_organization ON pairs (organization_id, started_on);

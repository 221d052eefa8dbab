-- The organization's holidays (каникулы): no meetings are planned on these days.
CREATE TABLE holidays (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    starts_on       TEXT NOT NULL CHECK (date(starts_on) = starts_on),
    ends_on         TEXT NOT NULL CHECK (date(ends_on) = ends_on),
    title           TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    CHECK (ends_on >= starts_on)
);
CREATE INDEX holidays_by_organization ON holidays (organization_id, starts_on);

-- Schools, colleges and centres that run a mentorship programme (stage 1 of the cycle).
CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 200),
    -- An IANA name such as Asia/Novosibirsk; the application checks it against the tz database.
    timezone    TEXT NOT NULL CHECK (length(timezone) BETWEEN 1 AND 64),
    created_at  TEXT NOT NULL
);

-- The forms of mentorship an organization runs: the five federal ones (title NULL, the name
-- comes from the catalogs) and its own ones, coded own_1, own_2, ... with the typed title.
CREATE TABLE organization_forms (
    organization_id  INTEGER NOT NULL REFERENCES organizations (id),
    code             TEXT NOT NULL CHECK (
        code IN ('pupil_pupil', 'teacher_teacher', 'student_pupil', 'employer_pupil',
                 'employer_student')
        OR (code GLOB 'own_[1-9]*' AND substr(code, 5) NOT GLOB '*[^0-9]*')
    ),
    title            TEXT CHECK (title IS NULL OR length(trim(title)) BETWEEN 1 AND 100),
    enabled          INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    PRIMARY KEY (organization_id, code),
    -- Own forms and only they carry a title.
    CHECK ((code GLOB 'own_*') = (title IS NOT NULL))
) WITHOUT ROWID;

-- A person curates exactly one organization: the primary key makes a second one impossible.
CREATE TABLE curators (
    telegram_id      INTEGER PRIMARY KEY,
    organization_id  INTEGER NOT NULL REFERENCES organizations (id),
    added_at         TEXT NOT NULL
);
CREATE INDEX curators_by_organization ON curators (organization_id);

-- Invitation links (https://t.me/<bot>?start=<token>): for mentees and mentors, made by a
-- curator, and single-use links that make someone a curator, made by an administrator.
CREATE TABLE invitations (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Telegram allows 1-64 characters A-Z, a-z, 0-9, _ and - in a start parameter.
    token            TEXT NOT NULL UNIQUE CHECK (
        length(token) BETWEEN 16 AND 64 AND token NOT GLOB '*[^A-Za-z0-9_-]*'
    ),
    organization_id  INTEGER NOT NULL REFERENCES organizations (id),
    role             TEXT NOT NULL CHECK (role IN ('mentee', 'mentor', 'curator')),
    created_by       INTEGER,  -- the Telegram id of who made it; NULL from the command line
    created_at       TEXT NOT NULL,
    expires_at       TEXT CHECK (expires_at IS NULL OR expires_at > created_at),
    max_uses         INTEGER CHECK (max_uses IS NULL OR max_uses >= 1),
    uses             INTEGER NOT NULL DEFAULT 0 CHECK (
        uses >= 0 AND (max_uses IS NULL OR uses <= max_uses)
    ),
    revoked_at       TEXT CHECK (revoked_at IS NULL OR revoked_at >= created_at),
    -- A curator link makes exactly one curator.
    CHECK (role <> 'curator' OR max_uses = 1)
);
CREATE INDEX invitations_by_organization ON invitations (organization_id, role);

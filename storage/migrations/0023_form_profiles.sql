-- Issue 14 (colleges, short-term and speed mentoring): a form declares who its mentors and
-- mentees are (pupil, student, teacher, employer; NULL = the federal form's own people, or
-- teacher and pupil for an own form that has not said) and how its pairs work: the full cycle
-- with a meeting every two weeks, short-term and goal-oriented, or speed mentoring; and
-- whether a mentor may lead a group of its mentees.
ALTER TABLE organization_forms ADD COLUMN mentor_kind TEXT CHECK (
    mentor_kind IS NULL OR mentor_kind IN ('pupil', 'student', 'teacher', 'employer')
);
ALTER TABLE organization_forms ADD COLUMN mentee_kind TEXT CHECK (
    mentee_kind IS NULL OR mentee_kind IN ('pupil', 'student', 'teacher', 'employer')
);
ALTER TABLE organization_forms ADD COLUMN pace TEXT NOT NULL DEFAULT 'regular' CHECK (
    pace IN ('regular', 'short', 'speed')
);
ALTER TABLE organization_forms ADD COLUMN allows_groups INTEGER NOT NULL DEFAULT 1 CHECK (
    allows_groups IN (0, 1)
);

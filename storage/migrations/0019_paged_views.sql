-- Issue 13 (paged curator views): indexes for reading one page and a count.

-- The curator's lists of an organization's people (candidates, mentor admission, the
-- matching's cohort) are read by role and id, a page at a time.
CREATE INDEX participants_by_organization ON participants (organization_id, role, id);

-- A run's open proposals are counted and read a page at a time, by rank.
CREATE INDEX proposals_by_run_status ON proposals (run_id, status, rank);

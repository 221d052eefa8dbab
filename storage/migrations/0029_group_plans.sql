-- Issue 14: a group has one plan. A version submitted for a pair in a group is the group's
-- (``group_id``): every member sees it, the curator approves it once, progress and deadline
-- questions are the group's. A pair outside a group has its own versions (``group_id`` NULL),
-- so a member who leaves the group goes on one-to-one without the group's plan and may build
-- its own, and a pair's own plan from before it joined a group is kept for if it leaves.
-- One version in force and one waiting per plan: per group, or per pair outside groups.
ALTER TABLE plan_versions ADD COLUMN group_id INTEGER REFERENCES groups (id) ON DELETE SET NULL;
DROP INDEX plan_versions_in_force;
DROP INDEX plan_versions_waiting;
CREATE UNIQUE INDEX plan_versions_in_force ON plan_versions (coalesce(-group_id, pair_id))
WHERE status = 'approved';
CREATE UNIQUE INDEX plan_versions_waiting ON plan_versions (coalesce(-group_id, pair_id))
WHERE status = 'submitted';
CREATE INDEX plan_versions_by_group ON plan_versions (group_id, id) WHERE group_id IS NOT NULL;

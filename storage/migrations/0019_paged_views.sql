-- Issue 13 (paged curator views): indexes for reading one page and a count.

-- The curator's lists of an organization's people (candidates, mentor admission, the
-- matching's cohort) are read by role and id, a page at a time.
CREATE INDEX participants_by_organization ON participants (organization_id, role, id);

-- A run's open proposals are counted and read a page at a time, by rank.
CREATE INDEX proposals_by_run_status ON proposals (run_id, status, rank);

-- A counter per organization that moves whenever something its curator's lists count
-- changes: people, consents, confirmed questionnaires, a mentor's number of places, admission
-- decisions, pairs, cycles, matching runs and their proposals. The services keep what they
-- counted over a whole school (the lists' counts and order) with the counter they read, and
-- count again only when it has moved; a page turn then reads one page. No foreign key: a row
-- may outlive its organization (an organization's deletion cascades through these triggers).
CREATE TABLE organization_versions (
    organization_id INTEGER PRIMARY KEY,
    version         INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER participants_version_insert AFTER INSERT ON participants BEGIN
    INSERT INTO organization_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER participants_version_delete AFTER DELETE ON participants BEGIN
    INSERT INTO organization_versions VALUES (OLD.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER participants_version_update
AFTER UPDATE OF organization_id, role, age_group, confirmed_at, cycle_id ON participants BEGIN
    INSERT INTO organization_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER consents_version_insert AFTER INSERT ON consents BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id = NEW.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER consents_version_delete AFTER DELETE ON consents BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id = OLD.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

-- A mentor's places are their answer to the capacity question.
CREATE TRIGGER answers_version_insert AFTER INSERT ON answers
WHEN NEW.question = 'capacity' BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id = NEW.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER answers_version_update AFTER UPDATE ON answers
WHEN NEW.question = 'capacity' OR OLD.question = 'capacity' BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id = NEW.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER answers_version_delete AFTER DELETE ON answers
WHEN OLD.question = 'capacity' BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id = OLD.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER admissions_version_insert AFTER INSERT ON mentor_admissions BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id = NEW.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER admissions_version_update AFTER UPDATE ON mentor_admissions BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id = NEW.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER admissions_version_delete AFTER DELETE ON mentor_admissions BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id = OLD.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER pairs_version_insert AFTER INSERT ON pairs BEGIN
    INSERT INTO organization_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER pairs_version_update
AFTER UPDATE OF ended_on, mentor_id, mentee_id, organization_id ON pairs BEGIN
    INSERT INTO organization_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER pairs_version_delete AFTER DELETE ON pairs BEGIN
    INSERT INTO organization_versions VALUES (OLD.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER cycles_version_insert AFTER INSERT ON cycles BEGIN
    INSERT INTO organization_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER cycles_version_update AFTER UPDATE OF closed_at ON cycles BEGIN
    INSERT INTO organization_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER runs_version_insert AFTER INSERT ON matching_runs BEGIN
    INSERT INTO organization_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER proposals_version_update AFTER UPDATE OF status ON proposals BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM matching_runs
    WHERE id = NEW.run_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

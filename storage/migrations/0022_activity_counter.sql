-- Issue 13 (a busy school's curator lists): the counter of migration 0019 follows what the
-- curator's lists count (people, consents, confirmed questionnaires, places, admissions,
-- pairs, cycles, matching); migration 0020 made the same counter follow what the mentor
-- ranking and the cycle's figures also show (held meetings, feedback and final polls, a
-- pair's start, completion and cycle, a person's full name). So every full name typed and
-- every meeting held made the lists count the whole school again, though they show none of
-- it. Those triggers now move a counter of their own; the ranking and the cycle's figures
-- are kept with both counters.
CREATE TABLE activity_versions (
    organization_id INTEGER PRIMARY KEY,
    version         INTEGER NOT NULL
) WITHOUT ROWID;

DROP TRIGGER pairs_version_update_period;
DROP TRIGGER meetings_version_insert;
DROP TRIGGER meetings_version_update;
DROP TRIGGER meetings_version_delete;
DROP TRIGGER responses_version_insert;
DROP TRIGGER responses_version_update;
DROP TRIGGER responses_version_delete;
DROP TRIGGER answers_version_insert_name;
DROP TRIGGER answers_version_update_name;
DROP TRIGGER answers_version_delete_name;

CREATE TRIGGER pairs_version_update_period
AFTER UPDATE OF started_on, completed, cycle_id ON pairs BEGIN
    INSERT INTO activity_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER meetings_version_insert AFTER INSERT ON meetings
WHEN NEW.status = 'held' BEGIN
    INSERT INTO activity_versions SELECT organization_id, 1 FROM pairs
    WHERE id = NEW.pair_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER meetings_version_update AFTER UPDATE OF status, starts_at, pair_id ON meetings
WHEN OLD.status = 'held' OR NEW.status = 'held' OR OLD.starts_at IS NOT NEW.starts_at
    OR OLD.pair_id IS NOT NEW.pair_id BEGIN
    INSERT INTO activity_versions SELECT organization_id, 1 FROM pairs
    WHERE id IN (NEW.pair_id, OLD.pair_id)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER meetings_version_delete AFTER DELETE ON meetings BEGIN
    INSERT INTO activity_versions SELECT organization_id, 1 FROM pairs
    WHERE id = OLD.pair_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER responses_version_insert AFTER INSERT ON responses
WHEN NEW.completed_at IS NOT NULL AND NEW.form IN ('meeting_feedback', 'final_mentee') BEGIN
    INSERT INTO activity_versions SELECT organization_id, 1 FROM participants
    WHERE id = NEW.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER responses_version_update AFTER UPDATE ON responses
WHEN (NEW.completed_at IS NOT NULL OR OLD.completed_at IS NOT NULL)
    AND (NEW.form IN ('meeting_feedback', 'final_mentee')
         OR OLD.form IN ('meeting_feedback', 'final_mentee')) BEGIN
    INSERT INTO activity_versions SELECT organization_id, 1 FROM participants
    WHERE id IN (NEW.participant_id, OLD.participant_id)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER responses_version_delete AFTER DELETE ON responses
WHEN OLD.completed_at IS NOT NULL AND OLD.form IN ('meeting_feedback', 'final_mentee') BEGIN
    INSERT INTO activity_versions SELECT organization_id, 1 FROM participants
    WHERE id = OLD.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER answers_version_insert_name AFTER INSERT ON answers
WHEN NEW.question = 'full_name' BEGIN
    INSERT INTO activity_versions SELECT organization_id, 1 FROM participants
    WHERE id = NEW.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER answers_version_update_name AFTER UPDATE ON answers
WHEN NEW.question = 'full_name' OR OLD.question = 'full_name' BEGIN
    INSERT INTO activity_versions SELECT organization_id, 1 FROM participants
    WHERE id IN (NEW.participant_id, OLD.participant_id)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER answers_version_delete_name AFTER DELETE ON answers
WHEN OLD.question = 'full_name' BEGIN
    INSERT INTO activity_versions SELECT organization_id, 1 FROM participants
    WHERE id = OLD.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

-- Issue 13 (the remaining curator views within 1.5x of a one-school database).

-- The mentor ranking of a period sums every meeting and every feedback form of the school's
-- pairs: it is kept with the organization's change counter (migration 0019) and read again
-- only when the counter has moved. These triggers move the counter on every change the
-- ranking's figures depend on beyond what 0019 already follows (people, pairs' people and
-- ends, cycles): a pair's start, completion and cycle; held meetings (and any meeting's day or
-- pair, which places its feedback in a period); completed feedback and final polls; a
-- person's full name (the ranking shows it).

CREATE TRIGGER pairs_version_update_period
AFTER UPDATE OF started_on, completed, cycle_id ON pairs BEGIN
    INSERT INTO organization_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER meetings_version_insert AFTER INSERT ON meetings
WHEN NEW.status = 'held' BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM pairs
    WHERE id = NEW.pair_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER meetings_version_update AFTER UPDATE OF status, starts_at, pair_id ON meetings
WHEN OLD.status = 'held' OR NEW.status = 'held' OR OLD.starts_at IS NOT NEW.starts_at
    OR OLD.pair_id IS NOT NEW.pair_id BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM pairs
    WHERE id IN (NEW.pair_id, OLD.pair_id)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER meetings_version_delete AFTER DELETE ON meetings BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM pairs
    WHERE id = OLD.pair_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

-- Only completed forms count: a form being filled in moves nothing until it is completed.
CREATE TRIGGER responses_version_insert AFTER INSERT ON responses
WHEN NEW.completed_at IS NOT NULL AND NEW.form IN ('meeting_feedback', 'final_mentee') BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id = NEW.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER responses_version_update AFTER UPDATE ON responses
WHEN (NEW.completed_at IS NOT NULL OR OLD.completed_at IS NOT NULL)
    AND (NEW.form IN ('meeting_feedback', 'final_mentee')
         OR OLD.form IN ('meeting_feedback', 'final_mentee')) BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id IN (NEW.participant_id, OLD.participant_id)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER responses_version_delete AFTER DELETE ON responses
WHEN OLD.completed_at IS NOT NULL AND OLD.form IN ('meeting_feedback', 'final_mentee') BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id = OLD.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER answers_version_insert_name AFTER INSERT ON answers
WHEN NEW.question = 'full_name' BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id = NEW.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER answers_version_update_name AFTER UPDATE ON answers
WHEN NEW.question = 'full_name' OR OLD.question = 'full_name' BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id IN (NEW.participant_id, OLD.participant_id)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER answers_version_delete_name AFTER DELETE ON answers
WHEN OLD.question = 'full_name' BEGIN
    INSERT INTO organization_versions SELECT organization_id, 1 FROM participants
    WHERE id = OLD.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

-- Issue 13 (/stats and /schools within 1.5x of a one-school database).

-- The indicators count every person, pair, meeting and poll of the school: what they count
-- over the whole school (the stages, the meetings held and missed with their feedback, the
-- final polls, who entered and completed the program) is kept with the organization's change
-- counters and counted again only when one of them has moved. The counter of migrations 0019
-- and 0020 follows people, consents, pairs, cycles, matching, held meetings, completed
-- feedback and the mentees' final poll; this second counter follows the rest of what the
-- indicators read: a missed meeting; the mentors' final poll; the answers the figures read
-- (the chosen form, date and year of birth, category, place of work); a participant's date of
-- birth and day of joining; a pair's form; a consent's kind; a proposal removed or moved.
-- (Apart from the first counter, so that these changes leave the curator's kept lists alone.)
-- Meetings confirmed and not yet decided are counted at every report (they become due as
-- time passes), so they move nothing here.
CREATE TABLE report_versions (
    organization_id INTEGER PRIMARY KEY,
    version         INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER meetings_report_version_insert_missed AFTER INSERT ON meetings
WHEN NEW.status = 'missed' BEGIN
    INSERT INTO report_versions SELECT organization_id, 1 FROM pairs
    WHERE id = NEW.pair_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER meetings_report_version_update_missed AFTER UPDATE OF status ON meetings
WHEN (OLD.status = 'missed') <> (NEW.status = 'missed') BEGIN
    INSERT INTO report_versions SELECT organization_id, 1 FROM pairs
    WHERE id IN (NEW.pair_id, OLD.pair_id)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER responses_report_version_insert_final_mentor AFTER INSERT ON responses
WHEN NEW.completed_at IS NOT NULL AND NEW.form = 'final_mentor' BEGIN
    INSERT INTO report_versions SELECT organization_id, 1 FROM participants
    WHERE id = NEW.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER responses_report_version_update_final_mentor AFTER UPDATE ON responses
WHEN (NEW.completed_at IS NOT NULL OR OLD.completed_at IS NOT NULL)
    AND (NEW.form = 'final_mentor' OR OLD.form = 'final_mentor') BEGIN
    INSERT INTO report_versions SELECT organization_id, 1 FROM participants
    WHERE id IN (NEW.participant_id, OLD.participant_id)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER responses_report_version_delete_final_mentor AFTER DELETE ON responses
WHEN OLD.completed_at IS NOT NULL AND OLD.form = 'final_mentor' BEGIN
    INSERT INTO report_versions SELECT organization_id, 1 FROM participants
    WHERE id = OLD.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER answers_report_version_insert_indicators AFTER INSERT ON answers
WHEN NEW.question IN ('form', 'birth_date', 'birth_year', 'category', 'workplace_org',
                      'workplace') BEGIN
    INSERT INTO report_versions SELECT organization_id, 1 FROM participants
    WHERE id = NEW.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER answers_report_version_update_indicators AFTER UPDATE ON answers
WHEN NEW.question IN ('form', 'birth_date', 'birth_year', 'category', 'workplace_org',
                      'workplace')
    OR OLD.question IN ('form', 'birth_date', 'birth_year', 'category', 'workplace_org',
                        'workplace') BEGIN
    INSERT INTO report_versions SELECT organization_id, 1 FROM participants
    WHERE id IN (NEW.participant_id, OLD.participant_id)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER answers_report_version_delete_indicators AFTER DELETE ON answers
WHEN OLD.question IN ('form', 'birth_date', 'birth_year', 'category', 'workplace_org',
                      'workplace') BEGIN
    INSERT INTO report_versions SELECT organization_id, 1 FROM participants
    WHERE id = OLD.participant_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER participants_report_version_update_indicators
AFTER UPDATE OF birth_date, joined_at ON participants BEGIN
    INSERT INTO report_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

-- A pair's form places its meetings and polls in a form's row.
CREATE TRIGGER pairs_report_version_update_form AFTER UPDATE OF form ON pairs BEGIN
    INSERT INTO report_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

-- A consent's kind decides whether the law's consent exists.
CREATE TRIGGER consents_report_version_update AFTER UPDATE OF participant_id, kind ON consents BEGIN
    INSERT INTO report_versions SELECT organization_id, 1 FROM participants
    WHERE id IN (NEW.participant_id, OLD.participant_id)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

-- Proposals are written with their run (which moves the counter); one removed or moved to
-- another person changes who is "matched".
CREATE TRIGGER proposals_report_version_delete AFTER DELETE ON proposals BEGIN
    INSERT INTO report_versions SELECT organization_id, 1 FROM matching_runs
    WHERE id = OLD.run_id
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER proposals_report_version_update_people
AFTER UPDATE OF mentee_id, mentor_id, run_id ON proposals BEGIN
    INSERT INTO report_versions SELECT organization_id, 1 FROM matching_runs
    WHERE id IN (NEW.run_id, OLD.run_id)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

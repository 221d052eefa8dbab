-- Issue 14, group mentoring: one mentor leads several mentees of one form of one organization.
--
-- Every member of a group stays a pair (mentor, mentee): the registers (appendix 2.2 lists a
-- mentor's mentees, 2.3 has a row per mentee), completion and the indicators keep counting
-- people per mentee exactly as for one-to-one pairs. ``pairs.group_id`` links the pairs of a
-- group; a member who leaves the group keeps their pair (group_id back to NULL: the work with
-- the mentor goes on one-to-one, as the documents let a pair or group be re-formed).
--
-- A group meeting is one ``meetings`` row per member pair sharing ``group_meeting_id``: each
-- member's history, kinds (acquaintance, trial, ...), cadence and completion stay per pair,
-- and an absent member's row is 'missed' while a present member's is 'held'. Whatever belongs
-- to the mentor is kept once per group meeting: the mentor's reminders, "did it take place?"
-- and feedback form hang on the group meeting's lead row (``group_meetings.lead_meeting_id``),
-- and the per-mentor count of meetings held counts a group meeting once (by its id).
CREATE TABLE groups (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- NULL: the mentor withdrew their consent (their pairs, and so the group, ended first).
    mentor_id       INTEGER REFERENCES participants (id) ON DELETE SET NULL,
    form            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    ended_at        TEXT
);
CREATE INDEX groups_by_mentor ON groups (mentor_id, ended_at);
CREATE INDEX groups_by_organization ON groups (organization_id, ended_at);

ALTER TABLE pairs ADD COLUMN group_id INTEGER REFERENCES groups (id) ON DELETE SET NULL;
CREATE INDEX pairs_by_group ON pairs (group_id) WHERE group_id IS NOT NULL;

CREATE TABLE group_meetings (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id        INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    -- The row the mentor's reminders, question and feedback belong to.
    lead_meeting_id INTEGER,
    created_at      TEXT NOT NULL,
    -- When the mentor answered "did it take place?" (with the attendance): set once.
    settled_at      TEXT
);
CREATE INDEX group_meetings_by_group ON group_meetings (group_id);

ALTER TABLE meetings ADD COLUMN group_meeting_id INTEGER
    REFERENCES group_meetings (id) ON DELETE SET NULL;
CREATE INDEX meetings_by_group_meeting ON meetings (group_meeting_id)
    WHERE group_meeting_id IS NOT NULL;

-- The members the mentor has ticked as present while answering, before «Done».
CREATE TABLE group_attendance (
    group_meeting_id INTEGER NOT NULL REFERENCES group_meetings (id) ON DELETE CASCADE,
    pair_id          INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    PRIMARY KEY (group_meeting_id, pair_id)
) WITHOUT ROWID;

-- The curator's lists and the pair cards show the group: a pair joining or leaving one moves
-- the lists' counter as any other change of a pair does.
CREATE TRIGGER pairs_version_update_group AFTER UPDATE OF group_id ON pairs BEGIN
    INSERT INTO organization_versions VALUES (NEW.organization_id, 1)
    ON CONFLICT (organization_id) DO UPDATE SET version = version + 1;
END;

-- A member's pair ends (ended by the curator, a withdrawal) while a group meeting is still to
-- be answered and its lead row is that pair's: the lead moves to another active member's row,
-- and the mentor's reminders and question with it (they would be dropped with the ended pair).
CREATE TRIGGER pairs_group_member_ended AFTER UPDATE OF ended_on ON pairs
WHEN OLD.ended_on IS NULL AND NEW.ended_on IS NOT NULL AND NEW.group_id IS NOT NULL BEGIN
    UPDATE reminders SET meeting_id = (
        SELECT min(o.id) FROM meetings o JOIN pairs q ON q.id = o.pair_id
        WHERE o.group_meeting_id = (SELECT group_meeting_id FROM meetings
                                    WHERE id = reminders.meeting_id)
          AND o.pair_id <> NEW.id AND q.ended_on IS NULL
    )
    WHERE state = 'pending'
      AND telegram_id = (SELECT telegram_id FROM participants WHERE id = NEW.mentor_id)
      AND meeting_id IN (SELECT g.lead_meeting_id FROM group_meetings g
                         JOIN meetings m ON m.id = g.lead_meeting_id
                         WHERE m.pair_id = NEW.id AND g.settled_at IS NULL)
      AND EXISTS (SELECT 1 FROM meetings o JOIN pairs q ON q.id = o.pair_id
                  WHERE o.group_meeting_id = (SELECT group_meeting_id FROM meetings
                                              WHERE id = reminders.meeting_id)
                    AND o.pair_id <> NEW.id AND q.ended_on IS NULL);
    UPDATE followups SET meeting_id = (
        SELECT min(o.id) FROM meetings o JOIN pairs q ON q.id = o.pair_id
        WHERE o.group_meeting_id = (SELECT group_meeting_id FROM meetings
                                    WHERE id = followups.meeting_id)
          AND o.pair_id <> NEW.id AND q.ended_on IS NULL
    )
    WHERE participant_id = NEW.mentor_id AND state IN ('pending', 'asked', 'reminded')
      AND meeting_id IN (SELECT g.lead_meeting_id FROM group_meetings g
                         JOIN meetings m ON m.id = g.lead_meeting_id
                         WHERE m.pair_id = NEW.id AND g.settled_at IS NULL)
      AND EXISTS (SELECT 1 FROM meetings o JOIN pairs q ON q.id = o.pair_id
                  WHERE o.group_meeting_id = (SELECT group_meeting_id FROM meetings
                                              WHERE id = followups.meeting_id)
                    AND o.pair_id <> NEW.id AND q.ended_on IS NULL);
    UPDATE group_meetings SET lead_meeting_id = (
        SELECT min(o.id) FROM meetings o JOIN pairs q ON q.id = o.pair_id
        WHERE o.group_meeting_id = group_meetings.id AND o.pair_id <> NEW.id
          AND q.ended_on IS NULL
    )
    WHERE settled_at IS NULL
      AND lead_meeting_id IN (SELECT id FROM meetings WHERE pair_id = NEW.id)
      AND EXISTS (SELECT 1 FROM meetings o JOIN pairs q ON q.id = o.pair_id
                  WHERE o.group_meeting_id = group_meetings.id AND o.pair_id <> NEW.id
                    AND q.ended_on IS NULL);
END;

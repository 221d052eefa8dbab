-- Stage 7: a cycle of the program in an organization, from its start to its closing. Pairs and
-- participants belong to the cycle they joined in; the reports count "the current cycle".
CREATE TABLE cycles (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    number          INTEGER NOT NULL CHECK (number >= 1),
    started_on      TEXT NOT NULL CHECK (date(started_on) = started_on),
    planned_end     TEXT CHECK (planned_end IS NULL OR date(planned_end) = planned_end),
    -- Set when the curator closes the cycle: pairs are asked for their final meeting and polls.
    closing_since   TEXT,
    closed_at       TEXT,
    UNIQUE (organization_id, number)
);
CREATE UNIQUE INDEX cycles_one_open ON cycles (organization_id) WHERE closed_at IS NULL;

-- Every existing organization starts in its first cycle, and what it has belongs to it.
INSERT INTO cycles (organization_id, number, started_on)
SELECT id, 1, date(created_at) FROM organizations;

ALTER TABLE participants ADD COLUMN cycle_id INTEGER REFERENCES cycles (id) ON DELETE SET NULL;
UPDATE participants
SET cycle_id = (SELECT c.id FROM cycles c WHERE c.organization_id = participants.organization_id);
CREATE INDEX participants_by_cycle ON participants (cycle_id);

ALTER TABLE pairs ADD COLUMN cycle_id INTEGER REFERENCES cycles (id) ON DELETE SET NULL;
UPDATE pairs SET cycle_id = (SELECT c.id FROM cycles c WHERE c.organization_id = pairs.organization_id);
CREATE INDEX pairs_by_cycle ON pairs (cycle_id, ended_on);
-- A pair that went through the whole cycle (its final meeting held or the cycle closed) is
-- completed; an early end (ended_on with a reason) is not.
ALTER TABLE pairs ADD COLUMN completed INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1));
-- The "results of the program" column of the registers, written by the pair or the curator.
ALTER TABLE pairs ADD COLUMN results TEXT CHECK (results IS NULL OR length(results) <= 1000);
-- The curator marks a pair's story as a good practice (кейс) of the organization.
ALTER TABLE pairs ADD COLUMN good_practice INTEGER NOT NULL DEFAULT 0
    CHECK (good_practice IN (0, 1));

-- The long-term mentor base (база наставников): mentees who want to become mentors and mentors
-- who will continue, carried over to the next cycle.
CREATE TABLE mentor_base (
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    source          TEXT NOT NULL CHECK (source IN ('former_mentee', 'continuing_mentor')),
    cycle_id        INTEGER REFERENCES cycles (id) ON DELETE SET NULL,
    added_at        TEXT NOT NULL,
    PRIMARY KEY (organization_id, participant_id)
);
CREATE INDEX mentor_base_by_cycle ON mentor_base (cycle_id);

-- What the closing of a cycle has already sent, so that each message goes out once even across
-- restarts: 'final_meeting:<pair id>' (the pair is asked for its final meeting), 'poll' (the
-- final poll), 'after' (monitoring after the program), 'results:<pair id>' (the mentor is
-- asked for the pair's results), 'invite' (a former mentee's invitation to join as a mentor).
CREATE TABLE cycle_deliveries (
    cycle_id       INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    what           TEXT NOT NULL CHECK (length(what) BETWEEN 1 AND 40),
    sent_at        TEXT NOT NULL,
    PRIMARY KEY (cycle_id, participant_id, what)
);
-- The closing tick looks for held final meetings of pairs still active every minute.
CREATE INDEX meetings_final_held ON meetings (pair_id) WHERE status = 'held' AND kind = 'final';
-- Completed pairs waiting for their polls are found per cycle.
CREATE INDEX pairs_completed_by_cycle ON pairs (cycle_id) WHERE completed = 1;

"""Participants, their consents, guardian requests and questionnaire answers; the answers of many
people at once, and their cleanup, are in :mod:`storage.repositories.answers`."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.clock import from_db, to_db
from bot.models.pairs import WITHDRAWN
from bot.models.participants import CandidateRow, Consent, GuardianRequest, Participant
from storage.database import Database, Transaction

_PARTICIPANT_COLUMNS = (
    "p.id, p.organization_id, p.telegram_id, p.role, p.age_group, p.birth_date, "
    "p.invitation_id, p.joined_at, p.current_question, p.confirmed_at, p.cycle_id"
)


def _participant(row: aiosqlite.Row) -> Participant:
    return Participant(
        id=row["id"],
        organization_id=row["organization_id"],
        telegram_id=row["telegram_id"],
        role=row["role"],
        age_group=row["age_group"],
        birth_date=date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
        invitation_id=row["invitation_id"],
        joined_at=from_db(row["joined_at"]),
        current_question=row["current_question"],
        confirmed_at=from_db(row["confirmed_at"]) if row["confirmed_at"] else None,
        cycle_id=row["cycle_id"],
    )


def _consent(row: aiosqlite.Row) -> Consent:
    return Consent(
        id=row["id"],
        participant_id=row["participant_id"],
        kind=row["kind"],
        given_by=row["given_by"],
        representative_name=row["representative_name"],
        representative_relation=row["representative_relation"],
        text_version=row["text_version"],
        text_sha256=row["text_sha256"],
        locale=row["locale"],
        given_at=from_db(row["given_at"]),
        representative_phone=row["representative_phone"],
        checked_as=row["checked_as"],
        checked_by=row["checked_by"],
        checked_at=from_db(row["checked_at"]) if row["checked_at"] else None,
        meeting_times=bool(row["meeting_times"]),
    )


# Today's candidates of the organization ``:org`` with their consents and status (as
# bot.participants.status_of decides it) as the table ``s``: those of a finished cycle stay in
# its records, not among today's candidates. The index participants_by_organization serves it.
_ORGANIZATION = "p.organization_id = :org"
_ONE = "p.organization_id = :org AND p.id = :id"
CANDIDATES_SQL = _CANDIDATES = (
    f"WITH c AS (SELECT {_PARTICIPANT_COLUMNS}, "
    "EXISTS (SELECT 1 FROM consents k WHERE k.participant_id = p.id AND k.kind = 'self') "
    "AS self_ok, "
    "EXISTS (SELECT 1 FROM consents k WHERE k.participant_id = p.id "
    "AND k.kind = 'representative') AS rep_ok, "
    # A representative's consent the curator has not checked yet (migration 0026).
    "EXISTS (SELECT 1 FROM consents k WHERE k.participant_id = p.id "
    "AND k.kind = 'representative' AND k.checked_at IS NOT NULL) AS rep_checked "
    f"FROM participants p WHERE {_ORGANIZATION} "
    # :org, not p.organization_id: the open cycle is looked up once, not once per person.
    "AND (p.cycle_id IS NULL OR p.cycle_id = (SELECT y.id FROM cycles y "
    "WHERE y.organization_id = :org AND y.closed_at IS NULL))), "
    "s AS (SELECT c.*, CASE "
    "WHEN c.age_group = 'child' AND NOT c.rep_ok THEN 'waiting_guardian' "
    "WHEN c.age_group <> 'child' AND NOT c.self_ok THEN 'waiting_consent' "
    "WHEN c.rep_ok AND NOT c.rep_checked THEN 'waiting_check' "
    "WHEN c.confirmed_at IS NULL THEN 'questionnaire' "
    "WHEN c.age_group = 'teen' AND NOT c.rep_ok THEN 'waiting_guardian' "
    "ELSE 'ready' END AS status FROM c)"
)


class ParticipantRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- participants ----------------------------------------------------------------
    async def create(
        self,
        *,
        organization_id: int,
        telegram_id: int,
        role: str,
        age_group: str,
        birth_date: date | None,
        invitation_id: int | None,
        now: datetime,
    ) -> Participant | None:
        """The new participant, or None when this person already has this role here."""
        async with self._db.transaction() as tx:
            exists = await tx.fetch_one(
                "SELECT 1 FROM participants WHERE organization_id = ? AND telegram_id = ? "
                "AND role = ?",
                (organization_id, telegram_id, role),
            )
            if exists:
                return None
            # A newcomer takes part in the organization's open cycle.
            participant_id = await tx.execute(
                "INSERT INTO participants (organization_id, telegram_id, role, age_group, "
                "birth_date, invitation_id, joined_at, cycle_id) VALUES (?, ?, ?, ?, ?, ?, ?, "
                "(SELECT id FROM cycles WHERE organization_id = ? AND closed_at IS NULL))",
                (
                    organization_id,
                    telegram_id,
                    role,
                    age_group,
                    birth_date.isoformat() if birth_date else None,
                    invitation_id,
                    to_db(now),
                    organization_id,
                ),
            )
        return await self.get(participant_id)

    async def get(self, participant_id: int) -> Participant | None:
        row = await self._db.fetch_one(
            f"SELECT {_PARTICIPANT_COLUMNS} FROM participants p WHERE p.id = ?",
            (participant_id,),
        )
        return _participant(row) if row else None

    async def many(self, participant_ids: Collection[int]) -> dict[int, Participant]:
        """The participants among these ids that still exist, in one query."""
        ids = sorted(set(participant_ids))
        if not ids:
            return {}
        rows = await self._db.fetch_all(
            f"SELECT {_PARTICIPANT_COLUMNS} FROM participants p "
            f"WHERE p.id IN ({', '.join('?' * len(ids))})",
            ids,
        )
        return {row["id"]: _participant(row) for row in rows}

    async def find(self, organization_id: int, telegram_id: int, role: str) -> Participant | None:
        row = await self._db.fetch_one(
            f"SELECT {_PARTICIPANT_COLUMNS} FROM participants p "
            "WHERE p.organization_id = ? AND p.telegram_id = ? AND p.role = ?",
            (organization_id, telegram_id, role),
        )
        return _participant(row) if row else None

    async def of_telegram_user(self, telegram_id: int) -> list[Participant]:
        rows = await self._db.fetch_all(
            f"SELECT {_PARTICIPANT_COLUMNS} FROM participants p WHERE p.telegram_id = ? "
            "ORDER BY p.id",
            (telegram_id,),
        )
        return [_participant(r) for r in rows]

    async def set_current_question(self, participant_id: int, key: str | None) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE participants SET current_question = ? WHERE id = ?", (key, participant_id)
            )

    async def confirm(self, participant_id: int, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE participants SET confirmed_at = ?, current_question = NULL "
                "WHERE id = ? AND confirmed_at IS NULL",
                (to_db(now), participant_id),
            )

    async def delete(
        self, participant_id: int, event: str | None, today: date, now: datetime
    ) -> bool:
        """Delete a participant and everything about them; count the event anonymously.

        The other side's history stays: the person's active pairs end today (a completed pair
        stays completed), their pairs' future meetings are cancelled with the reminders and
        follow-ups planned for them, and then the database empties the person's side of the
        pairs and meetings (ON DELETE SET NULL) while their own consents, answers, responses
        and follow-ups go with the row (ON DELETE CASCADE). All in one transaction."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT organization_id, role, telegram_id FROM participants WHERE id = ?",
                (participant_id,),
            )
            if row is None:
                return False
            await _leave_pairs(tx, participant_id, row["telegram_id"], today, now)
            await tx.execute(
                # A mentee left without a pair in a matching run is named there by id only.
                "UPDATE matching_runs SET unmatched = (SELECT json_group_array(json(u.value)) "
                "FROM json_each(matching_runs.unmatched) u "
                "WHERE json_extract(u.value, '$.mentee_id') IS NOT :p) "
                "WHERE organization_id = :o AND EXISTS (SELECT 1 FROM json_each(unmatched) u "
                "WHERE json_extract(u.value, '$.mentee_id') = :p)",
                {"p": participant_id, "o": row["organization_id"]},
            )
            await tx.execute("DELETE FROM participants WHERE id = ?", (participant_id,))
            if event:
                await tx.execute(
                    "INSERT INTO consent_events (organization_id, role, event, happened_on) "
                    "VALUES (?, ?, ?, ?)",
                    (row["organization_id"], row["role"], event, today.isoformat()),
                )
        return True

    async def count_events(self, organization_id: int) -> dict[str, int]:
        rows = await self._db.fetch_all(
            "SELECT event, count(*) AS n FROM consent_events WHERE organization_id = ? "
            "GROUP BY event",
            (organization_id,),
        )
        return {r["event"]: r["n"] for r in rows}

    # -- consents --------------------------------------------------------------------
    async def add_consent(
        self,
        *,
        participant_id: int,
        kind: str,
        given_by: int,
        text_version: str,
        text_sha256: str,
        locale: str,
        now: datetime,
        representative_name: str | None = None,
        representative_relation: str | None = None,
        child_name: str | None = None,
        representative_phone: str | None = None,
    ) -> bool:
        """False when this kind of consent was already given (a double tap)."""
        async with self._db.transaction() as tx:
            if not await tx.fetch_one("SELECT 1 FROM participants WHERE id = ?", (participant_id,)):
                return False
            changed = await tx.execute_rowcount(
                "INSERT OR IGNORE INTO consents (participant_id, kind, given_by, "
                "representative_name, representative_relation, text_version, text_sha256, "
                "locale, given_at, representative_phone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    participant_id,
                    kind,
                    given_by,
                    representative_name,
                    representative_relation,
                    text_version,
                    text_sha256,
                    locale,
                    to_db(now),
                    representative_phone,
                ),
            )
            if changed == 1 and child_name is not None:
                # The request of this child's link keeps the name the consent was given for,
                # in place of the Telegram display name it was created with.
                await tx.execute(
                    "UPDATE guardian_requests SET child_name = ? WHERE participant_id = ?",
                    (child_name, participant_id),
                )
        return changed == 1

    async def consents_of(self, participant_id: int) -> list[Consent]:
        rows = await self._db.fetch_all(
            "SELECT * FROM consents WHERE participant_id = ? ORDER BY id", (participant_id,)
        )
        return [_consent(r) for r in rows]

    async def represented_by(self, telegram_id: int) -> list[tuple[Participant, Consent]]:
        """Participants for whom this person gave a representative's consent."""
        rows = await self._db.fetch_all(
            f"SELECT {_PARTICIPANT_COLUMNS}, c.id AS c_id FROM consents c "
            "JOIN participants p ON p.id = c.participant_id "
            "WHERE c.given_by = ? AND c.kind = 'representative' ORDER BY p.id",
            (telegram_id,),
        )
        result = []
        for row in rows:
            participant = _participant(row)
            consents = {c.id: c for c in await self.consents_of(participant.id)}
            result.append((participant, consents[row["c_id"]]))
        return result

    # -- guardian requests ----------------------------------------------------------
    async def create_guardian_request(
        self, participant_id: int, token: str, child_name: str, now: datetime
    ) -> GuardianRequest:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO guardian_requests (participant_id, token, child_name, created_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (participant_id) DO NOTHING",
                (participant_id, token, child_name, to_db(now)),
            )
            row = await tx.fetch_one(
                "SELECT * FROM guardian_requests WHERE participant_id = ?", (participant_id,)
            )
        assert row is not None
        return self._guardian(row)

    async def guardian_request_by_token(self, token: str) -> GuardianRequest | None:
        row = await self._db.fetch_one("SELECT * FROM guardian_requests WHERE token = ?", (token,))
        return self._guardian(row) if row else None

    async def guardian_request_of(self, participant_id: int) -> GuardianRequest | None:
        row = await self._db.fetch_one(
            "SELECT * FROM guardian_requests WHERE participant_id = ?", (participant_id,)
        )
        return self._guardian(row) if row else None

    async def renew_guardian_request(self, request_id: int, token: str) -> GuardianRequest:
        """A fresh token for a link someone else opened first; the old token stops working."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE guardian_requests SET token = ?, opened_by = NULL, opened_at = NULL "
                "WHERE id = ?",
                (token, request_id),
            )
            row = await tx.fetch_one("SELECT * FROM guardian_requests WHERE id = ?", (request_id,))
        assert row is not None
        return self._guardian(row)

    async def claim_guardian_request(
        self, request_id: int, telegram_id: int, now: datetime
    ) -> bool:
        """Bind a link to the first person who opens it; True for that person only."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE guardian_requests SET opened_by = ?, opened_at = ? "
                "WHERE id = ? AND opened_by IS NULL",
                (telegram_id, to_db(now), request_id),
            )
            row = await tx.fetch_one(
                "SELECT opened_by FROM guardian_requests WHERE id = ?", (request_id,)
            )
        return row is not None and row["opened_by"] == telegram_id

    @staticmethod
    def _guardian(row: aiosqlite.Row) -> GuardianRequest:
        return GuardianRequest(
            id=row["id"],
            participant_id=row["participant_id"],
            token=row["token"],
            child_name=row["child_name"],
            created_at=from_db(row["created_at"]),
            opened_by=row["opened_by"],
        )

    # -- answers ---------------------------------------------------------------------
    async def save_answer(
        self,
        participant_id: int,
        question: str,
        value: Any,
        next_question: str | None,
        now: datetime,
    ) -> None:
        """Store one answer and move the questionnaire on, in one transaction."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO answers (participant_id, question, value, answered_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (participant_id, question) DO UPDATE SET "
                "value = excluded.value, answered_at = excluded.answered_at",
                (participant_id, question, json.dumps(value, ensure_ascii=False), to_db(now)),
            )
            await tx.execute(
                "UPDATE participants SET current_question = ? WHERE id = ?",
                (next_question, participant_id),
            )

    async def answers_of(self, participant_id: int) -> dict[str, Any]:
        rows = await self._db.fetch_all(
            "SELECT question, value FROM answers WHERE participant_id = ?", (participant_id,)
        )
        return {r["question"]: json.loads(r["value"]) for r in rows}

    async def version(self, organization_id: int) -> int:
        """The organization's counter of changes to what its lists count (migration 0019)."""
        value = await self._db.fetch_value(
            "SELECT version FROM organization_versions WHERE organization_id = ?",
            (organization_id,),
        )
        return int(value or 0)

    async def versions(self, organization_id: int) -> tuple[int, int]:
        """The organization's two counters in one statement: the lists' (:meth:`version`) and
        that of what is done in its pairs (meetings held, feedback and polls, full names; 0022),
        which the ranking and the cycle's figures show besides what the lists count."""
        row = await self._db.fetch_one(
            "SELECT (SELECT version FROM organization_versions WHERE organization_id = :org) "
            "AS lists, (SELECT version FROM activity_versions WHERE organization_id = :org) "
            "AS activity",
            {"org": organization_id},
        )
        assert row is not None
        return int(row["lists"] or 0), int(row["activity"] or 0)

    async def candidate_counts(self, organization_id: int) -> list[tuple[str, str, int]]:
        """How many of today's candidates (:meth:`candidates`) there are, as (role, status,
        count)."""
        rows = await self._db.fetch_all(
            f"{_CANDIDATES} SELECT s.role, s.status, count(*) AS n FROM s "
            "GROUP BY s.role, s.status",
            {"org": organization_id},
        )
        return [(r["role"], r["status"], r["n"]) for r in rows]

    async def candidate_page_ids(
        self, organization_id: int, order: Sequence[str], offset: int, limit: int
    ) -> list[int]:
        """The ids of ``limit`` of today's candidates from ``offset``, by role, status in
        ``order`` and id: no names, no answers."""
        rank = " ".join(f"WHEN '{status}' THEN {n}" for n, status in enumerate(order))
        rows = await self._db.fetch_all(
            f"{_CANDIDATES} SELECT s.id FROM s "
            f"ORDER BY s.role, CASE s.status {rank} ELSE {len(order)} END, s.id "
            "LIMIT :limit OFFSET :offset",
            {"org": organization_id, "limit": limit, "offset": offset},
        )
        return [r["id"] for r in rows]

    async def candidate_rows(
        self, organization_id: int, participant_ids: Sequence[int]
    ) -> dict[int, CandidateRow]:
        """These candidates of the organization with their consents and names (a page)."""
        ids = sorted(set(participant_ids))
        if not ids:
            return {}
        rows = await self._db.fetch_all(
            f"SELECT {_PARTICIPANT_COLUMNS}, "
            "EXISTS (SELECT 1 FROM consents k WHERE k.participant_id = p.id AND k.kind = 'self') "
            "AS self_ok, "
            "EXISTS (SELECT 1 FROM consents k WHERE k.participant_id = p.id "
            "AND k.kind = 'representative') AS rep_ok, "
            "EXISTS (SELECT 1 FROM consents k WHERE k.participant_id = p.id "
            "AND k.kind = 'representative' AND k.checked_at IS NOT NULL) AS rep_checked, "
            "(SELECT json_extract(a.value, '$') FROM answers a WHERE a.participant_id = p.id "
            "AND a.question = 'full_name') AS full_name "
            f"FROM participants p WHERE p.organization_id = ? "
            f"AND p.id IN ({', '.join('?' * len(ids))})",
            (organization_id, *ids),
        )
        return {
            r["id"]: CandidateRow(
                _participant(r),
                bool(r["self_ok"]),
                bool(r["rep_ok"]),
                r["full_name"],
                bool(r["rep_checked"]),
            )
            for r in rows
        }

    async def ready_mentor_order(self, organization_id: int) -> list[tuple[int, bool]]:
        """Today's candidates who are mentors ready for admission (consents and a confirmed
        questionnaire) as (id, waiting for the curator's decision), those waiting first, by
        id."""
        rows = await self._db.fetch_all(
            f"{_CANDIDATES} SELECT s.id, NOT EXISTS (SELECT 1 FROM mentor_admissions m "
            "WHERE m.participant_id = s.id) AS waiting FROM s "
            "WHERE s.role = 'mentor' AND s.status = 'ready' ORDER BY waiting DESC, s.id",
            {"org": organization_id},
        )
        return [(r["id"], bool(r["waiting"])) for r in rows]

    async def candidate(self, organization_id: int, participant_id: int) -> CandidateRow | None:
        """One of today's candidates of the organization (:meth:`candidates`), by id."""
        row = await self._db.fetch_one(
            f"{_CANDIDATES.replace(_ORGANIZATION, _ONE)} SELECT s.*, NULL AS full_name FROM s",
            {"org": organization_id, "id": participant_id},
        )
        if row is None:
            return None
        return CandidateRow(
            _participant(row),
            bool(row["self_ok"]),
            bool(row["rep_ok"]),
            None,
            bool(row["rep_checked"]),
        )

    async def candidates(self, organization_id: int) -> list[CandidateRow]:
        rows = await self._db.fetch_all(
            f"SELECT {_PARTICIPANT_COLUMNS}, "
            "EXISTS (SELECT 1 FROM consents c WHERE c.participant_id = p.id AND c.kind = 'self') "
            "AS self_ok, "
            "EXISTS (SELECT 1 FROM consents c WHERE c.participant_id = p.id "
            "AND c.kind = 'representative') AS rep_ok, "
            "EXISTS (SELECT 1 FROM consents c WHERE c.participant_id = p.id "
            "AND c.kind = 'representative' AND c.checked_at IS NOT NULL) AS rep_checked, "
            "(SELECT json_extract(a.value, '$') FROM answers a WHERE a.participant_id = p.id "
            "AND a.question = 'full_name') AS full_name "
            "FROM participants p WHERE p.organization_id = ? "
            # Those of a finished cycle stay in its records, not among today's candidates.
            "AND (p.cycle_id IS NULL OR p.cycle_id = (SELECT c.id FROM cycles c "
            "WHERE c.organization_id = p.organization_id AND c.closed_at IS NULL)) "
            "ORDER BY p.role, p.id",
            (organization_id,),
        )
        return [
            CandidateRow(
                _participant(r),
                bool(r["self_ok"]),
                bool(r["rep_ok"]),
                r["full_name"],
                bool(r["rep_checked"]),
            )
            for r in rows
        ]


async def _leave_pairs(
    tx: Transaction, participant_id: int, telegram_id: int, today: date, now: datetime
) -> None:
    """The person's pairs before their row is deleted (see :meth:`ParticipantRepository.delete`)."""
    pairs = [
        r["id"]
        for r in await tx.fetch_all(
            "SELECT id FROM pairs WHERE mentor_id = ? OR mentee_id = ?",
            (participant_id, participant_id),
        )
    ]
    if not pairs:
        return
    marks = ", ".join("?" * len(pairs))
    meetings = f"SELECT id FROM meetings WHERE pair_id IN ({marks})"
    # Nothing planned takes place any more: proposals nobody answered and confirmed meetings
    # still to come are cancelled; what was held or missed (or is waiting to be reported as
    # such) stays as it was.
    await tx.execute(
        "UPDATE meetings SET status = 'cancelled', decided_at = ?, cancel_reason = ? "
        f"WHERE pair_id IN ({marks}) "
        "AND (status = 'proposed' OR (status = 'confirmed' AND starts_at > ?))",
        (to_db(now), WITHDRAWN, *pairs, to_db(now)),
    )
    # The partner is neither reminded of these meetings nor asked whether they took place;
    # the person's own reminders name them by chat id, so they are deleted.
    await tx.execute(
        f"UPDATE reminders SET state = 'dropped', handled_at = ? WHERE meeting_id IN ({meetings}) "
        "AND state = 'pending'",
        (to_db(now), *pairs),
    )
    await tx.execute(
        f"DELETE FROM reminders WHERE telegram_id = ? AND meeting_id IN ({meetings})",
        (telegram_id, *pairs),
    )
    await tx.execute(
        f"UPDATE followups SET state = 'dropped' WHERE meeting_id IN ({meetings}) "
        "AND state IN ('pending', 'asked')",
        pairs,
    )
    # An "incompatible" note may quote the person's own comment (the partner's stays in
    # their response); the pairs are ended, so the curator's list no longer shows them.
    await tx.execute(f"UPDATE attention SET detail = NULL WHERE pair_id IN ({marks})", pairs)
    # Active pairs end today; completed stays as it was (a completed pair has ended already).
    await tx.execute(
        f"UPDATE pairs SET ended_on = ?, end_reason = ? WHERE id IN ({marks}) AND ended_on IS NULL",
        (today.isoformat(), WITHDRAWN, *pairs),
    )

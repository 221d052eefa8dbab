"""Speed mentoring (скоростное наставничество): a session of short conversations in rounds.

003 (the city regulation) describes it: «однократная встреча наставляемого (наставляемых) с
наставником более высокого уровня (профессионалом/компетентным лицом) с целью построения
взаимоотношений … Такие встречи помогают формулировать и устанавливать цели индивидуального
развития … а также наладить отношения „наставник — наставляемый“». The curator of a form
marked speed (:data:`dialogs.forms.FormPace.SPEED`) organizes a session: when and where, how
long a round is, which of the form's admitted mentors and ready mentees take part. The bot
works out the rounds (:func:`rotation`), tells everyone their schedule, asks each side after
its round about that conversation (:mod:`dialogs.speed_feedback`), and shows the curator who
met whom and what they said.

How the indicators and registers count it — the one rule, :func:`enters_program`: a speed
session is a one-off meeting, not a mentoring program. The regional letter (000) measures
involvement as «прохождение участником полного цикла программы наставничества», and the
registers (appendices 2.2, 2.3) list a mentor's mentee(s) and a mentee's mentor with the dates
of entering and ending the program. A session has no pair, no program and no end, so taking
part in one enters nobody into the program and completes nothing; it changes neither the
"entered" nor the "completed" figures nor the registers (its people stay in them as the
participants they are, with no mentor or mentee, end date or completion mark from it). A
good match the curator then turns into a pair enters the program the day that pair starts,
like any pair. (A short-term pair,
by contrast, is a pair: it enters when it starts and completes by its final meeting, see
:data:`bot.schedule.SHORT_ORDER`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Final

from bot.clock import Clock
from bot.models.organizations import OrganizationForm
from bot.models.participants import Participant
from bot.models.speed import SpeedFeedback, SpeedSession, SpeedTalk
from bot.organizations import OrganizationService
from bot.pairing import PairingService, ready_participants
from bot.participants import ParticipantService
from bot.schedule import local_to_utc
from dialogs.forms import FormPace, chosen_forms
from dialogs.speed_feedback import USEFULNESS_SCALE, GoOn
from storage.repositories.matching import MatchingRepository
from storage.repositories.speed_sessions import SpeedSessionRepository

MAX_SIDE: Final = 12  # people per side: twelve rounds of up to an hour is a long afternoon
ROUND_MINUTES: Final = (10, 15, 20, 30)
PLACE_LIMIT: Final = 300
EARLIEST: Final = timedelta(minutes=30)  # people need time to read their schedule
LATEST: Final = timedelta(weeks=8)
LISTED: Final = 20  # the sessions the curator's list shows
# A conversation is asked about within this long after its round (a bot that was down longer
# does not ask about a talk two days old).
ASK_WITHIN: Final = timedelta(days=1)


def enters_program(*, speed_session: bool) -> bool:
    """Whether taking part counts as entering the mentoring program (the indicators'
    «вошедшие в программу» and the registers): a pair does; a speed session does not (see
    the module's docstring for the documents' words). The indicators count pairs only, so a
    session's people are left out of them by construction; this says why, in one place."""
    return not speed_session


def rotation(mentors: Sequence[int], mentees: Sequence[int]) -> list[list[tuple[int, int]]]:
    """The rounds of a session: per round, the (mentor, mentee) conversations.

    With ``n`` the larger side, there are ``n`` rounds; in round ``r`` the ``i``-th mentor
    talks to the mentee ``(i + r) mod n`` when there is one. Every mentee meets every mentor
    exactly once (in round ``(j - i) mod n``), nobody has two conversations in a round, and
    whoever is on the larger side sits out no round; on the smaller side people rest in
    turn."""
    if not mentors or not mentees:
        return []
    size = max(len(mentors), len(mentees))
    rounds: list[list[tuple[int, int]]] = []
    for number in range(size):
        talks = []
        for index, mentor in enumerate(mentors):
            other = (index + number) % size
            if other < len(mentees):
                talks.append((mentor, mentees[other]))
        rounds.append(talks)
    return rounds


class SpeedProblem(StrEnum):
    NOT_SPEED = "not_speed"  # the form is not one of the organization's speed forms
    BAD_TIME = "bad_time"  # not a date and time as asked
    TOO_SOON = "too_soon"
    TOO_LATE = "too_late"
    BAD_PLACE = "bad_place"
    BAD_LENGTH = "bad_length"
    TOO_FEW = "too_few"  # at least one mentor and one mentee
    TOO_MANY = "too_many"
    NOT_CANDIDATE = "not_candidate"  # someone not (or no longer) ready in this form


@dataclass(frozen=True)
class Seat:
    """Someone who may take part: a mentor admitted or a mentee ready, of the form."""

    participant: Participant
    answers: dict[str, Any]


@dataclass(frozen=True)
class Schedule:
    """One person's schedule in a session, to be sent to them."""

    session: SpeedSession
    participant: Participant
    talks: list[tuple[SpeedTalk, int | None]]  # each conversation and the other side
    answers: dict[int, dict[str, Any]]  # the other sides' answers, for their names
    timezone: str


@dataclass(frozen=True)
class FeedbackDue:
    talk: SpeedTalk
    participant: Participant
    other_id: int | None
    other_answers: dict[str, Any]


@dataclass(frozen=True)
class SessionSummary:
    session: SpeedSession
    timezone: str
    talks: list[SpeedTalk]
    feedback: dict[tuple[int, int], SpeedFeedback]  # (talk, participant)
    answers: dict[int, dict[str, Any]]

    def good_matches(self) -> list[SpeedTalk]:
        """Conversations after which both sides would like to go on working together."""
        return [
            talk
            for talk in self.talks
            if talk.mentor_id is not None
            and talk.mentee_id is not None
            and all(
                (found := self.feedback.get((talk.id, side))) is not None
                and found.continue_with == GoOn.YES
                for side in (talk.mentor_id, talk.mentee_id)
            )
        ]


class SpeedSessionService:
    def __init__(
        self,
        repository: SpeedSessionRepository,
        matching: MatchingRepository,
        participants: ParticipantService,
        pairing: PairingService,
        organizations: OrganizationService,
        clock: Clock,
    ) -> None:
        self._repository = repository
        self._matching = matching
        self._participants = participants
        self._pairing = pairing
        self._organizations = organizations
        self._clock = clock

    async def timezone(self, organization_id: int) -> str:
        organization = await self._organizations.get(organization_id)
        return organization.timezone if organization else "Europe/Moscow"

    async def forms(self, organization_id: int) -> list[OrganizationForm]:
        """The organization's enabled forms marked speed mentoring."""
        return [
            form
            for form in await self._organizations.enabled_forms(organization_id)
            if form.pace is FormPace.SPEED
        ]

    async def seats(self, organization_id: int, form: str) -> tuple[list[Seat], list[Seat]]:
        """Who may take part in a session of the form: (admitted mentors, ready mentees)."""
        ready = await ready_participants(self._participants, organization_id)
        admissions = await self._matching.admissions(organization_id)
        answers = await self._pairing.answers_of([p.id for p in ready])
        mentors: list[Seat] = []
        mentees: list[Seat] = []
        for participant in ready:
            own = answers.get(participant.id, {})
            if form not in chosen_forms(own.get("form")):  # a mentor may be in several
                continue
            if participant.role == "mentee":
                mentees.append(Seat(participant, own))
            else:
                admission = admissions.get(participant.id)
                if admission is not None and admission.decision == "admitted":
                    mentors.append(Seat(participant, own))
        return mentors, mentees

    def start_of(self, text: str, timezone: str) -> datetime | SpeedProblem:
        """«25.05.2026 16:00» (the organization's local time) as a UTC instant."""
        parts = (text or "").split()
        if len(parts) != 2:
            return SpeedProblem.BAD_TIME
        try:
            day = datetime.strptime(parts[0], "%d.%m.%Y").date()
            at = datetime.strptime(parts[1].replace(".", ":"), "%H:%M").time()
        except ValueError:
            return SpeedProblem.BAD_TIME
        return self.check_start(day, at, timezone)

    def check_start(self, day: date, at: time, timezone: str) -> datetime | SpeedProblem:
        starts_at = local_to_utc(datetime.combine(day, at), timezone)
        return self._check_instant(starts_at) or starts_at

    def _check_instant(self, starts_at: datetime) -> SpeedProblem | None:
        now = self._clock.now()
        if starts_at < now + EARLIEST:
            return SpeedProblem.TOO_SOON
        if starts_at > now + LATEST:
            return SpeedProblem.TOO_LATE
        return None

    async def create(
        self,
        organization_id: int,
        curator_telegram_id: int,
        form: str,
        starts_at: datetime,
        place: str,
        round_minutes: int,
        mentor_ids: Sequence[int],
        mentee_ids: Sequence[int],
    ) -> SpeedSession | SpeedProblem:
        """Check everything again (the curator's choices came through buttons and a
        dialogue) and create the session with its rounds."""
        if form not in {f.code for f in await self.forms(organization_id)}:
            return SpeedProblem.NOT_SPEED
        place = " ".join(place.split())
        if not 1 <= len(place) <= PLACE_LIMIT:
            return SpeedProblem.BAD_PLACE
        if round_minutes not in ROUND_MINUTES:
            return SpeedProblem.BAD_LENGTH
        problem = self._check_instant(starts_at)
        if problem is not None:
            return problem
        mentors, mentees = list(dict.fromkeys(mentor_ids)), list(dict.fromkeys(mentee_ids))
        if not mentors or not mentees:
            return SpeedProblem.TOO_FEW
        if len(mentors) > MAX_SIDE or len(mentees) > MAX_SIDE:
            return SpeedProblem.TOO_MANY
        may_mentor, may_mentee = await self.seats(organization_id, form)
        if not set(mentors) <= {s.participant.id for s in may_mentor} or not set(mentees) <= {
            s.participant.id for s in may_mentee
        }:
            return SpeedProblem.NOT_CANDIDATE
        length = timedelta(minutes=round_minutes)
        talks = [
            (number + 1, mentor, mentee, starts_at + length * (number + 1))
            for number, pairs in enumerate(rotation(mentors, mentees))
            for mentor, mentee in pairs
        ]
        session = SpeedSession(
            0, organization_id, form, starts_at, place, round_minutes, curator_telegram_id
        )
        seats = [(m, "mentor") for m in mentors] + [(m, "mentee") for m in mentees]
        session_id = await self._repository.create(session, seats, talks, self._clock.now())
        created = await self._repository.session(session_id)
        assert created is not None
        return created

    async def sessions(self, organization_id: int) -> list[SpeedSession]:
        return await self._repository.of_organization(organization_id, LISTED)

    # -- what the bot sends by itself (claimed before it is queued) ----------------------------
    async def schedules_due(self) -> list[Schedule]:
        """Everyone not told their schedule yet, each claimed once."""
        due: list[Schedule] = []
        now = self._clock.now()
        for session_id, participant_id in await self._repository.untold():
            session = await self._repository.session(session_id)
            participant = await self._participants.get(participant_id)
            if session is None or participant is None:
                continue
            if not await self._repository.claim_told(session_id, participant_id, now):
                continue
            talks = [
                (talk, talk.side_of(participant_id))
                for talk in await self._repository.talks(session_id)
                if participant_id in (talk.mentor_id, talk.mentee_id)
            ]
            others = [other for _, other in talks if other is not None]
            due.append(
                Schedule(
                    session,
                    participant,
                    talks,
                    await self._pairing.answers_of(others),
                    await self.timezone(session.organization_id),
                )
            )
        return due

    async def feedback_due(self) -> list[FeedbackDue]:
        """Each side of every conversation that ended within :data:`ASK_WITHIN`, asked once."""
        due: list[FeedbackDue] = []
        now = self._clock.now()
        since = now - ASK_WITHIN
        for talk, participant_id in await self._repository.ended_unasked(since, now):
            participant = await self._participants.get(participant_id)
            if participant is None:
                continue
            if not await self._repository.claim_asked(talk.id, participant_id, now):
                continue
            other = talk.side_of(participant_id)
            answers = await self._pairing.answers_of([other]) if other is not None else {}
            due.append(FeedbackDue(talk, participant, other, answers.get(other or 0, {})))
        return due

    # -- the answers ---------------------------------------------------------------------------
    async def asked(self, talk_id: int, telegram_id: int) -> FeedbackDue | None:
        """The question about this conversation if this person is a side of it and was asked."""
        talk = await self._repository.talk(talk_id)
        if talk is None:
            return None
        for participant_id in (talk.mentor_id, talk.mentee_id):
            participant = await self._participants.get(participant_id)
            if participant is None or participant.telegram_id != telegram_id:
                continue
            if await self._repository.feedback_of(talk_id, participant.id) is None:
                return None
            other = talk.side_of(participant.id)
            answers = await self._pairing.answers_of([other]) if other is not None else {}
            return FeedbackDue(talk, participant, other, answers.get(other or 0, {}))
        return None

    async def rate(self, talk_id: int, telegram_id: int, value: int) -> FeedbackDue | None:
        """The usefulness; None when the press no longer applies (not theirs, answered)."""
        found = await self.asked(talk_id, telegram_id)
        if found is None or value not in USEFULNESS_SCALE:
            return None
        recorded = await self._repository.record(
            talk_id, found.participant.id, usefulness=value, now=self._clock.now()
        )
        return found if recorded else None

    async def go_on(self, talk_id: int, telegram_id: int, value: str) -> FeedbackDue | None:
        found = await self.asked(talk_id, telegram_id)
        if found is None or value not in set(GoOn):
            return None
        recorded = await self._repository.record(
            talk_id, found.participant.id, continue_with=value, now=self._clock.now()
        )
        return found if recorded else None

    # -- the curator's summary -----------------------------------------------------------------
    async def summary(self, organization_id: int, session_id: int) -> SessionSummary | None:
        """Who met whom and what each said; None for another organization's session."""
        session = await self._repository.get(organization_id, session_id)
        if session is None:
            return None
        talks = await self._repository.talks(session_id)
        feedback = {(f.talk_id, f.participant_id): f for f in await self._repository.feedback(
            session_id
        )}  # fmt: skip
        people = {i for t in talks for i in (t.mentor_id, t.mentee_id) if i is not None}
        return SessionSummary(
            session,
            await self.timezone(organization_id),
            talks,
            feedback,
            await self._pairing.answers_of(sorted(people)),
        )

"""The participant's rights under 152-FZ: see everything held about them, and withdraw."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock, to_db
from bot.models.participants import Participant
from bot.organizations import OrganizationService
from bot.participants import ParticipantService
from storage.repositories.participants import ParticipantRepository
from storage.repositories.privacy import PrivacyRepository


@dataclass(frozen=True)
class Departure:
    """A participation that ended by withdrawal: whom to tell, before the data is gone."""

    organization_id: int
    role: str
    full_name: str | None
    telegram_id: int
    by_representative: bool
    # The other side of the person's active pairs: their pair ends with the withdrawal.
    partners: tuple[int, ...] = ()


@dataclass
class WithdrawalPlan:
    own: list[Participant] = field(default_factory=list)
    represented: list[Participant] = field(default_factory=list)
    # The child's full name the representative typed with the consent, by participant id.
    child_names: dict[int, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.own and not self.represented


class DataRightsService:
    def __init__(
        self,
        participants: ParticipantService,
        repository: ParticipantRepository,
        privacy: PrivacyRepository,
        organizations: OrganizationService,
        clock: Clock,
    ) -> None:
        self._participants = participants
        self._repository = repository
        self._privacy = privacy
        self._organizations = organizations
        self._clock = clock

    async def export(self, telegram_id: int) -> dict[str, Any]:
        """Everything held about this person, and nothing about anyone else."""
        participations = []
        for participant in await self._repository.of_telegram_user(telegram_id):
            participations.append(
                {
                    "participant_id": participant.id,
                    "organization_id": participant.organization_id,
                    "role": participant.role,
                    "status": (await self._participants.status(participant)).value,
                    "age_group": participant.age_group,
                    "birth_date": (
                        participant.birth_date.isoformat() if participant.birth_date else None
                    ),
                    "joined_at": to_db(participant.joined_at),
                    "questionnaire_confirmed_at": (
                        to_db(participant.confirmed_at) if participant.confirmed_at else None
                    ),
                    "answers": await self._repository.answers_of(participant.id),
                    # A representative's consent names the representative: that is their data,
                    # so only its existence and date are shown to the participant.
                    "consents": [
                        {
                            "kind": c.kind,
                            "text_version": c.text_version,
                            "text_sha256": c.text_sha256,
                            "given_at": to_db(c.given_at),
                        }
                        for c in await self._repository.consents_of(participant.id)
                    ],
                }
            )
        given = [
            {
                "for_participant_id": participant.id,
                "organization_id": participant.organization_id,
                "your_name": consent.representative_name,
                "relation": consent.representative_relation,
                "your_phone": consent.representative_phone,
                "text_version": consent.text_version,
                "text_sha256": consent.text_sha256,
                "given_at": to_db(consent.given_at),
            }
            for participant, consent in await self._repository.represented_by(telegram_id)
        ]
        return {
            "telegram_id": telegram_id,
            "exported_at": to_db(self._clock.now()),
            "account": await self._privacy.account_of(telegram_id),
            "participations": participations,
            "consents_given_as_representative": given,
        }

    async def plan_withdrawal(self, telegram_id: int) -> WithdrawalPlan:
        represented = await self._repository.represented_by(telegram_id)
        return WithdrawalPlan(
            own=await self._repository.of_telegram_user(telegram_id),
            represented=[p for p, _ in represented],
            child_names=await self._child_names([p for p, _ in represented]),
        )

    async def _child_names(self, children: list[Participant]) -> dict[int, str]:
        """The full names the representative typed when consenting (kept with the link)."""
        names: dict[int, str] = {}
        for child in children:
            request = await self._repository.guardian_request_of(child.id)
            if request is not None:
                names[child.id] = request.child_name
        return names

    async def withdraw(self, telegram_id: int) -> list[Departure]:
        """Delete the person's participations and those of children they represent.

        Their active pairs end today (the organization's date) and their planned meetings are
        cancelled; the pairs, the meetings held and the partners' answers stay, with the
        person's side left empty («participant withdrew consent»).

        Returns who left, so the caller can tell the curators, the partners and the children;
        the names are read before the rows are deleted and are not kept anywhere afterwards.
        """
        plan = await self.plan_withdrawal(telegram_id)
        departures: list[Departure] = []
        now = self._clock.now()
        for participant, by_representative in [(p, False) for p in plan.own] + [
            (p, True) for p in plan.represented
        ]:
            answers = await self._repository.answers_of(participant.id)
            name = answers.get("full_name")
            partners = await self._privacy.active_partners(participant.id)
            today = await self._today(participant.organization_id, now)
            if await self._repository.delete(participant.id, "withdrawn", today, now):
                departures.append(
                    Departure(
                        participant.organization_id,
                        participant.role,
                        name if isinstance(name, str) else None,
                        participant.telegram_id,
                        by_representative,
                        partners,
                    )
                )
        await self._privacy.erase_account(telegram_id)
        return departures

    async def _today(self, organization_id: int, now: datetime) -> date:
        organization = await self._organizations.get(organization_id)
        return now.astimezone(ZoneInfo(organization.timezone) if organization else UTC).date()

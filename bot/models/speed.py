"""Speed mentoring: a session of rounds, its conversations and the feedback on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SpeedSession:
    id: int
    organization_id: int
    form: str
    starts_at: datetime  # UTC; the first round begins then
    place: str
    round_minutes: int
    created_by: int  # the curator's Telegram id


@dataclass(frozen=True)
class SpeedTalk:
    """One conversation of a round; a side is None once that person withdrew."""

    id: int
    session_id: int
    round: int
    mentor_id: int | None
    mentee_id: int | None
    ends_at: datetime

    def side_of(self, participant_id: int) -> int | None:
        """The other side of the conversation for one of its sides, else None."""
        if participant_id == self.mentor_id:
            return self.mentee_id
        if participant_id == self.mentee_id:
            return self.mentor_id
        return None


@dataclass(frozen=True)
class SpeedFeedback:
    talk_id: int
    participant_id: int
    usefulness: int | None
    continue_with: str | None
    answered: bool

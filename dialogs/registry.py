"""The questionnaires by key; the key is stored with the answers."""

from __future__ import annotations

from dialogs.mentee import MENTEE
from dialogs.mentor import MENTOR
from dialogs.model import Questionnaire

QUESTIONNAIRES: dict[str, Questionnaire] = {q.key: q for q in (MENTOR, MENTEE)}


def get_questionnaire(key: str) -> Questionnaire:
    """The questionnaire with this key; ``KeyError`` for an unknown one."""
    try:
        return QUESTIONNAIRES[key]
    except KeyError:
        raise KeyError(f"no questionnaire {key!r}") from None

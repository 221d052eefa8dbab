"""The questionnaires by key; the key is stored with the answers."""

from __future__ import annotations

from dialogs.compatibility import COMPATIBILITY
from dialogs.feedback import MEETING_FEEDBACK
from dialogs.final_poll import FINAL_MENTEE, FINAL_MENTOR
from dialogs.mentee import MENTEE
from dialogs.mentor import MENTOR
from dialogs.model import Questionnaire
from dialogs.monitoring import MONITORING_FORMS

QUESTIONNAIRES: dict[str, Questionnaire] = {q.key: q for q in (MENTOR, MENTEE)}

# The short forms filled in many times (table ``responses``): after meetings, before and after
# the programme, at the end of a cycle.
FORMS: dict[str, Questionnaire] = {
    q.key: q
    for q in (
        MEETING_FEEDBACK,
        COMPATIBILITY,
        *MONITORING_FORMS.values(),
        FINAL_MENTEE,
        FINAL_MENTOR,
    )
}


def get_questionnaire(key: str) -> Questionnaire:
    """The questionnaire with this key; ``KeyError`` for an unknown one."""
    try:
        return QUESTIONNAIRES[key]
    except KeyError:
        raise KeyError(f"no questionnaire {key!r}") from None


def get_form(key: str) -> Questionnaire:
    """The repeated form with this key; ``KeyError`` for an unknown one."""
    try:
        return FORMS[key]
    except KeyError:
        raise KeyError(f"no form {key!r}") from None

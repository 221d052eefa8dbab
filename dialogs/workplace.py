"""The mentor's place of work or study as the answers hold it, new and old.

The questionnaire asks for the organization (``workplace_org``) and the position
(``workplace_position``) separately. People who answered before that gave one text
(``workplace``), which the hint asked to write as "organization, position"; their answer is
read as it is until they answer the two questions.

Pure functions: no I/O, no Telegram.
"""

from __future__ import annotations

from collections.abc import Mapping

WORKPLACE_ORG = "workplace_org"
WORKPLACE_POSITION = "workplace_position"
LEGACY_WORKPLACE = "workplace"  # the single question asked before the split


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def workplace_text(answers: Mapping[str, object]) -> str:
    """ "Organization, position" as the registers show it (appendices 2.2 and 2.3); an old
    single answer as typed; empty when nothing is known."""
    parts = [_text(answers.get(WORKPLACE_ORG)), _text(answers.get(WORKPLACE_POSITION))]
    if any(parts):
        return ", ".join(part for part in parts if part)
    return _text(answers.get(LEGACY_WORKPLACE))


def organization_of(answers: Mapping[str, object]) -> str | None:
    """The name of the organization where the mentor works or studies: the answer to the
    organization question, else the part of an old single answer before its first comma
    (the old hint asked for "organization, position"); ``None`` when nothing is known."""
    organization = _text(answers.get(WORKPLACE_ORG))
    if organization:
        return organization
    legacy = _text(answers.get(LEGACY_WORKPLACE))
    head = legacy.split(",", 1)[0].strip()
    return head or None

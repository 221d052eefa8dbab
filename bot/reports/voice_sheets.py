"""Two sheets of the workbook for a period: «Отзывы участников» (the free answers of the final
polls and of the compatibility form, one row per answer: the material of the analytic note)
and «Наставники — итоги» (per mentor: meetings held, mentees, average usefulness, completed
pairs, the mentees' satisfaction), what a regulation that rewards mentoring asks for.

Both go upwards with the school's reports, so, like the registers, they are in Russian whatever
the curator's language: the headers are the documents' words, and the questions and the chosen
options are read from the Russian catalog.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

from bot.models.voices import Voice, VoiceBook, VoicePair
from bot.reports.export_book import ExportBook, translator
from bot.reports.registers import Translate
from bot.reports.voices import VOICE_FORMS
from bot.reports.workbook import Column, ColumnKind, Sheet
from bot.schedule import utc_to_local
from dialogs.answer_display import format_answer

VOICES_SHEET = "Отзывы участников"
# Excel forbids ":" in a sheet's name, so not «Наставники: итоги».
MENTORS_SHEET = "Наставники — итоги"

VOICES_COLUMNS: tuple[str, ...] = (
    "№ пары",
    "ФИО наставника",
    "ФИО наставляемого",
    "Кто ответил",
    "ФИО ответившего",
    "Анкета",
    "Вопрос",
    "Ответ",
    "Дата ответа",
)
MENTORS_COLUMNS: tuple[str, ...] = (
    "ФИО наставника",
    "Проведено встреч",
    "Наставляемых",
    "Полезность встреч по оценке наставляемых (1–5)",
    "Число оценок наставляемых",
    "Полезность встреч по оценке наставника (1–5)",
    "Число оценок наставника",
    "Пар завершили программу",
    "Пар за период",
    "Доля завершивших программу",
    "Удовлетворённость наставляемых (0–10)",
    "Число ответов наставляемых",
)

ROLES = {"mentor": "наставник", "mentee": "наставляемый"}
FORM_NAMES = {
    "final_mentee": "итоговая анкета наставляемого",
    "final_mentor": "итоговая анкета наставника",
    "compatibility": "анкета совместимости после пробной встречи",
}
WITHDRAWN = "участник отозвал согласие"


def side_name(participant_id: int | None, name: str | None) -> str:
    """A side of a pair by name; one who withdrew is named by the fact, never by id."""
    if participant_id is None:
        return WITHDRAWN
    return name.strip() if name and name.strip() else f"Участник № {participant_id}"


def _names(pairs: Sequence[VoicePair], mentor: bool) -> str:
    names = (
        side_name(p.mentor_id, p.mentor_name) if mentor else side_name(p.mentee_id, p.mentee_name)
        for p in pairs
    )
    return ", ".join(dict.fromkeys(names))


def voice_rows(voice: Voice, ru: Translate, timezone: str) -> list[Sequence[Any]]:
    """A row per free answer of the response, and one for its choice."""
    form = VOICE_FORMS[voice.form]
    common = (
        ", ".join(str(p.pair_id) for p in voice.pairs),
        _names(voice.pairs, mentor=True),
        _names(voice.pairs, mentor=False),
        ROLES.get(voice.role, voice.role),
        side_name(voice.participant_id, voice.full_name),
        FORM_NAMES.get(voice.form, voice.form),
    )
    day = utc_to_local(voice.answered_at, timezone).date()
    answers: list[tuple[str, str]] = []
    if voice.choice is not None:
        key, value = voice.choice
        question = form.question(key)
        answers.append((key, format_answer(question, {"choice": value}, ru)))
    answers += voice.texts
    rows: list[Sequence[Any]] = []
    for key, text in sorted(answers, key=lambda item: form.index(item[0])):
        question = form.question(key)
        rows.append((*common, ru(question.label or question.text), text, day))
    return rows


def voices_sheet(data: VoiceBook) -> Sheet:
    ru = translator("ru")
    widths = (9, 28, 28, 14, 28, 24, 26, 60, 12)
    kinds = {7: ColumnKind.WRAP, 8: ColumnKind.DATE, 1: ColumnKind.WRAP, 2: ColumnKind.WRAP}
    columns = [
        Column(title, width, kinds.get(number, ColumnKind.TEXT))
        for number, (title, width) in enumerate(zip(VOICES_COLUMNS, widths, strict=True))
    ]
    rows = [row for voice in data.voices for row in voice_rows(voice, ru, data.scope.timezone)]
    return Sheet(VOICES_SHEET, columns, rows)


def mentors_sheet(data: VoiceBook) -> Sheet:
    widths = (30, 12, 14, 18, 12, 18, 12, 14, 10, 14, 18, 12)
    kinds = {
        0: ColumnKind.WRAP,
        3: ColumnKind.DECIMAL,
        5: ColumnKind.DECIMAL,
        9: ColumnKind.PERCENT,
        10: ColumnKind.DECIMAL,
    }
    columns = [
        Column(title, width, kinds.get(number, ColumnKind.TEXT))
        for number, (title, width) in enumerate(zip(MENTORS_COLUMNS, widths, strict=True))
    ]
    rows: list[Sequence[Any]] = [
        (
            side_name(m.mentor_id, m.full_name),
            m.meetings_held,
            m.mentees,
            m.usefulness,
            m.usefulness_answers,
            m.own_usefulness,
            m.own_usefulness_answers,
            m.completed,
            m.pairs,
            m.completed / m.pairs if m.pairs else None,
            m.satisfaction,
            m.satisfaction_answers,
        )
        for m in data.mentors
    ]
    return Sheet(MENTORS_SHEET, columns, rows)


def still_present(data: VoiceBook, present: Collection[int]) -> VoiceBook:
    """Only people still among the workbook's participants (read last): someone who withdrew
    while the export was read is neither quoted nor named."""

    def side(pair: VoicePair) -> VoicePair:
        mentor = pair.mentor_id if pair.mentor_id in present else None
        mentee = pair.mentee_id if pair.mentee_id in present else None
        return replace(
            pair,
            mentor_id=mentor,
            mentee_id=mentee,
            mentor_name=pair.mentor_name if mentor is not None else None,
            mentee_name=pair.mentee_name if mentee is not None else None,
        )

    voices = [
        replace(voice, pairs=tuple(side(p) for p in voice.pairs))
        for voice in data.voices
        if voice.participant_id in present
    ]
    mentors = [m for m in data.mentors if m.mentor_id in present]
    return replace(data, voices=voices, mentors=mentors)


def voice_sheets(book: ExportBook) -> list[Sheet]:
    """The two sheets of the workbook's period (none when the export read no voices)."""
    if book.data.voices is None:
        return []
    data = still_present(book.data.voices, book.people)
    return [voices_sheet(data), mentors_sheet(data)]

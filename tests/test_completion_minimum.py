"""The curator chooses, per form the organization runs, the meeting a pair must have held to
have completed the programme when the cycle is finished early (/meetingsettings); the choice is
what finishing the cycle then counts. Only the organization's curator changes it, for their own
organization; a double tap, a form the school does not run and a forged meeting change nothing.
"""

from __future__ import annotations

from bot.schedule import MeetingKind
from dialogs.forms import FederalForm
from handlers.meeting_settings_views import CompletionEdit, CompletionStep
from tests.inprocess import Harness, Sent
from tests.test_report_periods import School

CURATOR_A, CURATOR_B, STRANGER = 701, 702, 4_000_001


async def schools(harness: Harness) -> tuple[int, int]:
    services = harness.app.services
    forms = [FederalForm.PUPIL_PUPIL, FederalForm.TEACHER_TEACHER]
    a = await services.organizations.create("Школа № 3", "Europe/Moscow", forms)
    await services.organizations.add_curator(a.id, CURATOR_A)
    b = await services.organizations.create("Лицей № 2", "Europe/Moscow", forms)
    await services.organizations.add_curator(b.id, CURATOR_B)
    return a.id, b.id


def press(action: CompletionStep, form: str, kind: str = "") -> str:
    return CompletionEdit(action=action, form=form, kind=kind).pack()


def buttons(sent: Sent) -> list[str]:
    return [text for text, _ in sent.buttons]


async def test_the_curator_chooses_the_minimum_of_each_form(harness: Harness) -> None:
    a, b = await schools(harness)
    cycles = harness.app.services.cycles
    settings = (await harness.send(CURATOR_A, "/meetingsettings"))[0]
    # Each form the school runs, with the default: the planning meeting.
    assert "Завершение программы" in settings.text
    assert "• Ученик – ученик: встреча-планирование" in settings.text
    assert "• Учитель – учитель: встреча-планирование" in settings.text
    assert "Студент – ученик" not in settings.text  # not run by this school
    assert "Завершение: Учитель – учитель" in buttons(settings)

    choice = await harness.press(
        CURATOR_A, settings.data_of("Завершение: Учитель – учитель"), settings.message_id
    )
    assert choice[0].method == "editMessageText" and choice[0].message_id == settings.message_id
    assert "Завершение программы: Учитель – учитель" in choice[0].text
    assert "Минимум для завершения программы: встреча-планирование." in choice[0].text
    assert buttons(choice[0]) == [
        "Встреча-знакомство",
        "Пробная рабочая встреча",
        "✓ Встреча-планирование",
        "Регулярная встреча",
        "Заключительная встреча",
        "← Назад",
    ]
    saved = await harness.press(
        CURATOR_A, choice[0].data_of("Регулярная встреча"), settings.message_id
    )
    assert saved[0].method == "editMessageText"
    assert "• Учитель – учитель: регулярная встреча" in saved[0].text
    assert "• Ученик – ученик: встреча-планирование" in saved[0].text
    toast = harness.session.callback_answers()[-1].text or ""
    assert toast == "Сохранено: Учитель – учитель — регулярная встреча."
    assert await cycles.completion_minimum(a, "teacher_teacher") is MeetingKind.REGULAR
    assert await cycles.completion_minimum(a, "pupil_pupil") is MeetingKind.PLANNING
    # The other school is untouched.
    assert await cycles.completion_minimum(b, "teacher_teacher") is MeetingKind.PLANNING

    # A double tap: already done, the settings as they are, nothing changed.
    again = await harness.press(
        CURATOR_A, choice[0].data_of("Регулярная встреча"), settings.message_id
    )
    assert again == []  # the settings already shown stay as they are
    assert "Это уже сделано" in (harness.session.callback_answers()[-1].text or "")
    assert await cycles.completion_minimum(a, "teacher_teacher") is MeetingKind.REGULAR

    # «Назад» from the choices: the settings, nothing changed.
    await harness.press(CURATOR_A, press(CompletionStep.FORM, "pupil_pupil"), 40)
    back = await harness.press(CURATOR_A, press(CompletionStep.BACK, "pupil_pupil"), 40)
    assert "• Ученик – ученик: встреча-планирование" in back[0].text
    assert await cycles.completion_minimum(a, "pupil_pupil") is MeetingKind.PLANNING


async def test_presses_that_do_not_apply_change_nothing(harness: Harness) -> None:
    a, b = await schools(harness)
    cycles = harness.app.services.cycles
    # A form this school does not run (or no longer runs): the settings as they are.
    for message_id, data in enumerate((
        press(CompletionStep.SET, "student_pupil", "trial"),
        press(CompletionStep.FORM, "student_pupil"),
        press(CompletionStep.SET, "no_such_form", "trial"),
    ), start=50):  # fmt: skip
        shown = await harness.press(CURATOR_A, data, message_id)
        assert "не проводит эту форму" in (harness.session.callback_answers()[-1].text or "")
        assert shown and "• Ученик – ученик: встреча-планирование" in shown[-1].text
    assert await cycles.completion_minimum(a, "student_pupil") is MeetingKind.PLANNING
    await harness.app.services.organizations.toggle_form(a, "teacher_teacher")  # turned off
    await harness.press(CURATOR_A, press(CompletionStep.SET, "teacher_teacher", "trial"), 55)
    assert await cycles.completion_minimum(a, "teacher_teacher") is MeetingKind.PLANNING
    # A meeting kind no button carries.
    await harness.press(CURATOR_A, press(CompletionStep.SET, "pupil_pupil", "lunch"), 56)
    assert "устарела" in (harness.session.callback_answers()[-1].text or "")
    assert await cycles.completion_minimum(a, "pupil_pupil") is MeetingKind.PLANNING
    # Someone who is not a curator: refused, nothing changed anywhere.
    assert await harness.press(STRANGER, press(CompletionStep.SET, "pupil_pupil", "trial")) == []
    assert "куратор" in (harness.session.callback_answers()[-1].text or "")
    # Another school's curator changes their own school only, whatever they press.
    await harness.press(CURATOR_B, press(CompletionStep.SET, "pupil_pupil", "acquaintance"), 57)
    assert await cycles.completion_minimum(b, "pupil_pupil") is MeetingKind.ACQUAINTANCE
    assert await cycles.completion_minimum(a, "pupil_pupil") is MeetingKind.PLANNING


async def test_finishing_the_cycle_counts_the_chosen_minimum(harness: Harness) -> None:
    a, _ = await schools(harness)
    services = harness.app.services
    s = School(harness.app.db)
    cycle = (await services.cycles.current(a)).id
    # A pupil – pupil pair that got acquainted and held its trial meeting, no planning yet.
    await s.person("m", a, cycle, "mentor", "2026-01-10")
    await s.person("e", a, cycle, "mentee", "2026-01-10", birth="2013-01-01")
    pair = await s.pair(a, cycle, "m", "e", "2026-01-15")
    await s.meeting(pair, "acquaintance", "held", "2026-02-01")
    await s.meeting(pair, "trial", "held", "2026-02-10")
    # The curator decides that, for this form, the trial meeting is enough.
    await harness.press(CURATOR_A, press(CompletionStep.SET, "pupil_pupil", "trial"), 60)
    assert await services.cycles.completion_minimum(a, "pupil_pupil") is MeetingKind.TRIAL
    await services.cycles.start_closing(a)
    report = await services.cycles.finish_now(a)
    assert not isinstance(report, str)
    assert (report.completed, report.not_completed) == (1, 0)
    assert await harness.app.db.fetch_value("SELECT completed FROM pairs WHERE id = ?", (pair,))

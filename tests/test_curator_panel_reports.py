"""The curator's panel buttons for the reports of the cycle open what the commands show."""

from __future__ import annotations

from handlers.cycle_views import ReportView, report_buttons
from tests.inprocess import Harness, Sent
from tests.joining import CURATOR
from tests.test_cycles import MASHA, two_pairs
from tests.test_pairing import OTHER_CURATOR


def seen(sent: list[Sent]) -> list[tuple[str, str, list[tuple[str, str]], str | None]]:
    """What the person reads: the kind of message, its text, buttons and file name."""
    return [(s.method, s.text, s.buttons, s.filename) for s in sent]


async def test_each_button_gives_the_same_view_as_its_command(harness: Harness) -> None:
    await two_pairs(harness)
    for view, command in (
        ("ranking", "/ranking"),
        ("stats", "/stats"),
        ("indicators", "/indicators"),
        ("export", "/export"),
        ("voices", "/voices"),
    ):
        for language in ("en", "ru"):
            by_command = await harness.send(CURATOR, command, language_code=language)
            by_button = await harness.press(
                CURATOR, ReportView(view=view).pack(), language_code=language
            )
            assert by_button, view
            assert seen(by_button) == seen(by_command), view
    # The views are the organization's: the ranking lists its mentors, /stats sends a chart,
    # /export a workbook.
    ranking = await harness.press(CURATOR, ReportView(view="ranking").pack(), language_code="en")
    assert "Ольга Викторовна" in ranking[-1].text
    stats = await harness.press(CURATOR, ReportView(view="stats").pack(), language_code="en")
    assert stats[0].text.startswith("Statistics: cycle 1, current")
    assert [s.method for s in stats] == ["sendMessage", "sendPhoto"]
    # The workbook's period is chosen first (the first button: the current cycle).
    choice = await harness.press(CURATOR, ReportView(view="export").pack(), language_code="en")
    first = choice[-1].buttons[0][1]
    workbook = await harness.press(CURATOR, first, language_code="en")
    assert workbook[-1].method == "sendDocument" and workbook[-1].file
    assert (workbook[-1].filename or "").endswith(".xlsx")
    # The indicators button starts nothing: the curator presses a number to change it.
    assert await harness.state_of(CURATOR) is None


async def test_the_buttons_are_for_the_curator_of_this_organization_only(
    harness: Harness,
) -> None:
    await two_pairs(harness)
    for view in ("ranking", "stats", "indicators", "export", "voices"):
        assert await harness.press(MASHA, ReportView(view=view).pack()) == []
        assert "куратор" in (harness.session.callback_answers()[-1].text or "")
    other = await harness.app.services.organizations.create("Лицей № 1", "Europe/Moscow")
    await harness.app.services.organizations.add_curator(other.id, OTHER_CURATOR)
    ranking = await harness.press(
        OTHER_CURATOR, ReportView(view="ranking").pack(), language_code="en"
    )
    assert "No mentor" in ranking[-1].text and "Ольга" not in ranking[-1].text
    stats = await harness.press(OTHER_CURATOR, ReportView(view="stats").pack(), language_code="en")
    assert "Лицей № 1" in stats[0].text and "Школа № 5" not in stats[0].text
    # A forged view changes nothing and says the button is outdated.
    assert await harness.press(CURATOR, "cy1v:bogus", language_code="en") == []
    assert "outdated" in (harness.session.callback_answers()[-1].text or "")


async def test_the_report_buttons_carry_short_data(harness: Harness) -> None:
    i18n = harness.app.i18n
    with i18n.context(), i18n.use_locale("ru"):
        buttons = [(text, data.pack()) for text, data in report_buttons()]
    assert [data for _, data in buttons] == [
        ReportView(view=v).pack() for v in ("ranking", "stats", "indicators", "export", "voices")
    ]
    assert all(len(data.encode()) <= 64 for _, data in buttons)
    # Labelled as the commands in the curator's menu (already translated).
    assert buttons[0][0] == "Рейтинг наставников"


async def test_the_curator_panel_has_the_report_buttons(harness: Harness) -> None:
    await two_pairs(harness)
    panel = (await harness.send(CURATOR, "/curator", language_code="en"))[-1]
    for view, label in (
        ("ranking", "Mentor ranking"),
        ("stats", "Statistics and indicators with a chart"),
        ("indicators", "Numbers to compare with and targets"),
        ("export", "Excel workbook: registers and reports"),
        ("voices", "Participants' feedback"),
    ):
        assert panel.data_of(label) == ReportView(view=view).pack()
    # The cycle itself has its button already.
    assert panel.data_of("Cycle: closing, ranking, next cycle")
    shown = await harness.press(CURATOR, panel.data_of("Mentor ranking"), language_code="en")
    assert "Ольга Викторовна" in shown[-1].text

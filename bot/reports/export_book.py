"""What every sheet of the organization's workbook reads: the data of one export, the catalogs,
and the lookups the sheets share (names, forms, local times)."""

from __future__ import annotations

import gettext
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from bot.models.exports import ExportFeedback, ExportMeeting, ExportPair, ExportParticipant
from bot.models.organizations import Organization
from bot.models.pairs import WITHDRAWN
from bot.models.periods import Period
from bot.models.plans import PlanVersion
from bot.models.voices import VoiceBook
from bot.reports.indicator_figures import Indicators
from bot.reports.monitoring import MonitoringRow
from bot.reports.period_text import CycleSpan
from bot.reports.registers import Translate, form_title, person_name
from bot.schedule import utc_to_local

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
# The registers are Russian documents whatever the reader's language (see registers.py).
REGISTER_LOCALE = "ru"
# The period of a report when none is asked for (a frozen value: safe as a default).
CURRENT_CYCLE = Period.current_cycle()


@cache
def translator(locale: str) -> Translate:
    """The catalog of ``locale`` (the msgid itself where it has no translation)."""
    catalog = gettext.translation("messages", LOCALES_DIR, languages=[locale], fallback=True)
    return catalog.gettext


@dataclass(frozen=True)
class ExportData:
    """Everything read from the database for one workbook (no Telegram, no files)."""

    organization: Organization
    form_titles: dict[str, str]  # own forms' typed titles by code
    participants: list[ExportParticipant]
    pairs: list[ExportPair]
    # Iterated once per sheet that needs them: lists, or rows read anew from the database on
    # each pass while the file is written (bot.reports.export.Replayed).
    meetings: Iterable[ExportMeeting]
    feedback: Iterable[ExportFeedback]
    monitoring: list[MonitoringRow]
    indicators: Indicators | None
    today: date  # the organization's date when the export was made
    # The free answers and the mentors' figures of the export's period (voice_sheets.py).
    voices: VoiceBook | None = None
    period: Period = CURRENT_CYCLE  # what every sheet shows
    cycle_number: int | None = None  # the number of the period's cycle, if it is one
    cycle: CycleSpan | None = None  # that cycle's number and dates, to name the period
    # The pairs' individual plans (issue 14): each pair's approved version, else its newest.
    plans: tuple[PlanVersion, ...] = ()


class ExportBook:
    """The data of one export and the helpers every sheet uses."""

    def __init__(self, data: ExportData, translate: Translate) -> None:
        self.data = data
        self.t = translate
        self.ru = translator(REGISTER_LOCALE)
        self.zone = data.organization.timezone
        self.people = {p.id: p for p in data.participants}
        self.names = {p.id: person_name(p) for p in data.participants}
        self.pairs = {p.id: p for p in data.pairs}
        self.pairs_of: dict[int, list[ExportPair]] = defaultdict(list)
        for pair in data.pairs:
            for side in pair.present:
                self.pairs_of[side].append(pair)

    def local(self, moment: datetime) -> datetime:
        """A stored UTC moment as the organization's wall-clock time (Excel has no zones)."""
        return utc_to_local(moment, self.zone).replace(tzinfo=None)

    def local_date(self, moment: datetime) -> date:
        return utc_to_local(moment, self.zone).date()

    def form(self, code: str, translate: Translate) -> str:
        return form_title(code, self.data.form_titles, translate)

    def name(self, participant_id: int | None) -> str:
        """A person's name in the curator's sheets; a side who withdrew is named so."""
        if participant_id is None:
            return self.t(WITHDRAWN)  # extracted as meeting_sheets.WITHDRAWN_TITLE
        return self.names.get(participant_id, "")

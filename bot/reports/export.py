"""The organization's workbook: the two registers, pairs, meetings, feedback, monitoring and
indicators of a period, as one Excel file (``/export`` and ``python -m bot export``).

Every sheet shows the same period (the current cycle unless another is asked for): the pairs
of the period, the participants who joined in it or belong to its pairs, the meetings of the
period and the feedback on them, and the indicators of the period. The file's name says which
period it is (:func:`export_filename`).

The data is read asynchronously, on a read-only connection in one snapshot (nobody waits behind
the export, and every sheet shows the school at one moment); building the rows and writing the
file is CPU work done in a thread (:func:`asyncio.to_thread`). The running bot makes every
workbook in a separate process (:class:`ExportWorker`): openpyxl is pure Python, and a thread
writing a large school's file holds the interpreter's lock for 5 ms at a time, so every other
user's statement waited behind it (a /start took ten times longer while the largest school
exported); the worker reads the database on its own read-only connection, and the bot's memory
does not grow with the file. Tests build it in the bot's own process (``EXPORT_IN_PROCESS``).

Sheets are written with openpyxl's write-only workbook, one after another: the meetings and the
feedback, the long ones, are read from the database a chunk at a time while their sheets are
written (:class:`Replayed`, :class:`~bot.reports.meeting_sheets.StreamedSheet`),
so even the largest school's year of meetings takes little memory. openpyxl and the sheets are
imported when a workbook is first made: a bot at rest does not hold them.

Only what the bot still holds is shown: a participant who withdrew is deleted with their
answers; their pairs and meetings stay with their side empty («participant withdrew consent»),
and a side deleted while the export was read is shown the same way, so no sheet can name them.
"""

from __future__ import annotations

import asyncio
import pickle
import sys
from collections.abc import AsyncGenerator, Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bot.clock import Clock
from bot.models.exports import ExportFeedback, ExportMeeting, ExportPair, ExportParticipant
from bot.models.periods import Period, PeriodKind
from bot.reports.export_book import CURRENT_CYCLE, ExportBook, ExportData, translator
from bot.reports.indicators import IndicatorService, build_indicator_service
from bot.reports.monitoring import MonitoringReportService
from bot.reports.period_text import cycle_span
from bot.reports.registers import Translate
from bot.reports.schools import SchoolTableService, build_school_table_service
from bot.reports.voices import VoiceService
from bot.schedule import utc_to_local
from storage.database import Database
from storage.repositories.cycles import CycleRepository
from storage.repositories.export import ExportRepository
from storage.repositories.organizations import OrganizationRepository
from storage.repositories.plans import PlanSheetReads
from storage.repositories.reports import ReportRepository
from storage.repositories.voices import VoiceRepository

if TYPE_CHECKING:
    from bot.reports.meeting_sheets import StreamedSheet
    from bot.reports.workbook import Sheet

# The sheets and the workbook writer (openpyxl, and through it PIL and numpy) are imported by
# the functions that write a file: a bot at rest does not hold them (see tests/test_memory.py).

FEEDBACK_FORM = "meeting_feedback"
T = TypeVar("T")

# Where ``python -m bot.reports.export_worker`` is found from.
PROJECT_ROOT = Path(__file__).resolve().parents[2]

MIME_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes


class ExportProblem(StrEnum):
    UNKNOWN_ORGANIZATION = "unknown_organization"
    NOT_CURATOR = "not_curator"
    UNKNOWN_CYCLE = "unknown_cycle"  # a cycle period of another organization (or none)
    NOT_COORDINATOR = "not_coordinator"  # covers no organization (nor is an administrator)


class ExportError(Exception):
    def __init__(self, problem: ExportProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem

    def __reduce__(self) -> tuple[type[ExportError], tuple[ExportProblem]]:
        # Raised in the export worker's process and re-raised in the bot's.
        return ExportError, (self.problem,)


def keep_present(
    participants: Sequence[ExportParticipant],
    pairs: Sequence[ExportPair],
    meetings: Iterable[ExportMeeting],
    feedback: Iterable[ExportFeedback],
) -> tuple[list[ExportPair], list[ExportMeeting], list[ExportFeedback]]:
    """Pairs, meetings and feedback as of ``participants`` (read last): a side of a pair who
    is not among them withdrew (before or while the rest was read) and is emptied, as the
    database does; their feedback is left out, the partner's stays."""
    present = {p.id for p in participants}

    def side(participant_id: int | None) -> int | None:
        return participant_id if participant_id in present else None

    kept_pairs = [
        p
        if side(p.mentor_id) == p.mentor_id and side(p.mentee_id) == p.mentee_id
        else replace(p, mentor_id=side(p.mentor_id), mentee_id=side(p.mentee_id))
        for p in pairs
    ]
    pair_ids = {p.id for p in kept_pairs}
    kept_meetings = [m for m in meetings if m.pair_id in pair_ids]
    meeting_ids = {m.id for m in kept_meetings}
    kept_feedback = [
        f for f in feedback if f.meeting_id in meeting_ids and f.participant_id in present
    ]
    return kept_pairs, kept_meetings, kept_feedback


# --- the file ------------------------------------------------------------------------------


def sheets(book: ExportBook) -> Iterator[Sheet | StreamedSheet]:
    """The workbook's sheets one after another, for a writer that writes each before asking
    for the next: a sheet's rows are made when the writer comes to it and emptied once it has
    been written, so no more than one sheet's rows are held; the meetings and the feedback
    (tens of thousands of rows each for a large school) are never held as rows at all, their
    rows are made one by one as they are written."""
    from bot.reports.indicator_sheets import indicators_sheet, monitoring_sheet
    from bot.reports.meeting_sheets import (
        pairs_sheet,
        streamed_feedback_sheet,
        streamed_meetings_sheet,
    )
    from bot.reports.plan_sheet import plans_sheet
    from bot.reports.register_sheets import mentee_base, mentor_base
    from bot.reports.voice_sheets import voice_sheets

    makers: list[Callable[[ExportBook], Sheet | StreamedSheet | list[Sheet]]] = [
        mentor_base,
        mentee_base,
        pairs_sheet,
        streamed_meetings_sheet,
        streamed_feedback_sheet,
        monitoring_sheet,
        indicators_sheet,
        voice_sheets,
        plans_sheet,
    ]
    for make in makers:
        made = make(book)
        for sheet in made if isinstance(made, list) else [made]:
            yield sheet
            if not isinstance(sheet.rows, Iterator):
                sheet.rows.clear()  # written


def render_workbook(data: ExportData, translate: Translate) -> bytes:
    """The workbook as bytes (CPU-bound: run it in a thread)."""
    from bot.reports.meeting_sheets import StreamedSheet
    from bot.reports.workbook import StreamedWorkbook

    workbook = StreamedWorkbook()
    for sheet in sheets(ExportBook(data, translate)):
        if isinstance(sheet, StreamedSheet):
            writer = workbook.sheet(sheet.title, sheet.columns)
            for row in sheet.rows:
                writer.append(row)
        else:
            workbook.add(sheet)
    return workbook.save()


def period_slug(period: Period, cycle_number: int | None, today: date) -> str:
    """The period in a file's name: ``cycle2_2026-03-12`` (the current cycle as of a day),
    ``cycle1`` (an earlier cycle), ``2026-27`` (a school year), ``2026`` (a calendar year),
    ``2026-09-01_2026-12-31`` (a range)."""
    if period.kind is PeriodKind.CYCLE:
        if period.cycle_id is not None and cycle_number is not None:
            return f"cycle{cycle_number}"
        if cycle_number is not None:
            return f"cycle{cycle_number}_{today.isoformat()}"
        return today.isoformat()
    assert period.start is not None and period.end is not None
    if period.kind is PeriodKind.SCHOOL_YEAR:
        return f"{period.start.year}-{period.end.year % 100:02d}"
    if period.kind is PeriodKind.CALENDAR_YEAR:
        return str(period.start.year)
    return f"{period.start.isoformat()}_{period.end.isoformat()}"


def export_filename(
    organization_id: int, period: Period, cycle_number: int | None, today: date
) -> str:
    return f"mentorship_{organization_id}_{period_slug(period, cycle_number, today)}.xlsx"


def region_filename(schools: int, period: Period, today: date) -> str:
    """The coordinator's workbook: ``mentorship_schools-12_2026-27.xlsx``."""
    return f"mentorship_schools-{schools}_{period_slug(period, None, today)}.xlsx"


# --- the service ---------------------------------------------------------------------------


class ExportService:
    def __init__(
        self,
        repository: ExportRepository,
        organizations: OrganizationRepository,
        indicators: IndicatorService | None,
        monitoring: MonitoringReportService | None,
        clock: Clock,
        voices: VoiceService | None = None,
        schools: SchoolTableService | None = None,
        worker: ExportWorker | None = None,
        plans: PlanSheetReads | None = None,
    ) -> None:
        self._worker = worker
        self._plans = plans
        self._repository = repository
        self._organizations = organizations
        self._indicators = indicators
        self._monitoring = monitoring
        self._clock = clock
        self._voices = voices
        self._schools = schools
        # One workbook at a time: the largest takes a core for seconds, and curators pressing
        # /export again and again must not take every core from the bot.
        self._one_at_a_time = asyncio.Semaphore(1)
        # With a worker, a coordinator's workbook is made by a process of its own, one at a
        # time too (without one, it takes turns with the others school by school).
        self._one_region_at_a_time = asyncio.Semaphore(1)

    def close(self) -> None:
        """Kill the export worker's processes of workbooks still being made."""
        if self._worker is not None:
            self._worker.close()

    async def for_curator(
        self,
        telegram_id: int,
        organization_id: int,
        locale: str,
        period: Period = CURRENT_CYCLE,
    ) -> ExportFile:
        """The workbook of the organization this person curates now; anyone else is refused."""
        curator = await self._organizations.curator(telegram_id)
        if curator is None or curator.organization_id != organization_id:
            raise ExportError(ExportProblem.NOT_CURATOR)
        return await self.workbook(organization_id, locale, period)

    async def workbook(
        self, organization_id: int, locale: str, period: Period = CURRENT_CYCLE
    ) -> ExportFile:
        """The workbook of any organization (the command line: the server's administrator).
        Made by the export worker's process when the service has one."""
        if self._worker is not None:
            async with self._one_at_a_time:
                return await self._worker.workbook(
                    organization_id, locale, period, self._clock.now()
                )
        async with self._one_at_a_time, self._repository.snapshot():
            # One snapshot while the file is written: the meetings and the feedback, the
            # longest sheets, are read a chunk at a time as the writer comes to them.
            data = await self._collect_now(organization_id, period, streamed=True)
            content = await asyncio.to_thread(render_workbook, data, translator(locale))
        return ExportFile(
            export_filename(organization_id, period, data.cycle_number, data.today), content
        )

    async def for_coordinator(
        self,
        telegram_id: int,
        locale: str,
        period: Period = CURRENT_CYCLE,
        *,
        is_admin: bool = False,
    ) -> ExportFile:
        """One workbook of the organizations this person covers (a municipal coordinator;
        an administrator: all): the registers of all of them with the organization as the
        first column, and the per-school table. Anyone else is refused."""
        ids = await self._schools.covered(telegram_id, is_admin=is_admin) if self._schools else []
        if not ids:
            raise ExportError(ExportProblem.NOT_COORDINATOR)
        return await self.region_workbook(ids, locale, period)

    async def region_workbook(
        self, organization_ids: Sequence[int], locale: str, period: Period = CURRENT_CYCLE
    ) -> ExportFile:
        """The coordinator's workbook of any organizations (no rights checked here). Made by
        an export worker's process when the service has one (one at a time)."""
        if self._schools is None:
            raise ExportError(ExportProblem.NOT_COORDINATOR)
        if self._worker is not None:
            async with self._one_region_at_a_time:
                return await self._worker.region_workbook(
                    organization_ids, locale, period, self._clock.now()
                )
        from bot.reports.region_book import write_region_workbook

        table = await self._schools.table(organization_ids, period)

        async def read_school(organization_id: int) -> ExportData | None:
            try:
                return await self.collect_registers(organization_id, period)
            except ExportError:
                return None  # deleted while the workbook was made

        content = await write_region_workbook(table, read_school, locale, self._one_at_a_time)
        return ExportFile(region_filename(len(table.rows), period, table.today), content)

    async def collect_registers(
        self, organization_id: int, period: Period = CURRENT_CYCLE
    ) -> ExportData:
        """What the two registers of one school need, read in one snapshot."""
        async with self._repository.snapshot():
            return await self._collect_registers_now(organization_id, period)

    async def _collect_registers_now(
        self, organization_id: int, period: Period = CURRENT_CYCLE
    ) -> ExportData:
        """What the two registers of one school need: its people and pairs of the period."""
        organization = await self._organizations.get(organization_id)
        if organization is None:
            raise ExportError(ExportProblem.UNKNOWN_ORGANIZATION)
        own = {
            form.code: form.title
            for form in await self._organizations.forms(organization_id)
            if form.title is not None
        }
        pairs = await self._repository.pairs(organization_id, period)
        # Read last, in one statement: the people that the pairs must still belong to.
        participants = await self._repository.participants(organization_id, period)
        pairs, _, _ = keep_present(participants, pairs, [], [])
        return ExportData(
            organization=organization,
            form_titles=own,
            participants=participants,
            pairs=pairs,
            meetings=[],
            feedback=[],
            monitoring=[],
            indicators=None,
            today=utc_to_local(self._clock.now(), organization.timezone).date(),
            period=period,
        )

    async def collect(self, organization_id: int, period: Period = CURRENT_CYCLE) -> ExportData:
        """Everything the workbook shows, read in one snapshot: the school at one moment."""
        async with self._repository.snapshot():
            return await self._collect_now(organization_id, period)

    async def _collect_now(
        self, organization_id: int, period: Period = CURRENT_CYCLE, *, streamed: bool = False
    ) -> ExportData:
        """With ``streamed`` the meetings and the feedback are not read here: they are read
        a chunk at a time each time a sheet goes through them, from the thread writing the
        file, inside the caller's snapshot (see :class:`Replayed`)."""
        organization = await self._organizations.get(organization_id)
        if organization is None:
            raise ExportError(ExportProblem.UNKNOWN_ORGANIZATION)
        cycle = await self._repository.cycle(organization_id, period)
        if period.cycle_id is not None and cycle is None:
            raise ExportError(ExportProblem.UNKNOWN_CYCLE)
        own = {
            form.code: form.title
            for form in await self._organizations.forms(organization_id)
            if form.title is not None
        }
        pairs = await self._repository.pairs(organization_id, period)
        meetings: Iterable[ExportMeeting] = []
        feedback: Iterable[ExportFeedback] = []
        if not streamed:
            meetings = await self._repository.meetings(organization_id, period)
            feedback = await self._repository.feedback(organization_id, FEEDBACK_FORM, period)
        monitoring = (
            await self._monitoring.rows(organization_id, period) if self._monitoring else []
        )
        indicators = (
            await self._indicators.for_organization(organization_id, period)
            if self._indicators
            else None
        )
        voices = await self._voices.book(organization_id, period) if self._voices else None
        plans = tuple(await self._plans.organization_sheet(organization_id)) if self._plans else ()
        # Read last, in one statement: the people that everything else must still belong to.
        participants = await self._repository.participants(organization_id, period)
        if streamed:
            pairs, meetings, feedback = self._streamed(organization_id, period, participants, pairs)
        else:
            pairs, meetings, feedback = keep_present(participants, pairs, meetings, feedback)
        return ExportData(
            organization=organization,
            form_titles=own,
            participants=participants,
            pairs=pairs,
            meetings=meetings,
            feedback=feedback,
            monitoring=monitoring,
            indicators=indicators,
            today=utc_to_local(self._clock.now(), organization.timezone).date(),
            voices=voices,
            period=period,
            cycle_number=cycle.number if cycle else None,
            cycle=cycle_span(cycle, organization.timezone) if cycle else None,
            plans=plans,
        )

    def _streamed(
        self,
        organization_id: int,
        period: Period,
        participants: Sequence[ExportParticipant],
        pairs: Sequence[ExportPair],
    ) -> tuple[list[ExportPair], Replayed[ExportMeeting], Replayed[ExportFeedback]]:
        """:func:`keep_present` for meetings and feedback read as they are written out."""
        loop = asyncio.get_running_loop()
        kept_pairs, _, _ = keep_present(participants, pairs, [], [])
        pair_ids = {p.id for p in kept_pairs}
        present = {p.id for p in participants}
        meetings = Replayed(
            loop,
            lambda: self._repository.meeting_chunks(organization_id, period),
            keep=lambda m: m.pair_id in pair_ids,
        )
        # An answer about a meeting left out above is left out by the feedback sheet, which
        # shows only the answers about the meetings it gathers.
        feedback = Replayed(
            loop,
            lambda: self._repository.feedback_chunks(organization_id, FEEDBACK_FORM, period),
            keep=lambda f: f.participant_id in present,
        )
        return kept_pairs, meetings, feedback


class Replayed(Generic[T]):
    """Rows read from the database anew, a chunk at a time, each time they are iterated: for
    the thread that writes a workbook (:func:`asyncio.to_thread`), which asks the event loop
    for each chunk and waits for it. The reads run in the snapshot of the ``reading()`` block
    the export is in (the thread's context carries it), so every pass sees the same rows;
    no more than a chunk is held at a time. Not to be iterated on the event loop's thread."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        chunks: Callable[[], AsyncGenerator[list[T], None]],
        keep: Callable[[T], bool] | None = None,
    ) -> None:
        self._loop = loop
        self._chunks = chunks
        self._keep = keep

    def __iter__(self) -> Iterator[T]:
        if _on_loop(self._loop):
            raise RuntimeError("Replayed rows are read from a worker thread, not the loop")
        chunks = asyncio.run_coroutine_threadsafe(_opened(self._chunks), self._loop).result()
        try:
            while True:
                chunk = asyncio.run_coroutine_threadsafe(_next(chunks), self._loop).result()
                if chunk is None:
                    return
                for item in chunk:
                    if self._keep is None or self._keep(item):
                        yield item
        finally:
            asyncio.run_coroutine_threadsafe(chunks.aclose(), self._loop).result()


def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


async def _opened(
    make: Callable[[], AsyncGenerator[list[T], None]],
) -> AsyncGenerator[list[T], None]:
    return make()


async def _next(chunks: AsyncGenerator[list[T], None]) -> list[T] | None:
    try:
        return await anext(chunks)
    except StopAsyncIteration:
        return None


class ExportWorker:
    """Workbooks made by child processes (``python -m bot.reports.export_worker``), one per
    workbook: nothing of the bot's threads, connections or memory is shared, and the memory a
    large file took goes back to the system when it is done. The child opens the database
    itself and reads it on a read-only connection, as of the moment the bot asked (its clock
    is fixed at that moment). A workbook no longer awaited (its update cancelled, the bot
    stopping: :meth:`close`) has its process killed: a stopping bot does not wait minutes
    for a region's."""

    def __init__(self, path: Path) -> None:
        self._path = path.resolve()
        self._running: set[asyncio.subprocess.Process] = set()
        self.made = 0  # workbooks made (for tests)
        # Called with each process once it is started (for tests).
        self.on_start: Callable[[asyncio.subprocess.Process], object] | None = None

    async def workbook(
        self, organization_id: int, locale: str, period: Period, now: datetime
    ) -> ExportFile:
        return await self._run(WorkerJob.WORKBOOK, now, organization_id, locale, period)

    async def region_workbook(
        self, organization_ids: Sequence[int], locale: str, period: Period, now: datetime
    ) -> ExportFile:
        return await self._run(WorkerJob.REGION, now, tuple(organization_ids), locale, period)

    async def _run(self, job: WorkerJob, now: datetime, *args: object) -> ExportFile:
        # Our own process on both ends of the pipes: pickle is safe here.
        request = pickle.dumps((str(self._path), now, job, args))
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.reports.export_worker",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=PROJECT_ROOT,
        )
        self._running.add(process)
        if self.on_start is not None:
            self.on_start(process)
        try:
            out, err = await process.communicate(request)
        finally:
            self._running.discard(process)
            if process.returncode is None:
                _kill(process)
        if process.returncode != 0:
            raise ExportWorkerFailed(process.returncode or -1, err.decode(errors="replace"))
        result = pickle.loads(out)
        if isinstance(result, ExportError):
            raise result
        assert isinstance(result, ExportFile)
        self.made += 1
        return result

    @property
    def running(self) -> int:
        return len(self._running)

    def close(self) -> None:
        """Kill the processes of workbooks still being made."""
        for process in list(self._running):
            _kill(process)


class ExportWorkerFailed(Exception):
    """A workbook's process failed (a fault in making it: its traceback is the message)."""

    def __init__(self, returncode: int, stderr: str) -> None:
        super().__init__(f"the export worker exited with {returncode}: {stderr[-4000:]}")
        self.returncode = returncode


def _kill(process: asyncio.subprocess.Process) -> None:
    with suppress(ProcessLookupError):
        process.kill()


class WorkerJob(StrEnum):
    WORKBOOK = "workbook"  # ExportService.workbook
    REGION = "region_workbook"  # ExportService.region_workbook


class FixedClock(Clock):
    """The bot's moment when it asked a worker for a workbook."""

    def __init__(self, moment: datetime) -> None:
        self._moment = moment

    def now(self) -> datetime:
        return self._moment


async def made_here(path: Path, now: datetime, job: WorkerJob, args: tuple[Any, ...]) -> ExportFile:
    """A worker's job (:mod:`bot.reports.export_worker`): the workbook made in this process,
    from its own connections."""
    db = Database(path)
    await db.connect()
    try:
        service = build_export_service(db, FixedClock(now))
        if job is WorkerJob.REGION:
            ids, locale, period = args
            return await service.region_workbook(ids, locale, period)
        organization_id, locale, period = args
        return await service.workbook(organization_id, locale, period)
    finally:
        await db.close()


def build_export_service(
    db: Database, clock: Clock, *, separate_process: bool = False
) -> ExportService:
    """The service with its own repositories: the bot's factory and the command line (which
    must not import aiogram to stay quick) build it the same way. With ``separate_process``
    (the running bot) every workbook is made by an :class:`ExportWorker` (not for an
    in-memory database, which no other process can open)."""
    organizations = OrganizationRepository(db)
    # The workbook's long reads run on read-only connections (``db.reads``): the bot keeps
    # answering everyone else while a large school's year is read.
    reports = ReportRepository(db.reads)
    return ExportService(
        ExportRepository(db.reads),
        organizations,
        build_indicator_service(db, clock),
        MonitoringReportService(reports),
        clock,
        voices=VoiceService(
            VoiceRepository(db.reads), CycleRepository(db, db.reads), organizations
        ),
        schools=build_school_table_service(db, clock),
        worker=ExportWorker(db.path) if separate_process and not db.in_memory else None,
        plans=PlanSheetReads(db.reads),
    )

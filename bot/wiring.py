"""The domain services, built once from the settings, the database and the clock.

Every service is constructed here and nowhere else; :mod:`bot.app` calls
:func:`build_services` when it builds the application (and the admin CLI and tests do too).
"""

from __future__ import annotations

from bot.admission import AdmissionService
from bot.announcements import AnnouncementService
from bot.background import BackgroundTasks
from bot.cadence import CadenceService
from bot.clock import Clock
from bot.config import SUPPORTED_LOCALES, Settings
from bot.coordinators import CoordinatorService
from bot.cycle_closing import CycleClosing
from bot.cycles import CycleService
from bot.followups import FollowupService
from bot.groups import GroupService
from bot.holidays import HolidayService
from bot.invitations import InvitationService
from bot.languages import LanguageService
from bot.meeting_changes import MeetingChanges
from bot.meetings import MeetingService
from bot.monitoring_offers import MonitoringOfferService
from bot.organizations import OrganizationService
from bot.outbox import Outbox
from bot.pair_plans import PairPlanService
from bot.pair_results import PairResults
from bot.pairing import PairingService
from bot.participants import ParticipantService
from bot.plans import PlanService
from bot.preferences import PreferenceService
from bot.privacy import DataRightsService
from bot.questionnaires import QuestionnaireService
from bot.reminders import ReminderService
from bot.reports.enterprises import EnterpriseService
from bot.reports.export import build_export_service
from bot.reports.indicators import build_indicator_service
from bot.reports.monitoring import MonitoringReportService
from bot.reports.schools import build_school_table_service
from bot.reports.voices import VoiceService
from bot.representatives import RepresentativeService
from bot.responses import ResponseService
from bot.sender import RateLimitedSender
from bot.services import Services
from bot.short_pairs import ShortPairService
from bot.speed_sessions import SpeedSessionService
from bot.support import SupportService
from storage.database import Database
from storage.repositories.answers import (
    AnswerCleanup,
    OrganizationAnswers,
    QuestionnaireStates,
)
from storage.repositories.cadence import CadenceRepository
from storage.repositories.coordinators import CoordinatorLinkRepository, MunicipalityRepository
from storage.repositories.cycles import CycleRepository
from storage.repositories.enterprises import EnterpriseRepository
from storage.repositories.followups import FollowupRepository
from storage.repositories.groups import GroupRepository
from storage.repositories.holidays import HolidayRepository
from storage.repositories.invitations import InvitationRepository
from storage.repositories.matching import MatchingRepository, PairLookup
from storage.repositories.meetings import MeetingRepository
from storage.repositories.monitoring_offers import MonitoringOfferRepository
from storage.repositories.organizations import OrganizationRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.participants import ParticipantRepository
from storage.repositories.plans import PlanRepository
from storage.repositories.preferences import PreferenceRepository
from storage.repositories.privacy import PrivacyRepository
from storage.repositories.reachability import ReachabilityRepository
from storage.repositories.reminders import ReminderRepository
from storage.repositories.reports import CoordinatorRepository, ReportRepository
from storage.repositories.representatives import RepresentativeRepository
from storage.repositories.responses import ResponseRepository
from storage.repositories.short_pairs import ShortPairRepository
from storage.repositories.speed_sessions import SpeedSessionRepository
from storage.repositories.support import SupportRepository
from storage.repositories.users import UserRepository
from storage.repositories.voices import VoiceRepository


def build_services(settings: Settings, db: Database, clock: Clock) -> Services:
    participant_repository = ParticipantRepository(db)
    participants = ParticipantService(participant_repository, clock)
    organizations = OrganizationService(OrganizationRepository(db), clock)
    pairing = PairingService(
        MatchingRepository(db), OrganizationAnswers(db), participants, organizations, clock
    )
    holidays = HolidayService(HolidayRepository(db), clock)
    reminders = ReminderService(ReminderRepository(db), clock)
    followups = FollowupService(FollowupRepository(db), MeetingRepository(db), reminders, clock)
    sender = RateLimitedSender(
        settings.send_rate_per_second, settings.send_rate_per_chat_per_second
    )
    invitations = InvitationService(InvitationRepository(db), OrganizationRepository(db), clock)
    indicators = build_indicator_service(db, clock)
    cycles = CycleService(
        CycleRepository(db),
        organizations,
        participants,
        invitations,
        clock,
        closing_figures=indicators.closing_figures,
    )
    languages = LanguageService(
        UserRepository(db), clock, SUPPORTED_LOCALES, settings.default_locale
    )

    async def final_due(pair_id: int) -> bool:
        # The cycle's end, or the pair's own program's end (issue 14's plans).
        return await cycles.final_due(pair_id) or await plans.final_due(pair_id)

    meetings = MeetingService(
        MeetingRepository(db),
        PairLookup(db),
        pairing,
        organizations,
        holidays,
        reminders,
        clock,
        followups,
        further=ShortPairRepository(db).further,
        final_due=final_due,
    )
    plans = PlanService(PlanRepository(db), meetings, pairing, organizations, cycles, clock)
    pair_plans = PairPlanService(
        MeetingRepository(db), meetings, pairing, organizations, followups, clock, plans.row
    )
    background = BackgroundTasks()
    enterprises = EnterpriseService(EnterpriseRepository(db), organizations, clock)
    announcements = AnnouncementService(ReachabilityRepository(db), sender, clock)
    return Services(
        settings=settings,
        clock=clock,
        languages=languages,
        support=SupportService(SupportRepository(db), clock, settings.admin_ids),
        organizations=organizations,
        invitations=invitations,
        participants=participants,
        rights=DataRightsService(
            participants, participant_repository, PrivacyRepository(db), organizations, clock
        ),
        questionnaires=QuestionnaireService(
            participant_repository, AnswerCleanup(db), organizations, clock, QuestionnaireStates(db)
        ),
        admission=AdmissionService(
            MatchingRepository(db), OrganizationAnswers(db), participants, clock
        ),
        pairing=pairing,
        preferences=PreferenceService(
            PreferenceRepository(db), MatchingRepository(db), pairing, clock
        ),
        meetings=meetings,
        meeting_changes=MeetingChanges(
            MeetingRepository(db),
            meetings,
            pair_plans,
            pairing,
            organizations,
            reminders,
            followups,
            clock,
        ),
        pair_plans=pair_plans,
        holidays=holidays,
        reminders=reminders,
        sender=sender,
        background=background,
        announcements=announcements,
        outbox=Outbox(OutboxRepository(db), languages, announcements, sender, background, clock),
        responses=ResponseService(ResponseRepository(db), clock),
        cycles=cycles,
        cycle_closing=CycleClosing(CycleRepository(db), cycles, participants, clock),
        # The ranking's reads on read-only connections (``db.reads``), the marks on the writer.
        pair_results=PairResults(CycleRepository(db, db.reads), cycles, participants),
        followups=followups,
        cadence=CadenceService(
            CadenceRepository(db), MeetingRepository(db), followups, pairing, organizations, clock
        ),
        indicators=indicators,
        coordinators=CoordinatorService(
            CoordinatorLinkRepository(db),
            MunicipalityRepository(db),
            CoordinatorRepository(db),
            clock,
            settings.admin_ids,
        ),
        monitoring=MonitoringReportService(ReportRepository(db.reads)),
        monitoring_offers=MonitoringOfferService(MonitoringOfferRepository(db), clock),
        exports=build_export_service(db, clock, separate_process=not settings.export_in_process),
        enterprises=enterprises,
        voices=VoiceService(
            VoiceRepository(db.reads), CycleRepository(db, db.reads), OrganizationRepository(db)
        ),
        schools=build_school_table_service(db, clock),
        speed=SpeedSessionService(
            SpeedSessionRepository(db),
            MatchingRepository(db),
            participants,
            pairing,
            organizations,
            clock,
        ),
        short_pairs=ShortPairService(ShortPairRepository(db), meetings, MeetingRepository(db)),
        representatives=RepresentativeService(
            RepresentativeRepository(db),
            organizations,
            pair_plans,
            SupportRepository(db),
            clock,
        ),
        plans=plans,
        groups=GroupService(
            GroupRepository(db),
            MeetingRepository(db),
            meetings,
            pairing,
            organizations,
            reminders,
            followups,
            clock,
        ),
    )

"""The domain services handlers receive, built once in :mod:`bot.wiring`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.admission import AdmissionService
from bot.announcements import AnnouncementService
from bot.background import BackgroundTasks
from bot.cadence import CadenceService
from bot.clock import Clock
from bot.config import Settings
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
from bot.reports.export import ExportService
from bot.reports.indicators import IndicatorService
from bot.reports.monitoring import MonitoringReportService
from bot.reports.schools import SchoolTableService
from bot.reports.voices import VoiceService
from bot.representatives import RepresentativeService
from bot.responses import ResponseService
from bot.sender import RateLimitedSender
from bot.short_pairs import ShortPairService
from bot.speed_sessions import SpeedSessionService
from bot.support import SupportService


@dataclass(frozen=True)
class Services:
    settings: Settings
    clock: Clock
    languages: LanguageService
    support: SupportService
    organizations: OrganizationService
    invitations: InvitationService
    participants: ParticipantService
    rights: DataRightsService
    questionnaires: QuestionnaireService
    admission: AdmissionService
    pairing: PairingService
    preferences: PreferenceService
    meetings: MeetingService
    meeting_changes: MeetingChanges
    pair_plans: PairPlanService
    holidays: HolidayService
    reminders: ReminderService

    # Bulk sends share one sender (one global rate) and run as tracked background tasks.
    sender: RateLimitedSender
    background: BackgroundTasks
    announcements: AnnouncementService
    # Every message the bot starts itself (see bot/outbox.py).
    outbox: Outbox
    cycles: CycleService
    cycle_closing: CycleClosing
    pair_results: PairResults
    responses: ResponseService
    followups: FollowupService
    cadence: CadenceService
    indicators: IndicatorService
    coordinators: CoordinatorService
    monitoring: MonitoringReportService
    monitoring_offers: MonitoringOfferService
    exports: ExportService
    enterprises: EnterpriseService
    voices: VoiceService
    schools: SchoolTableService  # the coordinator's per-school table
    speed: SpeedSessionService  # speed mentoring sessions (issue 14)
    short_pairs: ShortPairService  # short-term pairs' further meetings (issue 14)
    # The legal representatives of minors: the curator's check, what they are told.
    representatives: RepresentativeService
    plans: PlanService  # the pairs' individual plans (issue 14)
    groups: GroupService  # group mentoring (issue 14)

    def is_admin(self, telegram_id: int) -> bool:
        return telegram_id in self.settings.admin_ids

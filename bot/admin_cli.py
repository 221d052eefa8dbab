"""``python -m bot org ...``, ``curator ...`` and ``coordinator ...``: administrators' commands.

They work on the database directly (the bot may be running at the same time: SQLite's locking
and the write transactions keep that safe). Mistakes print one line and exit with code 1.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.clock import SystemClock
from bot.config import SUPPORTED_LOCALES, ConfigError, Settings
from bot.invitations import InvitationService, invitation_link
from bot.matching.scoring import Weights
from bot.models.organizations import Organization
from bot.models.periods import Period
from bot.organizations import (
    OrganizationError,
    OrganizationProblem,
    OrganizationService,
    parse_federal_forms,
)
from bot.pairing import PairingService
from bot.reports.period_text import (
    MAX_YEARS,
    CycleSpan,
    PeriodProblem,
    check_period,
    cycle_span,
    period_label,
)
from bot.schedule import utc_to_local
from dialogs.dates import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    MSG_DATE_NO_SUCH,
    MSG_DATE_SHORT_YEAR,
    MSG_DATE_YEAR,
    DateTextError,
    parse_date_text,
)
from dialogs.forms import FederalForm, FormPace, ParticipantKind
from storage.database import Database
from storage.migrations import migrate
from storage.repositories.cycles import CycleRepository
from storage.repositories.invitations import InvitationRepository
from storage.repositories.organizations import OrganizationRepository

COMMANDS = ("org", "curator", "export", "coordinator")

FORM_CODES = ", ".join(form.value for form in FederalForm)


class CommandError(Exception):
    """A mistake in the command, phrased for the administrator."""


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be a positive number")
    return number


def add_parsers(commands: Any) -> None:
    """Add ``org`` and ``curator`` to the subcommands of ``python -m bot``."""
    org = commands.add_parser("org", help="organizations: create, list")
    org_commands = org.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = org_commands.add_parser("create", help="create an organization")
    create.add_argument("--name", required=True, help='e.g. "Школа № 5"')
    create.add_argument(
        "--timezone", required=True, help="IANA time zone, e.g. Europe/Moscow, Asia/Novosibirsk"
    )
    create.add_argument(
        "--forms",
        help=f"federal forms to switch on, comma-separated (default: all): {FORM_CODES}",
    )
    org_commands.add_parser("list", help="list organizations")
    weights = org_commands.add_parser("weights", help="show or change the matching weights")
    weights.add_argument("--org", type=_positive, required=True, help="organization id")
    weights.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PART=POINTS",
        help=f"e.g. --set request=50 (parts: {', '.join(Weights.model_fields)})",
    )

    form = org_commands.add_parser(
        "form",
        help="show a form's people, pace and groups, or declare them (e.g. «ученик – ученик» "
        "run as «студент – студент» in a college)",
    )
    form.add_argument("--org", type=_positive, required=True, help="organization id")
    form.add_argument("--form", required=True, help=f"form code: {FORM_CODES}, or own_<number>")
    kinds = [kind.value for kind in ParticipantKind]
    form.add_argument("--mentors", choices=kinds, help="who its mentors are")
    form.add_argument("--mentees", choices=kinds, help="who its mentees are")
    form.add_argument("--pace", choices=[pace.value for pace in FormPace], help="how pairs work")
    form.add_argument(
        "--groups",
        choices=("yes", "no"),
        help="whether a mentor with several mentees of the form may lead a group",
    )

    curator = commands.add_parser("curator", help="curators: add, invite")
    curator_commands = curator.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = curator_commands.add_parser("add", help="make a Telegram user a curator")
    add.add_argument("--org", type=_positive, required=True, help="organization id")
    add.add_argument("--user", type=_positive, required=True, help="Telegram user id")
    invite = curator_commands.add_parser("invite", help="print a single-use curator link")
    invite.add_argument("--org", type=_positive, required=True, help="organization id")

    coordinator = commands.add_parser(
        "coordinator", help="municipal coordinators: see the indicators summed over organizations"
    )
    coordinator_commands = coordinator.add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    for action, text in (("add", "let a Telegram user see an organization's indicators"),
                         ("remove", "stop showing an organization to a coordinator")):  # fmt: skip
        parser = coordinator_commands.add_parser(action, help=text)
        parser.add_argument("--telegram-id", type=_positive, required=True, help="Telegram user id")
        parser.add_argument("--org", type=_positive, required=True, help="organization id")
    listing = coordinator_commands.add_parser("list", help="organizations a coordinator covers")
    listing.add_argument("--telegram-id", type=_positive, required=True, help="Telegram user id")
    invite = coordinator_commands.add_parser(
        "invite",
        help="print a single-use link: whoever opens it first covers these organizations",
    )
    invite.add_argument(
        "--org",
        type=_positive,
        action="append",
        required=True,
        help="organization id; repeat for each organization (--org 1 --org 2)",
    )
    invite.add_argument("--municipality", help='the municipality\'s name, e.g. "Городской округ"')

    export = commands.add_parser(
        "export", help="write an organization's Excel workbook (registers and reports)"
    )
    export.add_argument("--org", type=_positive, required=True, help="organization id")
    export.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    export.add_argument(
        "--locale",
        choices=SUPPORTED_LOCALES,
        help="language of the report sheets (default: DEFAULT_LOCALE); "
        "the registers are in Russian always",
    )
    add_period_arguments(export)


def add_period_arguments(parser: argparse.ArgumentParser) -> None:
    """The period of a report command: one of these, or none for the current cycle."""
    period = parser.add_argument_group(
        "period (give one; without any: the current cycle)",
        "Every sheet of the report is of this period: the registers, pairs, meetings, "
        "feedback, monitoring and indicators.",
    )
    period.add_argument(
        "--cycle", metavar="K", help="the organization's cycle number K (1 is its first cycle)"
    )
    period.add_argument(
        "--year", metavar="YYYY", help="a calendar year, 1 January to 31 December: --year 2026"
    )
    period.add_argument(
        "--school-year",
        metavar="YYYY",
        help="a school year, 1 September to 31 August, by the year it begins: "
        "--school-year 2026 (or 2026/27) is 01.09.2026-31.08.2027",
    )
    period.add_argument(
        "--from",
        dest="date_from",
        metavar="DD.MM.YYYY",
        help="the first day of a range of dates, with --to: --from 01.09.2026 --to 31.12.2026",
    )
    period.add_argument(
        "--to", dest="date_to", metavar="DD.MM.YYYY", help="the last day of the range (included)"
    )


def describe(error: OrganizationError) -> str:
    problem = error.problem
    if problem is OrganizationProblem.EMPTY_NAME:
        return "The organization name is empty: give it with --name"
    if problem is OrganizationProblem.NAME_TOO_LONG:
        return f"The organization name is too long ({error.detail} characters, at most 200)"
    if problem is OrganizationProblem.BAD_TIMEZONE:
        return (
            f"Unknown time zone {error.detail!r}: use an IANA name such as Europe/Moscow "
            "or Asia/Novosibirsk"
        )
    if problem is OrganizationProblem.UNKNOWN_FORM:
        return f"Unknown form of mentorship {error.detail!r}: use {FORM_CODES}"
    if problem is OrganizationProblem.NO_FORMS:
        return f"--forms names no form: use {FORM_CODES}"
    return f"No organization with id {error.detail}; see: python -m bot org list"


async def bot_username(settings: Settings) -> str:
    """BOT_USERNAME, or else the bot's username from Telegram (getMe with BOT_TOKEN)."""
    if settings.bot_username:
        return settings.bot_username
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        raise ConfigError(
            "Set BOT_USERNAME (or BOT_TOKEN, to ask Telegram for it) to make invitation links"
        )
    from aiogram import Bot
    from aiogram.exceptions import TelegramAPIError

    from bot.app import build_session

    bot = Bot(settings.require_token(), session=build_session(settings))
    try:
        me = await bot.get_me()
    except TelegramAPIError as error:
        raise CommandError(
            f"Could not ask Telegram for the bot's username ({error}): set BOT_USERNAME"
        ) from None
    except OSError as error:
        raise CommandError(
            f"Could not reach Telegram to learn the bot's username ({error}): set BOT_USERNAME"
        ) from None
    finally:
        await bot.session.close()
    if not me.username:
        raise CommandError("Telegram gave no username for this bot: set BOT_USERNAME")
    return me.username


async def _org_create(args: argparse.Namespace, organizations: OrganizationService) -> None:
    forms = parse_federal_forms(args.forms) if args.forms is not None else None
    organization = await organizations.create(args.name, args.timezone, forms)
    enabled = [form.code for form in await organizations.enabled_forms(organization.id)]
    print(
        f"Created organization {organization.id}: {organization.name} "
        f"({organization.timezone}); forms: {', '.join(enabled)}"
    )


async def _org_list(organizations: OrganizationService) -> None:
    total = await organizations.count()
    if total == 0:
        print("No organizations yet: python -m bot org create --name ... --timezone ...")
        return
    print("id\tname\ttime zone\tcurators\tforms on")
    for item in await organizations.listing(0, total):
        org = item.organization
        print(f"{org.id}\t{org.name}\t{org.timezone}\t{item.curators}\t{item.enabled_forms}")


async def _org_form(args: argparse.Namespace, organizations: OrganizationService) -> None:
    if await organizations.get(args.org) is None:
        raise CommandError(f"There is no organization with id {args.org}: see `org list`.")
    change = await organizations.set_form_profile(
        args.org,
        str(args.form).strip().lower(),
        mentor_kind=None if args.mentors is None else ParticipantKind(args.mentors),
        mentee_kind=None if args.mentees is None else ParticipantKind(args.mentees),
        pace=None if args.pace is None else FormPace(args.pace),
        allows_groups=None if args.groups is None else args.groups == "yes",
    )
    form = change.form
    if form is None:
        codes = ", ".join(f.code for f in await organizations.forms(args.org))
        raise CommandError(f"Organization {args.org} has no form {args.form!r}: its forms: {codes}")
    print(
        f"{form.code}{f' ({form.title})' if form.title else ''}: mentors {form.mentor_kind}, "
        f"mentees {form.mentee_kind}, pace {form.pace}, "
        f"groups {'allowed' if form.allows_groups else 'not allowed'}"
    )


async def _curator_add(args: argparse.Namespace, organizations: OrganizationService) -> None:
    organization = await organizations.get(args.org)
    if organization is None:
        raise OrganizationError(OrganizationProblem.UNKNOWN_ORGANIZATION, str(args.org))
    appointment = await organizations.add_curator(organization.id, args.user)
    if appointment.added:
        print(
            f"User {args.user} is now a curator of organization {organization.id}: "
            f"{organization.name}"
        )
        return
    if appointment.organization_id == organization.id:
        print(f"User {args.user} already is a curator of organization {organization.id}")
        return
    raise CommandError(
        f"User {args.user} already is a curator of organization {appointment.organization_id}; "
        "a person can be the curator of one organization only"
    )


async def _curator_invite(
    args: argparse.Namespace,
    organizations: OrganizationService,
    invitations: InvitationService,
    settings: Settings,
) -> None:
    organization = await organizations.get(args.org)
    if organization is None:
        raise OrganizationError(OrganizationProblem.UNKNOWN_ORGANIZATION, str(args.org))
    username = await bot_username(settings)  # before the link exists: no unused links left
    invitation = await invitations.create_for_curator(organization.id, None)
    assert invitation.expires_at is not None
    print(invitation_link(username, invitation.token))
    print(
        f"Single-use curator link for organization {organization.id} ({organization.name}), "
        f"valid until {invitation.expires_at:%Y-%m-%d %H:%M} UTC",
        file=sys.stderr,
    )


async def _org_weights(
    args: argparse.Namespace, organizations: OrganizationService, pairing: PairingService
) -> None:
    if await organizations.get(args.org) is None:
        raise CommandError(f"There is no organization with id {args.org}: see `org list`.")
    current = (await pairing.weights(args.org)).model_dump()
    for item in args.set:
        part, _, points = str(item).partition("=")
        if part not in current or not points.strip().isdigit():
            raise CommandError(
                f"--set {item!r}: use PART=POINTS with a part among {', '.join(current)}"
            )
        current[part] = int(points)
    if args.set:
        try:
            weights = Weights.model_validate(current)
        except ValidationError as error:
            problems = "; ".join(
                str(e["msg"]).removeprefix("Value error, ") for e in error.errors()
            )
            raise CommandError(f"These weights are not allowed: {problems}") from None
        await pairing.save_weights(args.org, weights)
        current = weights.model_dump()
    print(" ".join(f"{part}={points}" for part, points in current.items()))


_DATE_PROBLEMS = {
    MSG_DATE_NO_SUCH: "there is no such date",
    MSG_DATE_SHORT_YEAR: "write the year with all four digits, e.g. 01.09.2026",
    MSG_DATE_YEAR: f"the year must be from {EARLIEST_YEAR} to {LATEST_YEAR}",
}
_PERIOD_PROBLEMS = {
    PeriodProblem.END_BEFORE_START: "--to is before --from: the period ends before it begins",
    PeriodProblem.TOO_LONG: f"A report covers at most {MAX_YEARS} years: give a shorter period",
    PeriodProblem.NOT_BEGUN: "The period begins after today: there is nothing to count yet",
}
_SCHOOL_YEAR = re.compile(r"(\d{4})(?:/(\d{2}|\d{4}))?")


def _flag_date(flag: str, value: str) -> date:
    try:
        return parse_date_text(value)
    except DateTextError as error:
        problem = _DATE_PROBLEMS.get(error.message, "not a date: use DD.MM.YYYY, e.g. 01.09.2026")
        raise CommandError(f"{flag} {value!r}: {problem}") from None


def _flag_year(flag: str, value: str) -> int:
    found = _SCHOOL_YEAR.fullmatch(value.strip()) if flag == "--school-year" else None
    text = found.group(1) if found else value.strip()
    if not text.isdigit() or not EARLIEST_YEAR <= int(text) <= LATEST_YEAR:
        example = "2026 (or 2026/27)" if flag == "--school-year" else "2026"
        raise CommandError(f"{flag} {value!r}: give a year like {example}")
    year = int(text)
    if found and found.group(2):
        second = int(found.group(2))
        if second not in (year + 1, (year + 1) % 100):
            raise CommandError(
                f"{flag} {value!r}: a school year runs into the next year, e.g. "
                f"{year}/{(year + 1) % 100:02d}"
            )
    return year


async def period_of_args(
    args: argparse.Namespace, db: Database, organization: Organization, today: date
) -> tuple[Period, CycleSpan | None]:
    """The period the flags of a report command name (the current cycle without any), and its
    cycle; a conflict or a bad value is a :class:`CommandError` saying what to give."""
    given = [
        flag
        for flag, value in (
            ("--cycle", args.cycle),
            ("--year", args.year),
            ("--school-year", args.school_year),
            ("--from/--to", args.date_from or args.date_to),
        )
        if value is not None
    ]
    if len(given) > 1:
        raise CommandError(
            f"Give one period, not {' and '.join(given)}: --cycle K, --year YYYY, "
            "--school-year YYYY or --from DD.MM.YYYY --to DD.MM.YYYY"
        )
    cycles = await CycleRepository(db).of_organizations([organization.id])
    if args.cycle is not None:
        number = args.cycle.strip()
        chosen = next((c for c in cycles if number.isdigit() and c.number == int(number)), None)
        if chosen is None:
            known = ", ".join(str(c.number) for c in sorted(cycles, key=lambda c: c.number))
            has = f"its cycles are {known}" if known else "it has no cycles yet"
            raise CommandError(
                f"--cycle {args.cycle!r}: organization {organization.id} has no such cycle; {has}"
            )
        return Period.cycle(chosen.id), cycle_span(chosen, organization.timezone)
    if args.year is not None:
        return _dated(Period.calendar_year(_flag_year("--year", args.year)), today), None
    if args.school_year is not None:
        year = _flag_year("--school-year", args.school_year)
        return _dated(Period.school_year(year), today), None
    if args.date_from is not None or args.date_to is not None:
        if args.date_from is None or args.date_to is None:
            missing, example = (
                ("--to", "31.12.2026") if args.date_to is None else ("--from", "01.09.2026")
            )
            raise CommandError(
                "A range of dates needs both --from and --to: "
                f"add {missing}, e.g. {missing} {example}"
            )
        start = _flag_date("--from", args.date_from)
        end = _flag_date("--to", args.date_to)
        if end < start:
            raise CommandError(
                f"--to {args.date_to} is before --from {args.date_from}: the period ends "
                "before it begins"
            )
        return _dated(Period.between(start, end), today), None
    current = next((c for c in cycles if c.closed_at is None), None)
    return Period.current_cycle(), cycle_span(current, organization.timezone) if current else None


def _dated(period: Period, today: date) -> Period:
    checked = check_period(period, today)
    if isinstance(checked, PeriodProblem):
        raise CommandError(_PERIOD_PROBLEMS.get(checked, "this period cannot be reported"))
    return checked


async def _export(args: argparse.Namespace, settings: Settings, db: Database) -> None:
    # Imported here: openpyxl and the reports are needed by this command only.
    from bot.reports.export import ExportError, ExportProblem, build_export_service

    out: Path = args.out
    if out.suffix.lower() != ".xlsx":
        raise CommandError(f"--out {out}: the file name must end with .xlsx")
    if not out.parent.is_dir():
        raise CommandError(f"--out {out}: the folder {out.parent} does not exist")
    clock = SystemClock()
    organization = await OrganizationRepository(db).get(args.org)
    if organization is None:
        raise CommandError(f"There is no organization with id {args.org}: see `org list`.")
    today = utc_to_local(clock.now(), organization.timezone).date()
    period, span = await period_of_args(args, db, organization, today)
    exports = build_export_service(db, clock)
    try:
        export = await exports.workbook(args.org, args.locale or settings.default_locale, period)
    except ExportError as error:
        if error.problem is ExportProblem.UNKNOWN_CYCLE:
            raise CommandError(f"The cycle is not organization {args.org}'s") from None
        raise CommandError(
            f"There is no organization with id {args.org}: see `org list`."
        ) from None
    # Written beside the target and renamed: a reader never sees half a file.
    partial = out.with_name(out.name + ".part")
    try:
        partial.write_bytes(export.content)
        partial.replace(out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CommandError(f"Could not write {out}: {error.strerror or error}") from None
    label = period_label(period, lambda text: text, span)
    print(
        f"Wrote {out} ({len(export.content):,} bytes) for organization {args.org}, period: {label}"
    )


async def _coordinator_invite(args: argparse.Namespace, settings: Settings, db: Database) -> None:
    from bot.coordinators import CoordinatorService, LinkProblem
    from storage.repositories.coordinators import (
        CoordinatorLinkRepository,
        MunicipalityRepository,
    )
    from storage.repositories.reports import CoordinatorRepository

    service = CoordinatorService(
        CoordinatorLinkRepository(db),
        MunicipalityRepository(db),
        CoordinatorRepository(db),
        SystemClock(),
        settings.admin_ids,
    )
    missing = [org for org in args.org if not await service.organizations([org])]
    if missing:
        raise OrganizationError(OrganizationProblem.UNKNOWN_ORGANIZATION, str(missing[0]))
    username = await bot_username(settings)  # before the link exists: no unused links left
    link = await service.create_link(args.org, args.municipality, None)
    if link is LinkProblem.NAME_TOO_LONG:
        raise CommandError("--municipality is too long: at most 200 characters")
    if link is LinkProblem.EMPTY_NAME:
        raise CommandError("--municipality is empty: give the name or leave the option out")
    if isinstance(link, LinkProblem):
        raise CommandError(f"Could not make the link ({link.value}): see `org list`")
    print(invitation_link(username, link.token))
    ids = ", ".join(str(org) for org in link.organization_ids)
    named = f" ({link.municipality})" if link.municipality else ""
    print(
        f"Single-use coordinator link{named} for organizations {ids}, "
        f"valid until {link.expires_at:%Y-%m-%d %H:%M} UTC",
        file=sys.stderr,
    )


async def _coordinator(
    args: argparse.Namespace, organizations: OrganizationService, db: Database
) -> None:
    from storage.repositories.reports import CoordinatorRepository

    coordinators = CoordinatorRepository(db)
    user = args.telegram_id
    if args.action == "list":
        covered = await coordinators.covered(user)
        if not covered:
            print(f"User {user} covers no organization")
        for organization_id in covered:
            organization = await organizations.get(organization_id)
            print(f"{organization_id}\t{organization.name if organization else '?'}")
        return
    organization = await organizations.get(args.org)
    if organization is None:
        raise OrganizationError(OrganizationProblem.UNKNOWN_ORGANIZATION, str(args.org))
    if args.action == "add":
        if await coordinators.add(user, organization.id, SystemClock().now()):
            print(
                f"User {user} now sees the indicators of organization {organization.id}: "
                f"{organization.name} (summed with the others they cover, in /stats)"
            )
        else:
            print(f"User {user} already covers organization {organization.id}")
    elif await coordinators.remove(user, organization.id):
        print(f"User {user} no longer covers organization {organization.id}")
    else:
        raise CommandError(f"User {user} does not cover organization {organization.id}")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_path)
    await db.connect()
    try:
        await migrate(db)
        clock = SystemClock()
        organizations = OrganizationService(OrganizationRepository(db), clock)
        invitations = InvitationService(InvitationRepository(db), OrganizationRepository(db), clock)
        if args.command == "export":
            await _export(args, settings, db)
        elif args.command == "coordinator" and args.action == "invite":
            await _coordinator_invite(args, settings, db)
        elif args.command == "coordinator":
            await _coordinator(args, organizations, db)
        elif args.command == "org" and args.action == "create":
            await _org_create(args, organizations)
        elif args.command == "org" and args.action == "form":
            await _org_form(args, organizations)
        elif args.command == "org" and args.action == "weights":
            # Imported here: the factory pulls in aiogram, which the other commands never need.
            from bot.wiring import build_services

            await _org_weights(args, organizations, build_services(settings, db, clock).pairing)
        elif args.command == "org":
            await _org_list(organizations)
        elif args.action == "add":
            await _curator_add(args, organizations)
        else:
            await _curator_invite(args, organizations, invitations, settings)
    except OrganizationError as error:
        print(describe(error), file=sys.stderr)
        return 1
    except CommandError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        await db.close()
    return 0

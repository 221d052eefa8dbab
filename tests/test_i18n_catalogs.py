"""Every string people see is in the catalogs, translated into Russian and English, and compiles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.formatting import format_moment

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"


def load(locale: str) -> Catalog:
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def ids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_every_message_is_translated(locale: str) -> None:
    catalog = load(locale)
    assert len(ids(catalog)) > 20
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"{locale}: no translation for {message.id!r}"
        assert not message.fuzzy, f"{locale}: fuzzy translation for {message.id!r}"


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_catalog_compiles_and_placeholders_match(locale: str, tmp_path: Path) -> None:
    catalog = load(locale)
    errors = [(m.id, err) for m, errs in catalog.check() for err in errs]
    assert errors == []
    for message in catalog:
        if message.id and isinstance(message.id, str):
            for placeholder in ("{name}", "{limit}", "{number}", "{when}", "{body}", "{topic}"):
                assert (placeholder in message.id) == (placeholder in message.string), (
                    f"{locale}: placeholder {placeholder} differs in {message.id!r}"
                )
    with (tmp_path / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    assert (tmp_path / "messages.mo").stat().st_size > 0


def test_catalogs_hold_every_string_of_the_source(tmp_path: Path) -> None:
    """A string added to the code but not extracted would reach people untranslated."""
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_", "-k", "__", "-k", "lazy_gettext", "-k", "ngettext:1,2", "-k", "N_",
         "-k", "A_", "-k", "you:2",
         "--no-wrap", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as handle:
        source_ids = ids(read_po(handle))
    for locale in ("ru", "en"):
        missing = source_ids - ids(load(locale))
        assert not missing, f"{locale} lacks {sorted(missing)[:5]}: run `make i18n`"


def test_dates_follow_the_locale_and_the_time_zone() -> None:
    from datetime import UTC, datetime

    moment = datetime(2026, 3, 12, 3, 30, tzinfo=UTC)
    assert format_moment(moment, "ru", "Asia/Chita").replace("\u202f", " ") == (
        "12 марта 2026 г., 12:30"
    )
    assert format_moment(moment, "en", "Europe/Moscow").replace("\u202f", " ") == (
        "March 12, 2026, 6:30 AM"
    )


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_every_plural_form_keeps_the_placeholders(locale: str) -> None:
    """A plural form that lost a {placeholder} (or a merge that broke it into letters) would
    show people a number without its words, or crash on format()."""
    import re

    fields = re.compile(r"\{(\w+)\}")
    for message in load(locale):
        if not message.id or not isinstance(message.id, tuple):
            continue
        wanted = set(fields.findall(message.id[1]))
        for form in message.string:
            assert set(fields.findall(form)) <= wanted and len(form) > 1, (locale, message.id)
            assert set(fields.findall(form)) >= wanted - {"n", "count"}, (locale, message.id)

"""Marking strings held as data for extraction; they are translated when shown (``_(msgid)``).

One form of address per audience: a text that speaks to the reader is marked ``A_`` (or
written as ``you(minor, msgid)`` in a handler). It is extracted twice: the plain entry is the
adult's (and the text for a reader whose age is not known yet; «вы» in Russian), the entry with
the context :data:`MINOR` is the one for a person under 18 («ты» in Russian).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

MINOR = "minor"  # the gettext context of the texts addressed to a person under 18

# The calls that hold an audience text: A_("text") in data, you(minor, "text") in handlers.
_AUDIENCE_CALLS = ("A_", "you")


def N_(message: str) -> str:  # the conventional gettext marker name
    return message


def A_(message: str) -> str:
    """Mark a text that addresses its reader; shown with ``handlers.address.you``."""
    return message


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: dict[str, Any],
) -> Iterator[tuple[int, str, Any, list[str]]]:
    """The pybabel extractor of our Python files (babel.cfg): the usual extraction, plus an
    entry in the :data:`MINOR` context for every audience text, so a translator writes the
    form of address for minors beside the adults' one."""
    from babel.messages.extract import extract_python

    python: Any = extract_python  # its stubs type the results of extract(), not of a method
    for lineno, funcname, messages, comments in python(fileobj, keywords, comment_tags, options):
        yield lineno, funcname, messages, comments
        if funcname in _AUDIENCE_CALLS:
            # A_("text") gives the string; you(minor, "text",) gives (None, "text"[, None]).
            texts = [messages] if isinstance(messages, str) else list(messages)
            msgid = texts[0] if funcname == "A_" else (texts[1] if len(texts) > 1 else None)
            if isinstance(msgid, str):
                yield lineno, "pgettext", (MINOR, msgid), comments

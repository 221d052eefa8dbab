"""A fake Telegram Bot API server for end-to-end tests of the bot."""

from .html_check import HTMLParseError, ParsedHTML, html_to_text, is_valid_html, parse_html
from .models import ChatMessage, FileUpload, RecordedCall
from .server import FakeTelegram
from .users import FakeUser

__all__ = [
    "ChatMessage",
    "FakeTelegram",
    "FakeUser",
    "FileUpload",
    "HTMLParseError",
    "ParsedHTML",
    "RecordedCall",
    "html_to_text",
    "is_valid_html",
    "parse_html",
]

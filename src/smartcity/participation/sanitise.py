"""Comment and idea text: plain text with light formatting, never raw HTML on a page."""

import nh3
from django.utils.html import escape

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_text(text: str) -> str:
    """Sanitised HTML for ``text``: allowed tags kept, scripts, handlers and
    ``javascript:`` links removed; line breaks of plain text kept."""
    cleaned = nh3.clean(
        text or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )
    if "<p>" not in cleaned and "<li>" not in cleaned:
        cleaned = "<br>".join(cleaned.splitlines())
    return cleaned


def plain(text: str) -> str:
    """Escaped text for places that take no formatting at all (e-mails, titles)."""
    return escape(text)

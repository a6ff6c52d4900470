"""The allow-list for rich text in content items (nh3, a Rust HTML sanitiser).

Only structure survives: paragraphs, line breaks, bold/italic, lists, links (rel=noopener
added), h2–h4, block quotes, and images whose address is one of our own media files. Scripts,
styles, classes, event handlers and ``javascript:`` addresses are dropped, and so is what Word
and Google Docs paste along (``mso-`` styles, ``<o:p>``, conditional comments, ``<span>``s).

Where the structure is written differently it is kept under our names: ``<b>``/``<i>`` become
``<strong>``/``<em>`` (but not Google Docs' ``<b style="font-weight:normal">`` wrapper),
``<h1>`` becomes ``<h2>`` (the page's own title is the h1) and ``<h5>``/``<h6>`` ``<h4>``.

Text without any block element (typed in the plain textarea without JavaScript, or stored
before the editor existed) becomes paragraphs: a blank line starts a new ``<p>``, a single line
break is a ``<br>`` (``text_to_html``).
"""

from __future__ import annotations

import html as html_lib
import re

import nh3
from django.conf import settings
from django.urls import reverse

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "img"}
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Their content goes with them (a <script> must not leave its code behind as text).
DROP_WITH_CONTENT = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "template",
    "noscript",
    "title",  # a whole pasted Word page: its <title> is not part of the text
    "xml",  # Word's document settings
}
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
# Any block-level element: a body with one is HTML, a body without one is text.
_BLOCK = re.compile(
    r"<(p|div|h[1-6]|ul|ol|li|blockquote|table|tr|td|th|pre|section|article|header|footer"
    r"|br|hr|figure|img)[\s/>]",
    re.IGNORECASE,
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")
_RENAMED = {"b": "strong", "i": "em", "h1": "h2", "h5": "h4", "h6": "h4"}
_RENAMABLE_TAG = re.compile(r"<(/?)(b|i|h1|h5|h6)(?=[\s/>])([^>]*)>", re.IGNORECASE)
_NOT_BOLD = re.compile(r"font-weight\s*:\s*(normal|[1-4]00)\b", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|<br>)*</p>")
_NBSP = re.compile(r"&nbsp;|\u00a0")


def media_prefixes() -> tuple[str, ...]:
    """Where our own media may be addressed from: the file view of the studio and, for files
    served straight from storage, MEDIA_URL."""
    studio = reverse("content:media_file", kwargs={"pk": 0}).removesuffix("0/")
    return (studio, str(settings.MEDIA_URL))


def is_own_media(url: str) -> bool:
    url = url.strip()
    if not url or url.startswith("//") or ".." in url or "\\" in url:
        return False
    return any(url.startswith(prefix) for prefix in media_prefixes() if prefix)


def _filter(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        return value if is_own_media(value) else None
    return value


def looks_like_text(markup: str) -> bool:
    """No block element: text (perhaps with inline tags) whose paragraphs are blank lines."""
    return not _BLOCK.search(markup or "")


def text_to_html(text: str) -> str:
    """Paragraphs of text as ``<p>`` (blank line between them), line breaks inside one as
    ``<br>``. Not sanitised: ``sanitize_html`` runs after it."""
    paragraphs = _PARAGRAPH_BREAK.split((text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(
        "<p>" + "<br>".join(line.strip() for line in p.strip().split("\n")) + "</p>"
        for p in paragraphs
        if p.strip()
    )


def _rename(match: re.Match[str]) -> str:
    closing, tag, attrs = match.group(1), match.group(2).lower(), match.group(3)
    if tag == "b" and _NOT_BOLD.search(attrs):
        # Google Docs wraps a whole paste in <b style="font-weight:normal">: not bold. Its end
        # tag stays </b>, which the sanitiser drops like the start.
        return ""
    return f"<{closing}{_RENAMED[tag]}{attrs}>"


def sanitize_html(html: str) -> str:
    html = html or ""
    if looks_like_text(html):
        html = text_to_html(html)
    html = _RENAMABLE_TAG.sub(_rename, html)
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # An image from elsewhere lost its address above; drop what is left of it.
    cleaned = _IMG_WITHOUT_SRC.sub("", cleaned)
    # Editors mark every space of a paste as non-breaking (Quill, Word): lines would not wrap.
    cleaned = _NBSP.sub(" ", cleaned)
    return _EMPTY_PARAGRAPH.sub("", cleaned).strip()


def html_to_text(markup: str) -> str:
    """Plain text of sanitised HTML (for diffs and summaries), entities decoded."""
    text = re.sub(r"<br\s*/?>|</(p|li|h[2-4]|blockquote)>", "\n", markup or "")
    text = html_lib.unescape(nh3.clean(text, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text).strip()

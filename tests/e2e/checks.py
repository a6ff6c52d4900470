"""What every page must pass in the browser: no sideways scrolling on a phone, no English
words on a Vietnamese page. The functions return problems as readable lines (empty: fine)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# English UI words that must not leak onto Vietnamese pages: Django's own defaults (form
# errors, pagination, error pages), English buttons and labels, Python values rendered by
# mistake, English date parts. Whole words, case as written (so "fanpage" or "Submit" in an
# address do not count); brand and product names (Zalo OA, Facebook, YouTube, TikTok,
# Google Authenticator, Infographic, Livestream, Video clip, English in the language switch)
# are not in the list.
ENGLISH_WORDS = (
    # buttons and links
    "Submit",
    "Save",
    "Cancel",
    "Delete",
    "Remove",
    "Edit",
    "Search",
    "Filter",
    "Reset",
    "Upload",
    "Download",
    "Export",
    "Import",
    "Back",
    "Close",
    "Open",
    "Send",
    "Reply",
    "Approve",
    "Reject",
    "Publish",
    "Schedule",
    "Confirm",
    "Continue",
    "Login",
    "Log in",
    "Log out",
    "Sign in",
    "Sign out",
    "Username",
    "Password",
    "Settings",
    "Loading",
    "Show more",
    "Read more",
    "View",
    "Home",
    # pagination and lists
    "Next",
    "Previous",
    "Page",
    "of",
    "No results",
    "Nothing",
    "Total",
    # Django's defaults: error pages, form errors, widgets
    "Forbidden",
    "Not Found",
    "Server Error",
    "Bad Request",
    "required",
    "This field",
    "Enter a valid",
    "Ensure this value",
    "Select a valid choice",
    "Currently",
    "Change",
    "Clear",
    "Unknown",
    "Yes",
    # Python values leaking into templates
    "None",
    "True",
    "False",
    # English dates and times (timesince, naturaltime, date filters in English)
    "ago",
    "minutes",
    "hours",
    "days",
    "Today",
    "Yesterday",
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "a.m.",
    "p.m.",
)

_ENGLISH = re.compile(
    r"(?<![\w@/.-])(" + "|".join(re.escape(w) for w in ENGLISH_WORDS) + r")(?![\w@/-])"
)

# Text a Vietnamese page gives its reader: every text of the body, each on its own line (two
# inline elements' texts do not run together), hidden parts included (folded details, text
# for screen readers, messages a script shows later), option labels, the page title, and the
# attributes a person reads or hears (placeholders, labels for screen readers, tooltips,
# image descriptions, button captions).
_READER_TEXT_JS = """
(skip) => {
  const parts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('script, style, template, noscript') || !n.data.trim()) continue;
    if (skip && el.closest(skip)) continue;
    parts.push(n.data.replace(/\\s+/g, ' '));
  }
  for (const el of document.body.querySelectorAll(
      '[placeholder], [aria-label], [title], [alt], input[type=submit], input[type=button]')) {
    if (skip && el.closest(skip)) continue;
    for (const attr of ['placeholder', 'aria-label', 'title', 'alt']) {
      const v = el.getAttribute(attr);
      if (v) parts.push(v);
    }
    if (el.matches('input[type=submit], input[type=button]') && el.value) parts.push(el.value);
  }
  return parts.join('\\n');
}
"""

# Brand names and addresses that legitimately hold an English word: removed before matching.
_ALLOWED = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|Google Authenticator|Microsoft Authenticator|FreeOTP"
)


def english_on_page(page: Any) -> list[str]:
    """English UI words in what the page shows, each with the line it sits in."""
    text = _ALLOWED.sub(" ", page.evaluate(_READER_TEXT_JS))
    found: list[str] = []
    for line in text.splitlines():
        for match in _ENGLISH.finditer(line):
            found.append(f"“{match.group(1)}” in: {line.strip()[:120]}")
    return found


# A phone browser widens its layout to what the page needs (window.innerWidth grows with it),
# so the comparison is with the screen's width, passed in. The culprits are for the reader of
# a failure: elements whose box, or whose content, reaches past the screen's edge.
_OVERFLOW_JS = """
(width) => {
  const doc = document.documentElement;
  const scroll = Math.max(doc.scrollWidth, document.body.scrollWidth);
  const inner = window.innerWidth;
  const culprits = [];
  if (scroll > width) {
    // A phone browser has widened the whole layout to fit; pin the page to the screen's
    // width for a moment to see what reaches past its edge.
    const pinned = doc.style.width;
    doc.style.width = width + 'px';
    const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    const path = (el) => {
      const chain = [];
      for (let a = el; a && a !== document.body && chain.length < 3; a = a.parentElement) {
        chain.unshift(name(a));
      }
      return chain.join(' > ');
    };
    // Content inside a box that clips or scrolls cannot widen the page (the box may).
    const clipped = (el) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') return true;
      }
      return false;
    };
    const boxOut = (el) => el.getBoundingClientRect().right > width + 0.5;
    const spills = (el) => getComputedStyle(el).overflowX === 'visible' &&
      el.scrollWidth > el.clientWidth + 1 &&
      el.getBoundingClientRect().left + el.scrollWidth > width + 0.5;
    for (const el of document.body.querySelectorAll('*')) {
      if (culprits.length >= 4) break;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || clipped(el)) continue;
      const parent = el.parentElement;
      if (boxOut(el) && !(parent !== document.body && boxOut(parent))) {
        culprits.push(path(el) + ' (reaches ' + Math.round(r.right) + ' px)');
      } else if (!boxOut(el) && spills(el) && ![...el.children].some(spills)) {
        culprits.push(path(el) + ' (its content reaches ' +
          Math.round(r.left + el.scrollWidth) + ' px)');
      }
    }
    doc.style.width = pinned;
  }
  return {scroll, inner, culprits};
}
"""


def sideways_scroll(page: Any, viewport_width: int) -> list[str]:
    """Empty when nothing on the page makes it wider than the screen."""
    m = page.evaluate(_OVERFLOW_JS, viewport_width)
    if m["scroll"] <= viewport_width and m["inner"] <= viewport_width:
        return []
    return [
        f"page is {m['scroll']} px wide on a {viewport_width} px screen; "
        f"sticking out: {'; '.join(m['culprits']) or '?'}"
    ]


_OFF_SCREEN_JS = """
(width) => {
  const found = [];
  for (const el of document.querySelectorAll(
      'main button, main .btn, main input[type=submit], main input[type=button]')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;  // not shown (folded, hidden)
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    if (el.closest('.visually-hidden, .skip-link')) continue;
    if (r.left < -0.5 || r.right > width + 0.5) {
      if (found.length >= 5) break;
      found.push((el.innerText || el.value || el.getAttribute('aria-label') || el.tagName)
        .trim().replace(/\\s+/g, ' ').slice(0, 40) + ' (' + Math.round(r.left) + '–' +
        Math.round(r.right) + ' px)');
    }
  }
  return found;
}
"""


def controls_off_screen(page: Any, viewport_width: int) -> list[str]:
    """Buttons of the page's content that sit beyond the screen's edges (in a table that
    scrolls sideways, say): a phone user does not find them. Links may scroll with their
    list (a row of tabs), actions may not."""
    return [f"off screen: {c}" for c in page.evaluate(_OFF_SCREEN_JS, viewport_width)]


# Letters only Vietnamese writes (ă â đ ê ô ơ ư and the five tone marks on any vowel), so a word
# holding one is Vietnamese; "café" would count, but the English catalog has none.
_VIETNAMESE_WORD = re.compile(
    r"\w*[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]\w*",
    re.IGNORECASE,
)
# What is not the service speaking: text marked as Vietnamese (the language switch's "Tiếng
# Việt", content in Vietnamese), article bodies and the editor, and the brand.
_DATA_ELEMENTS = '[lang="vi"], .rte-output, .ql-editor, [contenteditable], textarea'
# The brand, and numbers of legal documents ("933/QĐ-TLĐ", "30/2020/NĐ-CP"), cited as issued.
_BRAND = re.compile(r"Lan Tỏa|\b\d+/(?:\d{4}/)?[A-ZĐ]+(?:-[A-ZĐ]+)*")


def vietnamese_on_page(page: Any, data: Iterable[str] = ()) -> list[str]:
    """Vietnamese words on a page shown in English, each with its line: a service message,
    label or button the English catalog does not cover. ``data`` is what people wrote (names of
    units and officers, titles, questions, answers): taken out before looking, longest first,
    and so are the elements of _DATA_ELEMENTS."""
    text = _BRAND.sub(" ", _ALLOWED.sub(" ", page.evaluate(_READER_TEXT_JS, _DATA_ELEMENTS)))
    for item in sorted({d.strip() for d in data if d and d.strip()}, key=len, reverse=True):
        text = text.replace(item, " ")
    found: list[str] = []
    for line in text.splitlines():
        words = _VIETNAMESE_WORD.findall(line)
        if words:
            found.append(f"“{' '.join(words[:4])}” in: {line.strip()[:120]}")
    return found

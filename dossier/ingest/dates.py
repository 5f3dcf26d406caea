"""Publication dates: from metadata strings and from a dateline at the top of a text;
failing both, a bound estimated from the text."""
from __future__ import annotations

import re
from datetime import date

import dateparser

_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year", "month", "day"],
             "RETURN_AS_TIMEZONE_AWARE": False}
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE = re.compile(
    rf"\b({_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b")
DATELINE_CHARS = 300


def parse_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` from a date string in any common form, or None."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ].*)?", value):
        try:
            return date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            return None  # an impossible day ("2021-02-30")
    parsed = dateparser.parse(value, languages=["en"], settings=_SETTINGS)
    return parsed.date().isoformat() if parsed else None


def dateline_date(text: str) -> str | None:
    """The date in a dateline ("KABUL, Aug. 20, 2021 —") at the top of a text."""
    match = _DATE.search(text[:DATELINE_CHARS])
    return parse_date(match.group(1)) if match else None


_BARE_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_FORWARD = re.compile(r"\b(?:by|until|till|before)\s+$|\bby\s+(?:the\s+)?end\s+of\s+$", re.I)
_DATELINE_DAY = re.compile(rf"\b[A-Z][A-Z.'\- ]{{2,40}},\s+(?:[A-Z]\w+,\s+)?"
                           rf"(?P<day_month>{_MONTH}\s+\d{{1,2}})\b(?!,?\s*(?:19|20)\d{{2}})")


def estimated_date(text: str, today: date | None = None) -> str | None:
    """A bound on when an undated article was written, read from its text: the
    latest year it names (none after ``today``; "by 2030" is a plan, not a date),
    with the day and month of a dateline that gives them without a year ("KABUL,
    Aug. 20 —") → ``YYYY-MM-DD``; else ``YYYY``. Shown as estimated wherever used."""
    this_year = (today or date.today()).year
    years = [int(m.group()) for m in _BARE_YEAR.finditer(text)
             if int(m.group()) < this_year
             or (int(m.group()) == this_year
                 and not _FORWARD.search(text[max(0, m.start() - 20):m.start()]))]
    if not years:
        return None
    year = max(years)
    dateline = _DATELINE_DAY.search(text[:DATELINE_CHARS])
    if dateline:
        return parse_date(f"{dateline.group('day_month')} {year}") or f"{year:04d}"
    return f"{year:04d}"

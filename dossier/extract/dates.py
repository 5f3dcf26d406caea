"""Dates in running text → ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` with their precision.

Only dates that carry a year are read ("June 2020", "Sept. 11, 2001", "in 1994");
"last year" or "in March" alone give nothing (the conventions skip them when the
article's date is unknown).
"""
from __future__ import annotations

import re
from datetime import date as Date

from spacy.tokens import Span

MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
          "sep": 9, "oct": 10, "nov": 11, "dec": 12}
_MONTH = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?"
          r"|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_PATTERNS = [
    (re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b"), "day"),
    (re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}\s+{_YEAR}\b"), "day"),
    (re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b"), "month"),
    (re.compile(rf"\b{_YEAR}\b"), "year"),
]


def normalize_date(text: str) -> tuple[str, str, int, int] | None:
    """The first dated expression in ``text``: (date, precision, start, end)."""
    best = None
    for pattern, precision in _PATTERNS:
        match = pattern.search(text)
        if match and (best is None or match.start() < best[2]):
            year = match.group("year")
            if precision == "year":
                date = year
            else:
                month = MONTHS[match.group("month")[:3].casefold()]
                date = f"{year}-{month:02d}"
                if precision == "day":
                    try:  # an impossible day ("February 30") is no date
                        date = Date(int(year), month, int(match.group("day"))).isoformat()
                    except ValueError:
                        continue
            best = (date, precision, match.start(), match.end())
            if precision != "year":
                return best  # the fuller forms are tried first
    return best


_SHORT_RANGE = re.compile(r"\b(?P<first>(?:19|20)\d{2})\s?[-–/]\s?(?P<end>\d{2}|(?:19|20)\d{2})\b")
_RANGE_LINK = re.compile(r"^\s*(?:to|until|till|through|and|[-–])\s+", re.I)


def dates_in(text: str) -> list[tuple[str, str]]:
    """Every date a stated span gives, in order, once each: "from 1988 to 1993",
    "between 2014 and 2017", "August 2016 to February 2017", "1980-88" and
    "2014-15" give their start and their end (the conventions keep both)."""
    found: list[tuple[str, str]] = []
    rest = text
    while (hit := normalize_date(rest)) is not None:
        date, precision, _, end = hit
        if (date, precision) not in found:
            found.append((date, precision))
        rest = rest[end:]
    for match in _SHORT_RANGE.finditer(text):
        first, tail = match.group("first"), match.group("end")
        last = tail if len(tail) == 4 else first[:2] + tail
        if last > first and (last, "year") not in found:
            found.append((last, "year"))
    return found


def range_end(following: str) -> tuple[str, str] | None:
    """The end of a range whose start the model labelled alone: the text right after
    "from 2015" reading "to 2016, when …" gives ("2016", "year")."""
    link = _RANGE_LINK.match(following)
    if link is None:
        return None
    hit = normalize_date(following[link.end():link.end() + 24])
    if hit is None or hit[2] != 0:
        return None
    return hit[0], hit[1]


def year_month_in(span: Span) -> str | None:
    """``YYYY`` or ``YYYY-MM`` of the first dated DATE entity in a span."""
    for ent in span.ents:
        if ent.label_ == "DATE":
            found = normalize_date(ent.text)
            if found:
                return found[0][:7]
    return None


_RELATIVE_YEAR = {"last year": -1, "this year": 0, "next year": 1, "a year ago": -1,
                  "two years ago": -2, "three years ago": -3}
_BARE_MONTH = re.compile(rf"^(?:in\s+|last\s+|early\s+|late\s+|mid-?)?{_MONTH}$", re.I)


def resolve_relative(text: str, published: str | None) -> tuple[str, str] | None:
    """A date without a year, read against the article's date: "last year" → the
    year before; "March" → the last March on or before publication. None when the
    article's date is unknown (the conventions drop such dates)."""
    if not published:
        return None
    year, month = int(published[:4]), int(published[5:7])
    phrase = text.strip().casefold()
    if phrase in _RELATIVE_YEAR:
        found, suffix, precision = year + _RELATIVE_YEAR[phrase], "", "year"
    elif match := _BARE_MONTH.match(text.strip()):
        m = MONTHS[match.group("month")[:3].casefold()]
        found, suffix, precision = (year if m <= month else year - 1), f"-{m:02d}", "month"
    else:
        return None
    if not 1 <= found <= 9999:  # no four-digit year to give
        return None
    return f"{found:04d}{suffix}", precision


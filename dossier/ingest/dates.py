"""Publication dates: from metadata strings and from a dateline at the top of a text."""
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

"""Where quotations stand: the stretches of a text between quotation marks
(EXTRACTION_SCHEMA.md, "Quotes"), read paragraph by paragraph.

Curly marks open and close, a straight ``"`` toggles. A mark that never closes is
tolerated: the words up to the end of the paragraph are taken (a quote running on
into the next paragraph, as news style does), and a quote left open ends where the
next one opens (a curly mark after a full stop, or a straight one after a space and
before a letter, where no closing mark stands). Single marks, as British and
headline style write quotations, are read outside the double-quoted spans, telling
an apostrophe from a mark by what stands on either side.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

OPENING = "“«„"
CLOSING = "”»"


@dataclass
class QuoteSpan:
    start: int  # first character inside the marks
    end: int
    paragraph: int


def quote_spans(text: str) -> list[QuoteSpan]:
    """Every stretch of text between quotation marks, paragraph by paragraph."""
    found: list[QuoteSpan] = []
    for number, match in enumerate(re.finditer(r"[^\n]+", text)):
        base = match.start()
        line = match.group()
        open_at = None
        for i, ch in enumerate(line):
            if ch in OPENING or ch == '"' and (open_at is None or _reopens(line, i, open_at)):
                before = line[:i].rstrip()
                if open_at is not None and len(before) > open_at \
                        and (ch == '"' or before.endswith((".", "?", "!"))):
                    # “… by terrorists. “Malaysia has …”: a quotation left unclosed
                    # ends where the next one opens.
                    found.append(QuoteSpan(base + open_at, base + len(before), number))
                    open_at = i + 1
                elif open_at is None:
                    open_at = i + 1
            elif ch in CLOSING or ch == '"':
                if open_at is not None:
                    found.append(QuoteSpan(base + open_at, base + i, number))
                    open_at = None
        if open_at is not None and len(line) - open_at > 1:
            found.append(QuoteSpan(base + open_at, base + len(line.rstrip()), number))
        double = [(q.start - base - 1, q.end - base + 1) for q in found if q.paragraph == number]
        found.extend(QuoteSpan(base + s, base + e, number) for s, e in _single_quoted(line, double))
    return sorted(found, key=lambda q: q.start)


SINGLE_OPENING = "‘'"
SINGLE_CLOSING = "’'"
_BEFORE_SINGLE_OPENING = " \t([{—–-:/\"“"


def _single_quoted(line: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Quotations in single marks, as British and headline style writes them, outside
    the spans in ``taken`` (a quote within a double-quoted one is part of it).

    A mark opens after a space or a colon and before a letter; it closes after a
    word or punctuation and before a space, punctuation or the line's end, so an
    apostrophe inside a word never does. "fighters' weapons" closes only when no
    later mark can ("'The students' union will meet,' he said"). A quotation left
    open ends where the next one opens after a full stop ("… pulled up. 'People …"),
    or at the paragraph's end when it opened the paragraph or followed a colon."""
    def free(i: int) -> bool:
        return not any(s <= i < e for s, e in taken)

    def opens(i: int) -> bool:
        return line[i] in SINGLE_OPENING and (i == 0 or line[i - 1] in _BEFORE_SINGLE_OPENING) \
            and i + 1 < len(line) and line[i + 1].isalpha()

    def closes(i: int) -> bool:
        return line[i] in SINGLE_CLOSING and i > 0 and not line[i - 1].isspace() \
            and (i + 1 == len(line) or not line[i + 1].isalnum())

    def weak(i: int) -> bool:  # a plural possessive: "the fighters' weapons"
        return line[i - 1] in "sS" and i + 2 < len(line) and line[i + 1] == " " \
            and line[i + 2].isalnum()

    found: list[tuple[int, int]] = []
    open_at: int | None = None
    starts_line = False
    marks = [i for i in range(len(line)) if free(i) and line[i] in SINGLE_OPENING + SINGLE_CLOSING]
    for k, i in enumerate(marks):
        if open_at is None:
            if opens(i):
                open_at = i + 1
                starts_line = i == 0 or line[:i].rstrip().endswith(":")
            continue
        if opens(i) and i - 1 > open_at:
            before = line[:i].rstrip()
            if before.endswith((".", "?", "!")):  # '… pulled up. 'People on …
                found.append((open_at, len(before)))
                open_at = i + 1
            continue
        if closes(i) and i > open_at:
            if weak(i) and _closes_later(marks[k + 1:], opens, closes, weak):
                continue
            found.append((open_at, i))
            open_at = None
    if open_at is not None and starts_line and len(line) - open_at > 1:
        found.append((open_at, len(line.rstrip())))
    return found


def _closes_later(marks: list[int], opens: Callable[[int], bool],
                  closes: Callable[[int], bool], weak: Callable[[int], bool]) -> bool:
    """True when a mark in ``marks`` closes for sure before another opens."""
    for j in marks:
        if opens(j):
            return False
        if closes(j) and not weak(j):
            return True
    return False


def _reopens(line: str, i: int, open_at: int) -> bool:
    """A straight mark that opens a quotation while one is open: after a space and
    before a letter, where a closing mark never stands (a quotation of several
    paragraphs run into one line: '"… ended. "Then we …," he said'; a closing mark
    lost: '"… later, said the commander. "Travelling …')."""
    return 0 < i < len(line) - 1 and line[i - 1] == " " and line[i + 1].isalnum() \
        and i - 1 > open_at

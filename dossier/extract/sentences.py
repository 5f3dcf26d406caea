"""Sentence spans that never cross a line break.

The parser, trained on running text, reads a headline or a dateline into the
sentence below it; news text puts each on a line of its own. Every stage that
quotes a sentence as evidence uses these spans.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span


def line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at line breaks, surrounding spaces trimmed."""
    spans = []
    for match in re.finditer(r"[^\n]+", text[start:end]):
        s, e = start + match.start(), start + match.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def sentences(doc: Doc) -> list[Span]:
    """The parser's sentences of ``doc``, cut at line breaks."""
    out = []
    for sent in doc.sents:
        for s, e in line_spans(doc.text, sent.start_char, sent.end_char):
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is not None and len(span):
                out.append(span)
    return out

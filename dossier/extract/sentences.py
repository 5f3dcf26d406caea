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


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once: spaCy joins the tokens anew on every access."""
    text = doc.user_data.get("dossier_text")
    if text is None:
        text = doc.user_data["dossier_text"] = doc.text
    return text


def sentences(doc: Doc) -> list[Span]:
    """The parser's sentences of ``doc``, cut at line breaks (computed once per Doc)."""
    cached = doc.user_data.get("dossier_sentences")
    if cached is not None:
        return cached
    out = []
    text = doc_text(doc)
    for sent in doc.sents:
        for s, e in line_spans(text, sent.start_char, sent.end_char):
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is not None and len(span):
                out.append(span)
    doc.user_data["dossier_sentences"] = out
    return out

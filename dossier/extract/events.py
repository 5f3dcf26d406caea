"""Dated events: what happened when, and who took part (EXTRACTION_SCHEMA.md, "Events").

``events(doc, antecedents, lexicons)`` reads each date the model labels DATE that
carries a year (:func:`dossier.extract.dates.normalize_date`) and keeps it when it
dates a happening:

* the date hangs (through "in", "on", "since", ...) off a verb: "The Taliban
  emerged in 1994", "after invading northern Iraq from Syria in 2014";
* or off a noun that names an event (``vocab/events.yaml``): "the withdrawal of
  Soviet forces from Afghanistan in 1989", "a 2016 peace agreement".

Relative dates ("last year", "in March") are read against the article's date
when it is known and dropped when it is not.

A date that only measures a state of affairs ("as of June 2020", "peak levels in
2016") is no event. Actors are the entities the clause names as its subject,
objects and the event noun's arguments, climbing to the governing clause when a
participle has no subject of its own; a year alone with no actors is kept with
``actors: []``.
"""
from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Span, Token

from dossier.extract.antecedents import Antecedents
from dossier.extract.dates import normalize_date, resolve_relative
from dossier.extract.sentences import doc_text
from dossier.model import Entity, Event

ACTOR_TYPES = ("armed_group", "person", "organization", "state")
_ARGUMENT_DEPS = ("nsubj", "nsubjpass", "dobj", "agent", "attr")
_MAX_CLIMB = 3
_MAX_DESCRIPTION_WORDS = 14


def events(doc: Doc, antecedents: Antecedents, event_nouns: frozenset[str],
           published: str | None = None) -> Iterator[Event]:
    """Dated events of one document; see the module docstring.

    published: the article's date (``YYYY-MM-DD``); relative dates ("last year",
        "in March") are read against it, and dropped when it is None.
    """
    seen: set[tuple[str, int]] = set()
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "EVENT"):
            continue
        found = normalize_date(ent.text)
        if found is None:
            relative = resolve_relative(ent.text, published)
            found = (*relative, 0, 0) if relative else None
        if found is None or _is_state_of_affairs(ent):
            continue
        date, precision, _, _ = found
        for anchor in _anchors(ent, event_nouns):
            if (date, anchor.i) in seen:
                continue
            seen.add((date, anchor.i))
            actors = _actors(anchor, antecedents)
            if not actors and anchor.pos_ in ("VERB", "AUX") and anchor.dep_ != "relcl" \
                    and not _named_subject(anchor, antecedents):
                continue  # a dated clause about nothing named is rarely an event
            start, end = _clause_span(anchor, ent)
            yield Event(date, precision, tuple(a.id for a in actors),
                        _describe(doc, start, end), (start, end), by="rule:events.dated")


def _anchors(date: Span, event_nouns: frozenset[str]) -> list[Token]:
    """The happening a date belongs to, and a "when ..." clause it introduces
    ("since May 2017, when militants seized the city")."""
    anchors = []
    main = _anchor(date, event_nouns)
    if main is not None:
        anchors.append(main)
    for child in date.root.children:
        if child.dep_ in ("relcl", "advcl") and child.pos_ == "VERB" \
                and any(c.lower_ in ("when", "as") for c in child.children):
            anchors.append(child)
    return anchors


def _named_subject(verb: Token, antecedents: Antecedents) -> bool:
    """True when the clause's subject is a named entity of any type ("Mindanao has
    been under martial law since May 2017")."""
    return any(antecedents.at(c.idx, c.idx + len(c)) is not None
               for c in verb.children if c.dep_ in ("nsubj", "nsubjpass"))


def _is_state_of_affairs(date: Span) -> bool:
    before = date.doc[max(0, date.start - 2):date.start]
    return [t.lower_ for t in before] == ["as", "of"] or date.root.lower_ in ("age", "aged")


def _anchor(date: Span, event_nouns: frozenset[str]) -> Token | None:
    """The verb or event noun a date belongs to."""
    head = date.root.head
    if head.pos_ == "ADP" or head.dep_ == "prep":  # "in 1994", "since 2015"
        head = head.head
    if head.pos_ in ("VERB", "AUX"):
        return head
    if head.pos_ in ("NOUN", "PROPN") and head.lemma_.casefold() in event_nouns:
        return head
    return None


def _actors(anchor: Token, antecedents: Antecedents) -> list[Entity]:
    actors: list[Entity] = []

    def add(token: Token) -> None:
        for ent in antecedents.resolve_phrase(token):
            if ent.type in ACTOR_TYPES and ent not in actors:
                actors.append(ent)

    if anchor.pos_ in ("NOUN", "PROPN"):
        # "the withdrawal of Soviet forces": the noun's own arguments first.
        for tok in anchor.subtree:
            if tok.dep_ == "pobj" and tok.head.lower_ in ("of", "by", "between"):
                add(tok)
        verb = anchor.head if anchor.dep_ in ("dobj", "pobj", "nsubj", "attr") else None
        if verb is not None and verb.pos_ == "ADP":
            verb = verb.head
        if verb is not None and verb.pos_ in ("VERB", "AUX"):
            for child in verb.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    add(child)
        return actors
    verb = anchor
    for _ in range(_MAX_CLIMB):
        for child in verb.children:
            if child.dep_ in _ARGUMENT_DEPS and child.pos_ != "ADP":
                add(child)
            elif child.dep_ in ("prep", "agent") and child.lower_ in ("against", "with", "by"):
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        add(grandchild)
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) or verb.head.i == verb.i:
            break
        verb = verb.head
    return actors


def _clause_span(anchor: Token, date: Span) -> tuple[int, int]:
    sent = anchor.sent
    tokens = [t for t in anchor.subtree if sent.start <= t.i < sent.end]
    start = min(tokens[0].idx, date.start_char)
    end = max(tokens[-1].idx + len(tokens[-1]), date.end_char)
    return start, end


def _describe(doc: Doc, start: int, end: int) -> str:
    words = doc_text(doc)[start:end].split()
    text = " ".join(words[:_MAX_DESCRIPTION_WORDS])
    return text if len(words) <= _MAX_DESCRIPTION_WORDS else text + " …"

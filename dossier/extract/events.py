"""Dated events: what happened when, and who took part (EXTRACTION_SCHEMA.md, "Events").

``events(doc, antecedents, lexicons)`` reads each date the model labels DATE that
carries a year (:func:`dossier.extract.dates.dates_in`: a stated range gives its
start and its end) and keeps it when it dates a happening:

* the date hangs (through "in", "on", "since", ...) off a verb: "The Taliban
  emerged in 1994", "after invading northern Iraq from Syria in 2014";
* or off a noun that names an event (``vocab/events.yaml``): "the withdrawal of
  Soviet forces from Afghanistan in 1989", "a 2016 peace agreement".

Relative dates ("last year", "in March") are read against the article's date
when it is known and dropped when it is not.

A date that only measures a state of affairs ("as of June 2020", "peak levels in
2016") is no event. Actors are the entities the clause names as its subject,
objects and the event noun's arguments, climbing to the governing clause when a
participle has no subject of its own; a participle after a noun has for actor the
one it describes ("X, born in 1991"), and a relative clause the name it hangs on;
an act a group claimed is that group's ("in an attack claimed by X"); an armed
group's act named with no actor ("a
2016 attack in Jakarta", "the men were kidnapped in 2017"; ``focus_nouns`` and
``focus_verbs`` in the vocabulary) is the act of the group the passage is about
(within :data:`ACTOR_LOOKBACK` sentences), and an event with ``actors: []`` when
no group is in reach, as violence is news whoever did it; other dated clauses
about nothing named are dropped. A year alone with no actors is kept with
``actors: []``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from spacy.tokens import Doc, Span, Token

from dossier.extract.antecedents import Antecedents
from dossier.extract.dates import dates_in, range_end, resolve_relative
from dossier.extract.sentences import doc_text
from dossier.model import Entity, Event
from dossier.vocabulary import Lexicons

ACTOR_TYPES = ("armed_group", "person", "organization", "state")
_ARGUMENT_DEPS = ("nsubj", "nsubjpass", "dobj", "agent", "attr", "oprd")
_MAX_CLIMB = 3
_RELATIVE_PRONOUNS = ("who", "which", "that", "whom")
_NOT_STATES = ("armed_group", "person", "organization")
_PARTICIPANT_PREPOSITIONS = {"against": ACTOR_TYPES, "with": ACTOR_TYPES, "by": ACTOR_TYPES,
                             "to": _NOT_STATES, "from": _NOT_STATES, "on": _NOT_STATES}
"""Prepositions whose named objects take part in a clause's event, with the types they
may be ("seized the city from IS", "moved money to Wanndy", "blamed on IS"); a state
after "to" or "from" is a place ("invaded Iraq from Syria"), and places are never actors."""
_MAX_DESCRIPTION_WORDS = 14
ACTOR_LOOKBACK = 5
"""Sentences looked back for whom "he", "the group" or an act with no named actor
stands: further than for a speaker, as a dated story's actor is often named at the
start of its paragraph."""


def events(doc: Doc, antecedents: Antecedents, lexicons: Lexicons,
           published: str | None = None) -> Iterator[Event]:
    """Dated events of one document; see the module docstring.

    published: the article's date (``YYYY-MM-DD``); relative dates ("last year",
        "in March") are read against it, and dropped when it is None.
    """
    seen: set[tuple[str, int]] = set()
    antecedents = antecedents.reaching(ACTOR_LOOKBACK)
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "EVENT") or _is_state_of_affairs(ent):
            continue
        found = _dates(ent, published)
        for anchor in _anchors(ent, lexicons.event_nouns):
            actors = _actors(anchor, antecedents) or _claimed_by(anchor, antecedents)
            violent = _an_act_of_the_group_in_focus(anchor, lexicons)
            if not actors and violent:
                # "a January 2016 attack in Jakarta", "the men were kidnapped in 2017":
                # the group the passage is about.
                focus = antecedents.before(anchor.idx, ("armed_group",))
                actors = [focus] if focus is not None else []
            if not actors and not violent and anchor.pos_ in ("VERB", "AUX") \
                    and anchor.dep_ != "relcl" \
                    and not _named_subject(anchor, antecedents):
                continue  # a dated clause about nothing named is rarely an event
            start, end = _clause_span(anchor, ent)
            for date, precision in found:
                if (date, anchor.i) in seen:
                    continue
                seen.add((date, anchor.i))
                yield Event(date, precision, tuple(a.id for a in actors),
                            _describe(doc, start, end), (start, end), by="rule:events.dated")


def _claimed_by(anchor: Token, antecedents: Antecedents) -> list[Entity]:
    """The group a clause with no named actor says claimed the act ("a Tunisian killed
    12 people … in an attack claimed by the Islamic State group")."""
    for tok in anchor.subtree:
        if tok.lemma_.casefold() == "claim" and tok.tag_ == "VBN":
            for agent in (c for c in tok.children if c.dep_ == "agent"):
                for pobj in (c for c in agent.children if c.dep_ == "pobj"):
                    found = [e for e in antecedents.resolve_phrase(pobj)
                             if e.type == "armed_group"]
                    if found:
                        return found
    return []


def _an_act_of_the_group_in_focus(anchor: Token, lexicons: Lexicons) -> bool:
    lemma = anchor.lemma_.casefold()
    if anchor.pos_ == "NOUN":
        return lemma in lexicons.focus_event_nouns
    return anchor.pos_ == "VERB" and lemma in lexicons.focus_event_verbs


def _dates(date: Span, published: str | None) -> list[tuple[str, str]]:
    """The dates one DATE span gives: a range its start and end ("from 2015 to 2016",
    where the model often labels "2015" alone), a relative date its reading against
    the article's date, nothing when neither holds."""
    found = dates_in(date.text)
    if not found:
        relative = resolve_relative(date.text, published)
        return [relative] if relative else []
    if len(found) == 1 and date.start > 0 and date.doc[date.start - 1].lower_ in ("from", "between"):
        end = range_end(doc_text(date.doc)[date.end_char:])
        if end is not None and end not in found:
            found.append(end)
    return found


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
    root = date.root
    while root.dep_ == "conj" and root.head.i != root.i:  # "in 2014 and 2015"
        root = root.head
    head = root.head
    introduced = root.pos_ == "ADP" or head.pos_ == "ADP" or head.dep_ == "prep"
    if introduced and root.pos_ != "ADP":  # "in 1994", "since 2015"
        head = head.head
    for _ in range(2):
        if head.pos_ in ("VERB", "AUX"):
            return head
        if head.pos_ in ("NOUN", "PROPN") and head.lemma_.casefold() in event_nouns:
            return head
        if not (introduced and head.dep_ == "pobj" and head.head.dep_ == "prep"):
            return None
        # "detained under the Act between 2002 and 2010": the parse hung the date on
        # the object of the verb's preposition
        head = head.head.head
    return None


def _actors(anchor: Token, antecedents: Antecedents) -> list[Entity]:
    actors: list[Entity] = []

    def add(token: Token, types: tuple[str, ...] = ACTOR_TYPES) -> None:
        found = antecedents.resolve_phrase(token)
        if not found and token.pos_ == "NOUN":
            found = _premodifier_entities(token, antecedents)  # "an IS-claimed bombing killed"
        if not found and token.dep_ == "appos":
            described = _described(token, antecedents)  # "the NSU, a neo-Nazi gang"
            found = [described] if described is not None else []
        for ent in found:
            if ent.type in types and ent not in actors:
                actors.append(ent)

    if anchor.pos_ in ("NOUN", "PROPN"):
        _noun_actors(anchor, antecedents, add)
        for ent in _premodifier_entities(anchor, antecedents):
            if ent not in actors:
                actors.append(ent)
        return actors
    verb = anchor
    if verb.dep_ == "acl" and verb.tag_ == "VBN" and verb.head.pos_ in ("NOUN", "PROPN"):
        # "Younes Ouziad, born in 1991", "a Belgian national born in 1982": the one
        # the participle describes, not the clause around it.
        described = _described(verb.head, antecedents)
        if described is not None:
            _clause_actors(verb, add)
            return [described] + [a for a in actors if a != described]
    if verb.dep_ == "relcl" and _relative_subject(verb):
        # "Wanndy, who was killed in Syria in 2017": the noun the clause describes,
        # and what that noun is said to be ("FJI is a group that was launched in 2011").
        add(verb.head)
        if verb.head.dep_ == "attr":
            for child in verb.head.head.children:
                if child.dep_ == "nsubj":
                    add(child)
    for _ in range(_MAX_CLIMB):
        _clause_actors(verb, add)
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) or verb.head.i == verb.i:
            break
        verb = verb.head
    return actors


def _described(noun: Token, antecedents: Antecedents) -> Entity | None:
    """The entity a noun names, its owner's ("Murad's book"), or the one a noun in
    apposition describes ("Benjamin Herman, a Belgian national"; the name right before
    the comma when the parse hung the apposition elsewhere)."""
    for _ in range(_MAX_CLIMB):
        found = antecedents.at(noun.idx, noun.idx + len(noun))
        if found is None:  # "Murad's book, published in 2017"
            owners = [c for c in noun.children if c.dep_ == "poss"]
            found = antecedents.at(owners[0].idx, owners[0].idx + len(owners[0])) \
                if owners else None
        if found is not None or noun.dep_ != "appos":
            return found if found is not None and found.type in ACTOR_TYPES else None
        comma = noun.left_edge.i - 1
        if comma > 0 and noun.doc[comma].text == ",":
            # "members of the NSU, a neo-Nazi gang": the name right before the comma,
            # wherever the parse hung the apposition
            before = noun.doc[comma - 1]
            found = antecedents.at(before.idx, before.idx + len(before))
            if found is not None and found.type in ACTOR_TYPES:
                return found
        noun = noun.head
    return None


def _clause_actors(verb: Token, add: Callable[..., None]) -> None:
    """A clause's named arguments: subject, objects, and participants after a preposition."""
    for child in verb.children:
        if child.dep_ in _ARGUMENT_DEPS and child.pos_ != "ADP":
            add(child)
        elif child.dep_ in ("aux", "auxpass") and child.i < verb.i and child.is_upper \
                and len(child) > 1:
            add(child)  # "IS overran …", the acronym parsed as an auxiliary
        elif child.dep_ in ("prep", "agent") and child.lower_ in _PARTICIPANT_PREPOSITIONS:
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    add(grandchild, _PARTICIPANT_PREPOSITIONS[child.lower_])


def _noun_actors(noun: Token, antecedents: Antecedents, add: Callable[..., None]) -> None:
    """Who took part in an event a noun names: its own arguments ("the withdrawal of
    Soviet forces", "Iran's revolution", "the war with Iraq"), a clause it heads ("the
    uprising that toppled Ben Ali") or governs ("a 2011 uprising toppled Gaddafi"), else
    the subject of the clause it sits in ("IS claimed the 2016 attack")."""
    for tok in noun.subtree:
        if tok.dep_ == "pobj" and tok.head.lower_ in ("of", "by", "between", "with", "against") \
                and tok.head.head.i == noun.i:
            add(tok)
    for child in noun.children:
        if child.dep_ == "poss":
            add(child)
        elif child.dep_ in ("relcl", "acl"):
            _clause_actors(child, add)
    verb = noun.head if noun.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass", "attr") else None
    if verb is not None and verb.pos_ == "ADP":
        verb = verb.head
    if verb is None or verb.pos_ not in ("VERB", "AUX"):
        return
    if noun.dep_ == "nsubj":
        for child in verb.children:
            if child.dep_ == "dobj":
                add(child)
    else:
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                add(child)
                if child.lower_ in _RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                    # "the NSU, a gang that murdered 10 people during a 2000-2007
                    # campaign": the one the relative clause describes
                    add(verb.head)


def _premodifier_entities(noun: Token, antecedents: Antecedents) -> list[Entity]:
    """Entities named before an event noun inside its phrase: "an IS-claimed suicide
    bombing", "the 1996-2001 Taliban regime", "the Syrian government's attack"."""
    left = [t for t in noun.subtree if t.i < noun.i]
    if not left:
        return []
    found = antecedents.in_span(left[0].idx, noun.idx, ACTOR_TYPES)
    for tok in left:
        state = antecedents.state_by_demonym(tok)
        if state is not None and state not in found:
            found.append(state)
    return found


def _relative_subject(verb: Token) -> bool:
    """True when a relative clause's subject is its relative pronoun or it has none
    ("who was killed", "that was launched")."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    return not subjects or all(c.lower_ in _RELATIVE_PRONOUNS for c in subjects)


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

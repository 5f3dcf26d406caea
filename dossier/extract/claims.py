"""Strength claims: how many fighters a group has (EXTRACTION_SCHEMA.md, "Claims").

``strength_claims(doc, antecedents, lexicons)`` finds a figure bound to a strength
noun (``vocab/strength.yaml``: fighters, members, troops, a following ...) right
after it ("10,000 ISIS fighters", "a 3,000-strong force", "thousands of fighters"
as what a group has), before it ("a following of 200,000") or through a counting
verb ("its fighters number around 5,000"):

* "around 1,500 to 2,000 fighters", "between 1,500 and 2,200 fighters" → a range;
  "more than 10,000 ISIS fighters" → min 10000 and no max; "several hundred" and
  other number words take the range listed in the vocabulary (200–900);
* the qualifier is the longest listed phrase right before the figure ("some" →
  about, "as many as" → up to, "estimated" / "between" → null);
* the group: an entity between the figure and the noun ("10,000 ISIS fighters",
  "14,000 US troops"), else the subject of the clause, through possessives and
  references ("The group’s ranks fell to ..." → the group meant; "France has
  some 4,500 troops");
* ``as_of``: a year (and month) in the same sentence; ``place``: the one place
  or state the sentence names besides the group; ``attributed_to``: the subject
  of a reporting verb in the sentence ("UN monitors estimated ...").

The owner is also reached through linking words ("1,500 fighters belong to X",
"militants loyal to X") and the verbs a clause complements ("X is estimated to have
2,000 fighters"). "grew from 3,000 to 7,000" gives the figure now. A figure whose
clauses speak of losses, arrests, surrenders or flight (``not_strength``), counts
each unit, or belongs to several groups at once ("X and Y have 9,000 fighters") is
not a claim.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc, Span, Token

from dossier.extract.antecedents import Antecedents
from dossier.extract.sentences import sentences
from dossier.extract.dates import year_month_in
from dossier.model import Claim, Entity
from dossier.vocabulary import Lexicons

_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_SCALE = {"thousand": 1_000, "million": 1_000_000}
_SUBJECT_TYPES = ("armed_group", "organization", "state")
_EXCLUSION_WINDOW = 5
_SOURCE_NOUNS = {"estimate", "report", "figure", "assessment", "data", "count", "survey",
                 "study", "analysis"}


def parse_number(text: str, lexicons: Lexicons) -> tuple[int, int | None] | None:
    """A figure as ``(min, max)``: ``"1,500"`` → (1500, None); ``"2.5 million"`` →
    (2500000, None); ``"several hundred"`` → the range the vocabulary lists (200, 900)."""
    text = text.strip().casefold()
    if text in lexicons.number_words:
        return lexicons.number_words[text]
    match = re.fullmatch(rf"({_NUMBER})(?:\s+(thousand|million))?", text)
    if not match:
        return None
    value = float(match.group(1).replace(",", ""))
    return int(value * _SCALE.get(match.group(2) or "", 1)), None


def _figure_pattern(lexicons: Lexicons) -> re.Pattern:
    words = sorted(lexicons.number_words, key=len, reverse=True)
    number = rf"(?:{_NUMBER})(?:\s+(?:thousand|million))?|" + "|".join(map(re.escape, words))
    quals = sorted(lexicons.qualifiers, key=len, reverse=True)
    qual = "|".join(map(re.escape, quals))
    return re.compile(
        rf"(?:\b(?P<qual>{qual})\s+)?(?P<a>{number})"
        rf"(?:\s*(?:to|and|-|–|or)\s*(?P<b>{number}))?(?![\w,.]*\d)", re.IGNORECASE)


def strength_claims(doc: Doc, antecedents: Antecedents, lexicons: Lexicons) -> Iterator[Claim]:
    """Strength claims of one document; see the module docstring."""
    pattern = _figure_pattern(lexicons)
    for sent in sentences(doc):
        for match in pattern.finditer(sent.text):
            start = sent.start_char + match.start("a")
            end = sent.start_char + match.end()
            noun = _strength_noun(doc, start, end, lexicons)
            if noun is None or _speaks_of_losses(doc, start, noun, lexicons) \
                    or _is_not_count(doc, start):
                continue
            first = parse_number(match.group("a"), lexicons)
            second = parse_number(match.group("b"), lexicons) if match.group("b") else None
            if first is None:
                continue
            low, high = first
            if second is not None and _is_change(doc, sent.start_char + match.start()):
                low, high = second  # "grew from 3,000 to 7,000 fighters": the figure now
            elif second is not None:
                high = second[1] or second[0]
            if high is not None and high < low:
                continue
            if _distributive(doc, start):
                continue  # "three factions, each with about 60 fighters": per unit
            subject = _subject(doc, end, noun, antecedents, lexicons)
            if subject is None:
                continue
            qual = match.group("qual")
            qualifier = lexicons.qualifiers.get(qual.casefold()) if qual else None
            claim_start = sent.start_char + match.start()
            yield Claim(subject.id, low, high,
                        (min(claim_start, noun.idx), max(end, noun.idx + len(noun))),
                        qualifier=qualifier, as_of=_as_of(sent, noun),
                        place=_place(sent, subject, antecedents),
                        attributed_to=_attributed_to(sent, antecedents, lexicons),
                        by="rule:claims.strength")


def _strength_noun(doc: Doc, start: int, end: int, lexicons: Lexicons) -> Token | None:
    """The strength noun the figure counts: a few words after it ("10,000 ISIS
    fighters", "the 3,000-strong brigade", "thousands of fighters"), the noun it is
    "of" ("a following of over 200,000"), or the subject of a counting verb whose
    object it is ("its fighters number around 5,000")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    for tok in doc[span.end:min(len(doc), span.end + 5)]:
        if tok.lower_ in lexicons.strength_nouns:
            return tok
        if tok.text in ("-", "–") and not tok.whitespace_:
            continue  # "3,000-strong", "Al-Shabaab"
        if tok.lower_ == "of" and tok.i == span.end and not span[-1].like_num:
            # "thousands of fighters": a strength only as what a group has ("Boko Haram
            # has thousands of fighters"), not as some who fled or were deployed.
            noun = next((t for t in doc[tok.i + 1:tok.i + 4]
                         if t.lower_ in lexicons.strength_nouns), None)
            return noun if noun is not None and _owned(noun, lexicons) else None
        if tok.is_punct or tok.pos_ in ("VERB", "ADP", "CCONJ"):
            break
    prev = doc[span.start - 1] if span.start > 0 else None
    while prev is not None and prev.lower_ in ("over", "more", "than", "about", "around", "some",
                                               "nearly", "almost"):
        prev = doc[prev.i - 1] if prev.i > 0 else None
    if prev is not None and prev.lower_ == "of" and prev.i > 0 \
            and doc[prev.i - 1].lower_ in lexicons.strength_nouns:
        return doc[prev.i - 1]
    verb = span[-1].head
    if verb.head.lemma_.casefold() in lexicons.count_verbs and verb.dep_ == "prep":
        verb = verb.head  # "the ranks stood at 3,000"
    if verb.lemma_.casefold() in lexicons.count_verbs:
        for child in verb.children:  # the parser may read "fighters number" as a compound
            if child.dep_ in ("nsubj", "compound") and child.i < verb.i \
                    and child.lower_ in lexicons.strength_nouns:
                return child
    return None


def _owned(noun: Token, lexicons: Lexicons) -> bool:
    """True when the counted noun is the object of a verb of having ("has", "commands")."""
    head = noun.head
    while head.pos_ == "ADP" or head.lower_ in lexicons.number_words or head.like_num:
        head = head.head
        if head.head.i == head.i:
            break
    return head.lemma_.casefold() in lexicons.owner_verbs


def _speaks_of_losses(doc: Doc, start: int, noun: Token, lexicons: Lexicons) -> bool:
    first = doc.char_span(start, start + 1, alignment_mode="expand")
    lo = max(noun.sent.start, (first.start if first is not None else noun.i) - _EXCLUSION_WINDOW)
    hi = min(noun.sent.end, noun.i + 1 + _EXCLUSION_WINDOW)
    words = {t.lower_ for t in doc[lo:hi]} | {t.lemma_.casefold() for t in doc[lo:hi]}
    # "The death toll rose to 60, including 12 ISIS fighters", "165 troops were
    # confirmed killed": the words and subjects of the clauses the figure sits in, up
    # to the sentence's root.
    node = noun
    while True:
        words.add(node.lemma_.casefold())
        words |= {c.lemma_.casefold() for c in node.children
                  if c.dep_ in ("nsubj", "nsubjpass", "xcomp", "oprd", "acomp")}
        if node.head.i == node.i:
            break
        node = node.head
    return bool(words & lexicons.not_strength)


def _subject(doc: Doc, figure_end: int, noun: Token, antecedents: Antecedents,
             lexicons: Lexicons) -> Entity | None:
    # An entity inside the noun phrase: "10,000 ISIS fighters", "14,000 US troops".
    inner = antecedents.in_span(figure_end, noun.idx + len(noun), _SUBJECT_TYPES)
    if inner:
        return inner[0]
    own = antecedents.at(noun.idx, noun.idx + len(noun))
    if own is not None and own.type in _SUBJECT_TYPES:
        return own
    # A modifier that names a group by its own word: "dissident combatants" for the
    # document's "Farc dissidents".
    named = [e for e in antecedents.resolve_phrase(noun) if e.type in _SUBJECT_TYPES]
    if named:
        return named[0]
    # Else the clause the figure is in: its subject, or its possessor.
    head = noun
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        head = head.head
    owns = head.lemma_.casefold() in lexicons.owner_verbs and noun.dep_ == "dobj"
    if head.lemma_.casefold() in lexicons.reporting_verbs and not owns:
        # "UN monitors estimated that ... 7,000 fighters": the subject is the
        # source, not the owner; the owner is the group in focus.
        return antecedents.before(noun.idx, ("armed_group",))
    linked = _linked_owner(noun, head, antecedents, lexicons)
    if linked is not None:
        return linked
    # "estimates put its strength at ...", "the strength of X at ...": the owner of a
    # strength word.
    for child in head.children:
        if child.lemma_.casefold() in lexicons.strength_nouns:
            for owner in (*_possessors(child), *_of_objects(child)):
                found = [e for e in antecedents.resolve_phrase(owner) if e.type in _SUBJECT_TYPES]
                if found:
                    return found[0]
    for verb in _governing(head):
        owners: list[Entity] = []
        for child in verb.children:
            if child.lemma_.casefold() in _SOURCE_NOUNS:
                continue  # "UN estimates put ...": a source, not an owner
            if child.dep_ in ("nsubj", "nsubjpass"):
                for candidate in (child, *_possessors(child)):
                    found = [e for e in antecedents.resolve_phrase(candidate)
                             if e.type in _SUBJECT_TYPES]
                    if found:
                        owners.extend(e for e in found if e not in owners)
                        break
        if len(owners) > 1:
            return None  # "X and Y have 9,000 fighters": several groups' total
        if owners:
            return owners[0]
    if head.pos_ not in ("VERB", "AUX"):
        # No verb parsed ("The ADF number 1,200 fighters" read as a noun phrase): the
        # one owner named before the figure in its sentence.
        named = antecedents.in_span(noun.sent.start_char, noun.idx, _SUBJECT_TYPES)
        return named[0] if len(named) == 1 else None
    return None


def _governing(verb: Token) -> list[Token]:
    """A verb and, while it has no subject of its own, the verbs it complements: "JNIM
    is estimated to have 2,000 fighters" → have, estimated."""
    chain = [verb]
    while not any(c.dep_ in ("nsubj", "nsubjpass") for c in chain[-1].children) \
            and chain[-1].dep_ in ("xcomp", "ccomp", "conj") and len(chain) < 3:
        chain.append(chain[-1].head)
    return chain


def _linked_owner(noun: Token, verb: Token, antecedents: Antecedents,
                  lexicons: Lexicons) -> Entity | None:
    """"1,500 fighters belong to X", "militants loyal to X": the group a linking word
    (``owner_links`` in the vocabulary) ties the counted noun to."""
    if noun.dep_ not in ("nsubj", "nsubjpass") or noun.head.i != verb.i:
        return None
    for link in (verb, *verb.children):
        preposition = lexicons.owner_links.get(link.lemma_.casefold())
        if preposition is None:
            continue
        for prep in link.children:
            if prep.dep_ == "prep" and prep.lower_ == preposition:
                for obj in prep.children:
                    found = [e for e in antecedents.resolve_phrase(obj) if e.type in _SUBJECT_TYPES]
                    if obj.dep_ == "pobj" and found:
                        return found[0]
    return None


def _of_objects(token: Token) -> list[Token]:
    """"the strength of X": X."""
    return [obj for prep in token.children if prep.dep_ == "prep" and prep.lower_ == "of"
            for obj in prep.children if obj.dep_ == "pobj"]


def _as_of(sent: Span, noun: Token) -> str | None:
    """The date a figure is tied to: one opening its sentence ("As of June 2020, …")
    or right after the counted noun ("fighters in 2022"); not any year nearby."""
    for ent in sent.ents:
        if ent.label_ != "DATE":
            continue
        if ent.start == sent.start or ent.start - sent.start <= 3 \
                or 0 <= ent.start - noun.i <= 3:
            found = year_month_in(ent)
            if found:
                return found
    return None


def _is_not_count(doc: Doc, start: int) -> bool:
    """True when the figure is part of a date ("in May 2021") or of a name ("the
    March 23 Movement"), not a count."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    return span is not None and span[0].ent_type_ not in ("", "CARDINAL", "QUANTITY")


def _is_change(doc: Doc, start: int) -> bool:
    """True when "from" opens the figures: "rose from 3,000 to 7,000" is a change,
    not a range."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    return span is not None and span.start > 0 and doc[span.start - 1].lower_ == "from"


def _distributive(doc: Doc, start: int) -> bool:
    """True when "each" (or "apiece") governs the figure: it counts each unit."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None:
        return False
    window = doc[max(span.sent.start, span.start - 3):span.start]
    return any(t.lower_ in ("each", "apiece", "per") for t in window)


def _possessors(token: Token) -> list[Token]:
    """Children that own the phrase: "its", "the group’s" (the parser's label for
    the latter varies, the possessive marker does not)."""
    return [c for c in token.children
            if c.dep_ == "poss" or any(g.dep_ == "case" and g.lower_ in ("'s", "’s")
                                       for g in c.children)]


def _place(sent: Span, subject: Entity, antecedents: Antecedents) -> str | None:
    places = [e for e in antecedents.in_span(sent.start_char, sent.end_char, ("place", "state"))
              if e.id != subject.id]
    return places[0].id if len(places) == 1 else None


def _attributed_to(sent: Span, antecedents: Antecedents, lexicons: Lexicons) -> str | None:
    for tok in sent:
        if tok.pos_ == "VERB" and tok.lemma_.casefold() in lexicons.reporting_verbs:
            for child in tok.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    sub = list(child.subtree)
                    named = antecedents.in_span(sub[0].idx, sub[-1].idx + len(sub[-1]),
                                                ("person", "organization", "state",
                                                 "armed_group"))
                    if named:
                        return named[0].id
    return None

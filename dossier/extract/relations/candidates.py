"""Candidate pairs: every pair of entities a text links closely enough that a
relation between them could be stated, with the span that links them.

The learned relation layer judges each candidate; the rules vote as features.
A candidate comes from one of three links:

* ``sentence`` — both entities are named in one sentence;
* ``reference`` — one of them is named and the other stands there as a pronoun,
  a possessive or a definite description ("the group", "its fighters"),
  resolved by :class:`~dossier.extract.antecedents.Antecedents`;
* ``nearby`` — each is named in one of two sentences at most
  :data:`NEARBY_SENTENCES` apart;
* ``focus`` — the document's focus group (named in the headline, else the armed
  group named most) with a place or state named where no other armed group is.

Only ordered pairs whose types fit some predicate of ``schema.json`` are kept.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from dossier import schema
from dossier.extract.antecedents import Antecedents
from dossier.extract.sentences import sentences
from dossier.model import Entity


NEARBY_SENTENCES = 3
"""How many following sentences a ``nearby`` link reaches."""


@dataclass(frozen=True)
class Occurrence:
    """An entity standing at ``[start, end)``: named there, or referred to."""

    entity: Entity
    start: int
    end: int
    named: bool


@dataclass(frozen=True)
class Candidate:
    """An ordered pair of entities and what links them in the text."""

    subject: Entity
    object: Entity
    subject_at: tuple[int, int]
    object_at: tuple[int, int]
    evidence: tuple[int, int]
    link: str  # "sentence", "reference" or "focus"


def occurrences(sent: Span, antecedents: Antecedents) -> list[Occurrence]:
    """Entities standing in a sentence, named or referred to, in text order."""
    found = [Occurrence(antecedents.by_id[ent_id], s, e, True)
             for s, e, ent_id in antecedents.mentions
             if sent.start_char <= s and e <= sent.end_char]
    named_spans = [(o.start, o.end) for o in found]
    pronouns, descriptions = antecedents.lexicons.pronouns, antecedents.lexicons.descriptions
    for token in sent:
        if any(s <= token.idx < e for s, e in named_spans):
            continue
        if token.lower_ in pronouns or token.lemma_.casefold() in descriptions:
            entity = antecedents.resolve(token)
        else:  # "Russian President Vladimir Putin": the state by its adjective
            entity = antecedents.state_by_demonym(token)
        if entity is not None:
            found.append(Occurrence(entity, token.idx, token.idx + len(token), False))
    return sorted(found, key=lambda o: o.start)


def candidates(doc: Doc, antecedents: Antecedents) -> list[Candidate]:
    """Every candidate pair of one document: an ordered pair once for each
    sentence that names or refers to both (a tie is often stated in only one of
    them); a pair no sentence holds both of, once, by its closest other link."""
    fits = schema.load().fitting
    in_sentence: dict[tuple[str, str, tuple[int, int]], Candidate] = {}
    best: dict[tuple[str, str], Candidate] = {}

    def make(a: Occurrence, b: Occurrence, evidence: tuple[int, int], link: str
             ) -> Candidate | None:
        if a.entity.id == b.entity.id or not fits(a.entity.type, b.entity.type):
            return None
        return Candidate(a.entity, b.entity, (a.start, a.end), (b.start, b.end), evidence, link)

    def offer(candidate: Candidate | None) -> None:
        if candidate is None:
            return
        key = (candidate.subject.id, candidate.object.id)
        known = best.get(key)
        if known is None or _closer(candidate, known):
            best[key] = candidate

    groups_by_sentence = []
    for sent in sentences(doc):
        found = occurrences(sent, antecedents)
        span = (sent.start_char, sent.end_char)
        for a in found:
            for b in found:
                candidate = make(a, b, span, "sentence" if a.named and b.named else "reference")
                if candidate is None:
                    continue
                key = (a.entity.id, b.entity.id, span)
                known = in_sentence.get(key)
                if known is None or _closer(candidate, known):
                    in_sentence[key] = candidate
        groups_by_sentence.append((span, found))
    together = {(a, b) for a, b, _ in in_sentence}
    for i, (first, here) in enumerate(groups_by_sentence):
        for second, there in groups_by_sentence[i + 1:i + 1 + NEARBY_SENTENCES]:
            for a in here:
                for b in there:
                    offer(make(a, b, (first[0], second[1]), "nearby"))
                    offer(make(b, a, (first[0], second[1]), "nearby"))

    focus = _focus_group(doc, antecedents)
    if focus is not None:
        for span, found in groups_by_sentence:
            if any(o.entity.type == "armed_group" and o.entity.id != focus.id for o in found):
                continue
            here = Occurrence(focus, span[0], span[0], False)
            for o in found:
                if o.entity.type in ("place", "state"):
                    offer(make(here, o, span, "focus"))
    apart = [c for key, c in best.items() if key not in together]
    return sorted([*in_sentence.values(), *apart],
                  key=lambda c: (c.evidence, c.subject_at, c.object_at))


_LINK_RANK = {"sentence": 0, "reference": 1, "nearby": 2, "focus": 3}


def _closer(new: Candidate, old: Candidate) -> bool:
    """Prefer a named link to a referred one, then the nearer pair of mentions."""
    if _LINK_RANK[new.link] != _LINK_RANK[old.link]:
        return _LINK_RANK[new.link] < _LINK_RANK[old.link]
    return _gap(new) < _gap(old)


def _gap(c: Candidate) -> int:
    return max(c.subject_at[0], c.object_at[0]) - min(c.subject_at[1], c.object_at[1])


def _focus_group(doc: Doc, antecedents: Antecedents) -> Entity | None:
    """The armed group the document is about: named in its first line, else the
    one named most (None when there is none)."""
    groups = [e for e in antecedents.by_id.values() if e.type == "armed_group"]
    if not groups:
        return None
    text = doc.text
    headline_end = text.find("\n")
    headline_end = len(text) if headline_end < 0 else headline_end
    in_headline = [e for e in groups if any(s < headline_end for s, _ in e.mentions)]
    pool = in_headline or groups
    return max(pool, key=lambda e: (len(e.mentions), -e.mentions[0][0]))


__all__ = ["Candidate", "Occurrence", "candidates", "occurrences"]

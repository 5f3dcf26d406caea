"""What the relation model sees of a candidate pair.

Sparse features (strings, hashed into a fixed number of columns so the model
has a fixed size): the two entity types, the link, the distance, the words
between and around the two mentions (lemmas, alone and with the types), the
dependency path between them, cue-lexicon hits (``vocab/relations.yaml``),
hedges, what the rules found for the pair the other way round and what they tie
each side to elsewhere. Dense features: the spaCy model's contextual token vectors
(``doc.tensor``, the tok2vec output) averaged over the subject, the object and
the words between.
"""
from __future__ import annotations

import numpy as np
from spacy.tokens import Doc, Span, Token

from dossier import schema
from dossier.extract.relations.candidates import Candidate
from dossier.model import Relation
from dossier.vocabulary import Lexicons

MAX_BETWEEN = 40
"""Tokens between the mentions beyond which the words between are not listed."""
WINDOW = 3
"""Tokens read before the first mention and after the last."""


def dense_size(doc: Doc) -> int:
    width = doc.tensor.shape[1] if doc.tensor is not None and doc.tensor.size else 0
    return 3 * width


_CUES: dict[int, dict[str, frozenset[str]]] = {}


def _cue_index(lexicons: Lexicons) -> dict[str, frozenset[str]]:
    """Cue word (lemma) → the predicates it cues (built once per vocabulary)."""
    if id(lexicons) in _CUES:
        return _CUES[id(lexicons)]
    index: dict[str, set[str]] = {}
    for predicate, kinds in lexicons.relations.items():
        for words in kinds.values():
            for entry in words:
                for word in entry.casefold().lstrip("-").replace("-", " ").split():
                    index.setdefault(word, set()).add(predicate)
    _CUES[id(lexicons)] = {k: frozenset(v) for k, v in index.items()}
    return _CUES[id(lexicons)]


def _span(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _bucket(n: int) -> str:
    for limit in (0, 1, 2, 3, 5, 8, 12, 20, 40):
        if n <= limit:
            return str(limit)
    return "more"


def sparse(candidate: Candidate, doc: Doc, lexicons: Lexicons,
           votes: dict[tuple[str, str], set[str]]) -> list[str]:
    """The sparse features of one candidate, as strings."""
    subject = _span(doc, *candidate.subject_at)
    obj = _span(doc, *candidate.object_at)
    types = f"{candidate.subject.type}>{candidate.object.type}"
    out = [f"types={types}", f"link={candidate.link}", f"link={candidate.link}|{types}"]
    # The model is trained only on pairs the rules leave open (``learned.left_open``),
    # so what they found the other way round is all of their vote it can weigh.
    for predicate in votes.get((candidate.object.id, candidate.subject.id), ()):
        out.append(f"rule_reversed={predicate}")
    if subject is None or obj is None:
        return out
    first, last = (subject, obj) if subject.start <= obj.start else (obj, subject)
    out.append("order=subject_first" if first is subject else "order=object_first")
    gap = max(0, last.start - first.end)
    out += [f"gap={_bucket(gap)}", f"gap={_bucket(gap)}|{types}"]
    cues = _cue_index(lexicons)
    hedges = lexicons.hedges
    between = doc[first.end:last.start] if gap <= MAX_BETWEEN else doc[first.end:first.end]
    for token in between:
        if token.is_punct and token.text not in (",", "(", "—", "–", "-"):
            continue
        lemma = token.lemma_.casefold()
        out += [f"between={lemma}", f"between={lemma}|{types}"]
        for predicate in cues.get(lemma, ()):
            out += [f"cue={predicate}", f"cue={predicate}|{types}"]
        if lemma in hedges:
            out.append("hedge_between")
    for token in doc[max(first.sent.start, first.start - WINDOW):first.start]:
        lemma = token.lemma_.casefold()
        out += [f"before={lemma}", f"before={lemma}|{types}"]
        for predicate in cues.get(lemma, ()):
            out.append(f"cue_before={predicate}|{types}")
    for token in doc[last.end:min(last.sent.end, last.end + WINDOW)]:
        lemma = token.lemma_.casefold()
        out += [f"after={lemma}", f"after={lemma}|{types}"]
        for predicate in cues.get(lemma, ()):
            out.append(f"cue_after={predicate}|{types}")
    out += [f"subject_dep={subject.root.dep_}|{types}", f"object_dep={obj.root.dep_}|{types}"]
    if first.sent == last.sent:
        path = _path(first.root, last.root)
        if path:
            out += [f"path={path}", f"path={path}|{types}"]
            for step in path.split(" "):
                out.append(f"step={step}|{types}")
        for lemma in _governors(first.root, last.root):
            out.append(f"governor={lemma}|{types}")
            for predicate in cues.get(lemma, ()):
                out += [f"cue_governor={predicate}", f"cue_governor={predicate}|{types}"]
    else:
        out.append(f"sentences_apart|{types}")
    return out


GOVERNORS = 3
"""Heads read above the lowest common head of the two mentions."""


def _governors(a: Token, b: Token) -> list[str]:
    """Lemmas of the lowest head the two mentions share and of the heads above it:
    "clashes between X and Y" is governed by "clash", "a coalition battling X" by
    "battle"."""
    up_b = {b, *b.ancestors}
    common = next((t for t in (a, *a.ancestors) if t in up_b), None)
    out = []
    while common is not None and len(out) < GOVERNORS:
        out.append(common.lemma_.casefold())
        common = common.head if common.head is not common else None
    return out


def _path(a: Token, b: Token) -> str:
    """The dependency path from ``a`` up to the common head and down to ``b``:
    labels, with the lemma of each head passed ("nsubj< fight >dobj")."""
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    common = next((t for t in up_a if t in up_b), None)
    if common is None:
        return ""
    left = up_a[:up_a.index(common)]
    right = up_b[:up_b.index(common)]
    if len(left) + len(right) > 8:
        return "long"
    steps = [f"{t.dep_}<" for t in left] + [common.lemma_.casefold()] + \
        [f">{t.dep_}" for t in reversed(right)]
    return " ".join(steps)


def dense(candidate: Candidate, doc: Doc) -> np.ndarray:
    """Mean contextual vectors of the subject, the object and the words between."""
    width = dense_size(doc) // 3
    out = np.zeros(3 * width, dtype=np.float32)
    if not width:
        return out
    subject = _span(doc, *candidate.subject_at)
    obj = _span(doc, *candidate.object_at)
    for k, span in enumerate((subject, obj)):
        if span is not None and len(span):
            out[k * width:(k + 1) * width] = doc.tensor[span.start:span.end].mean(axis=0)
    if subject is not None and obj is not None:
        first, last = (subject, obj) if subject.start <= obj.start else (obj, subject)
        if first.end < last.start and last.start - first.end <= MAX_BETWEEN:
            out[2 * width:] = doc.tensor[first.end:last.start].mean(axis=0)
    return out


def tied_elsewhere(candidate: Candidate, relations: list[Relation]) -> list[str]:
    """What the rules make each side of the pair to some third entity: a person
    the rules make an analyst at one body is seldom a member of another."""
    types = f"{candidate.subject.type}>{candidate.object.type}"
    pair = {candidate.subject.id, candidate.object.id}
    out = set()
    for r in relations:
        if {r.subject, r.object} & pair and not {r.subject, r.object} >= pair:
            for side, entity in (("subject", candidate.subject), ("object", candidate.object)):
                if r.subject == entity.id:
                    out.add(f"{side}_ruled={r.predicate}|{types}")
                elif r.object == entity.id:
                    out.add(f"{side}_ruled_by={r.predicate}|{types}")
    return sorted(out)


def rule_votes(relations: list[Relation]) -> dict[tuple[str, str], set[str]]:
    """(subject id, object id) → predicates the rules found (symmetric ones both ways)."""
    symmetric = schema.load().symmetric
    votes: dict[tuple[str, str], set[str]] = {}
    for r in relations:
        votes.setdefault((r.subject, r.object), set()).add(r.predicate)
        if r.predicate in symmetric:
            votes.setdefault((r.object, r.subject), set()).add(r.predicate)
    return votes

"""The learned relation layer: a linear model (:mod:`dossier.extract.linear`) over
candidate pairs.

The model (``dossier/models/relations.npz``, built by ``dossier train``; see
``dossier/models/RELATIONS.md``) scores each candidate pair for every predicate
and for "none". A pair becomes a relation when its best predicate scores at
least the model's threshold and the types fit the predicate; the rules'
relations are kept as they are (they are the model's features too). Inference
needs numpy only; it is deterministic.
"""
from __future__ import annotations

import numpy as np
from spacy.tokens import Doc

from dossier import schema
from dossier.extract.antecedents import Antecedents
from dossier.extract.relations.candidates import Candidate, candidates
from dossier.extract.relations.context import hedged, since
from dossier.extract.linear import LinearModel, packaged
from dossier.extract.relations.features import dense, rule_votes, sparse, tied_elsewhere
from dossier.model import Relation
from dossier.vocabulary import Lexicons

MODEL_NAME = "relations.npz"
NONE = "none"
FAR_THRESHOLD = 0.7
"""The least probability at which a pair not named together in one sentence (linked
across sentences, ``nearby`` and ``focus``, or through a pronoun or description,
``reference``) becomes a relation. Cross-validated: below it pairs across sentences
add almost no recall (0.446 → 0.448) and cost precision (0.614 → 0.606); of the
model's reference-linked relations under it, 3 in 21 were right (F1 0.5674 → 0.5679
with them held to it)."""
FAR_LINKS = frozenset({"nearby", "focus", "reference"})
CONTRARY = {"allied_with": ("adversary_of",), "adversary_of": ("allied_with",),
            "leader_of": ("member_of", "works_for"), "member_of": ("leader_of", "works_for"),
            "works_for": ("leader_of", "member_of"),
            "affiliate_of": ("splinter_of",), "splinter_of": ("affiliate_of",)}
"""Predicates that exclude each other for one pair (EXTRACTION_SCHEMA.md's reading:
allies are no enemies, a leader is no mere member): the model adds none to a pair
the rules tie by another, and of its own contrary readings keeps the likeliest."""


ROLES = frozenset({"leader_of", "member_of", "works_for"})
"""A person's roles. The model adds none to a person the rules give a role in the
document, and of its own role readings for one person keeps the likeliest: out of
fold on dev/ + train/, 1 in 16 of the others was right ("US envoy X, who met the
Taliban" read as a member)."""


def shipped() -> LinearModel | None:
    """The relation model shipped in the package, or None when there is none."""
    return packaged(MODEL_NAME)


def left_open(found: list[Candidate], rule_relations: list[Relation]) -> list[bool]:
    """Whether the rules leave each candidate's pair open (they tie it neither this
    way round nor, for a symmetric tie, the other). The model is trained on these
    alone and adds relations to these alone (:func:`as_relations`): the rules'
    relations stand as they are. It still scores every candidate, so that its
    reading of a pair the rules tied weighs against its weaker readings of the same
    person's role or of the same pair the other way. Cross-validated relations F1:
    trained on every candidate 0.5665; on the open ones 0.5691, higher at every
    threshold from 0.2 to 0.5; on the open ones and scoring only those, 0.5674."""
    votes = rule_votes(rule_relations)
    return [(c.subject.id, c.object.id) not in votes for c in found]


def featurize(doc: Doc, found: list[Candidate], lexicons: Lexicons,
              rule_relations: list[Relation]) -> list[tuple[list[str], np.ndarray]]:
    votes = rule_votes(rule_relations)
    return [(sparse(c, doc, lexicons, votes) + tied_elsewhere(c, rule_relations),
             dense(c, doc)) for c in found]


def decide(model: LinearModel, found: list[Candidate], probabilities: np.ndarray,
           threshold: float | None = None) -> list[tuple[Candidate, str, float]]:
    """The (candidate, predicate, probability) the model asserts: the best
    predicate per candidate above the threshold (:data:`FAR_THRESHOLD` for a pair
    linked only across sentences), types fitting, each pair once."""
    threshold = model.threshold if threshold is None else threshold
    predicates = schema.load().predicates
    best: dict[tuple[str, str, str], tuple[Candidate, str, float]] = {}
    for candidate, row in zip(found, probabilities):
        least = max(threshold, FAR_THRESHOLD) if candidate.link in FAR_LINKS else threshold
        for k in np.argsort(-row):
            name = model.classes[k]
            if name == NONE:
                continue
            if row[k] < least:
                break
            if not predicates[name].fits(candidate.subject.type, candidate.object.type):
                continue
            a, b = candidate.subject.id, candidate.object.id
            key = (min(a, b), name, max(a, b)) if predicates[name].symmetric else (a, name, b)
            if key not in best or best[key][2] < row[k]:
                best[key] = (candidate, name, float(row[k]))
            break
    return list(best.values())


def model_relations(doc: Doc, antecedents: Antecedents, lexicons: Lexicons,
                    rule_relations: list[Relation], model: LinearModel | None = None
                    ) -> list[Relation]:
    """Relations the model adds to the rules' (none when no model is shipped)."""
    model = model or shipped()
    if model is None:
        return []
    found = candidates(doc, antecedents)
    probabilities = model.probabilities(featurize(doc, found, lexicons, rule_relations))
    return as_relations(doc, decide(model, found, probabilities), lexicons, rule_relations,
                        model.name)


def _denied(doc: Doc, candidate: Candidate, predicate: str, lexicons: Lexicons) -> bool:
    """True when a word between the two mentions says the tie is over ("X, a former
    member of Y") or is none ("the IS-inspired X": ``not_ties``): the rules' override,
    which the model learns too seldom."""
    cues = lexicons.relations.get(predicate, {})
    ended = set(cues.get("ended", ())) | set(cues.get("not_ties", ()))
    if not ended:
        return False
    start = min(candidate.subject_at[1], candidate.object_at[1])
    end = max(candidate.subject_at[0], candidate.object_at[0])
    between = doc.char_span(start, end, alignment_mode="expand") if start < end else None
    return between is not None and any(t.lower_.rstrip("-") in ended for t in between)


def as_relations(doc: Doc, decided: list[tuple[Candidate, str, float]], lexicons: Lexicons,
                 rule_relations: list[Relation], by: str) -> list[Relation]:
    """Decisions as record relations, on pairs the rules leave open (:func:`left_open`)."""
    symmetric = schema.load().symmetric
    tied = rule_votes(rule_relations)
    known = {(r.subject, r.predicate, r.object) for r in rule_relations}
    known |= {(r.object, r.predicate, r.subject) for r in rule_relations
              if r.predicate in symmetric}
    likeliest: dict[tuple[frozenset[str], str], float] = {}
    backwards: dict[tuple[str, str, str], float] = {}
    with_role = {r.subject for r in rule_relations if r.predicate in ROLES}
    likeliest_role: dict[str, float] = {}
    for candidate, predicate, probability in decided:
        if predicate in ROLES:
            person = candidate.subject.id
            likeliest_role[person] = max(likeliest_role.get(person, 0.0), probability)
        pair = frozenset((candidate.subject.id, candidate.object.id))
        for other in CONTRARY.get(predicate, ()):
            key = (pair, other)
            likeliest[key] = max(likeliest.get(key, 0.0), probability)
        if predicate not in symmetric:
            key = (candidate.object.id, predicate, candidate.subject.id)
            backwards[key] = max(backwards.get(key, 0.0), probability)
    out = []
    for candidate, predicate, probability in decided:
        a, b = candidate.subject.id, candidate.object.id
        if (a, b) in tied or _denied(doc, candidate, predicate, lexicons):
            continue  # the rules have read this pair; or the tie is over
        if likeliest.get((frozenset((a, b)), predicate), 0.0) > probability:
            continue  # a contrary reading of the same pair is likelier
        if predicate in ROLES and (a in with_role or likeliest_role[a] > probability):
            continue  # the person's role is read already, or likelier elsewhere
        if backwards.get((a, predicate, b), 0.0) > probability or (b, predicate, a) in known:
            continue  # the same tie the other way round is likelier, or the rules' reading
        if predicate in CONTRARY and any(
                (x, other, y) in known for other in CONTRARY[predicate]
                for x, y in ((a, b), (b, a))):
            continue  # the rules read the pair the other way: allies are no enemies
        if predicate in symmetric and b < a:
            a, b = b, a
        span = doc.char_span(*candidate.evidence, alignment_mode="expand")
        out.append(Relation(a, predicate, b, candidate.evidence,
                            since(span) if span is not None else None, round(probability, 3),
                            hedged(span, lexicons) if span is not None else False, by=by))
    return out

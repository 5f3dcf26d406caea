"""The learned type check: a linear model (:mod:`dossier.extract.linear`) that reads
each entity the rules grouped, all its mentions together, and says what it is —
one of the entity types, or "spurious" (a fragment, a headline word, a common noun
read as a name).

The rules type an entity from the spaCy model's labels and the shapes in
``vocab/shapes.yaml``; on articles they were not written from they read persons as
places, provinces as persons, ships as persons. The model sees every mention's
words around it, the labels the spaCy model gave its tokens, the name's own words
and shape, and the rules' type, and is trained on the annotated texts
(``dossier train``; ``dossier/models/ENTITY_TYPES.md``). An entity the gazetteer
matched is never changed. Where the model's best answer differs from the rules'
and reaches its threshold, the entity is retyped, or dropped when the answer is
"spurious"; the rules' armed groups are kept as they are, and no entity is made a state.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Doc

from dossier.extract.linear import LinearModel, Row, packaged, sparse_row
from dossier.model import Entity

MODEL_NAME = "entity_types.npz"
SPURIOUS = "spurious"
SPURIOUS_THRESHOLD = 0.6
"""The least probability of "spurious" at which an entity is left out. Measured out of
fold on dev/ + train/ (``ENTITY_TYPES.md``): at the types' threshold (0.35) typed F1
gains 0.007 more, but the entities left out include real ones the annotations name,
and the relation candidate ceiling falls from 0.855 to 0.84; from 0.6 up, it holds."""
_MAX_MENTIONS = 6


def shipped() -> LinearModel | None:
    """The type model shipped in the package, or None when there is none."""
    return packaged(MODEL_NAME)


KEPT_TYPES = ("armed_group",)
"""Types the model never takes away: out of fold on dev/ + train/ it retyped one of the
rules' armed groups outside the gazetteer, wrongly; and groups the gazetteer does not
know are what articles from other regions hold most."""
NEVER_GIVEN = ("state",)
"""Types the model never gives: out of fold, its place → state changes were right 5
times and wrong 6 (states come from the gazetteer)."""


def checkable(entity: Entity) -> bool:
    """Whether the model may judge an entity: not one the gazetteer matched, nor one
    of the :data:`KEPT_TYPES`."""
    return entity.kb_id is None and entity.type not in KEPT_TYPES


def features(doc: Doc, entity: Entity, others: Sequence[Entity] = ()) -> Row:
    """What the type model sees of one entity; ``others``, the document's entities,
    give the types of the names it is coordinated with ("in Toulouse and nearby
    Montauban": two places)."""
    kind = entity.type
    spans = [(start, end, e.type) for e in others if e.id != entity.id
             for start, end in e.mentions]
    words = entity.name.split() or [""]
    out = [f"type={kind}", f"words={min(len(words), 5)}|type={kind}",
           f"first={words[0].casefold()}", f"last={words[-1].casefold()}",
           f"acronym={entity.name.isupper() and len(entity.name) <= 6}|type={kind}",
           f"digit={any(c.isdigit() for c in entity.name)}",
           f"mentions={min(len(entity.mentions), _MAX_MENTIONS)}|type={kind}",
           f"aliases={min(len(entity.aliases), 4)}"]
    out += [f"word={w.casefold()}" for w in words]
    first_break = doc.text.find("\n")
    labels: set[str] = set()
    for start, end in entity.mentions:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        labels |= {t.ent_type_ for t in span if t.ent_type_}
        if span.start > 0:
            before = doc[span.start - 1]
            out += [f"before={before.lower_}", f"before_pos={before.pos_}|type={kind}"]
        if span.end < len(doc):
            after = doc[span.end]
            out += [f"after={after.lower_}", f"after_pos={after.pos_}"]
        out += [f"dep={span.root.dep_}|type={kind}", f"head={span.root.head.lemma_.casefold()}"]
        root = span.root
        for partner in root.conjuncts:
            for other in {t for a, b, t in spans if a <= partner.idx < b}:
                out += [f"conj_type={other}", f"conj_type={other}|type={kind}"]
        out += _list_head(root)
        if span.start == span.sent.start:
            out.append("sentence_start")
        if 0 <= start < first_break:  # a text of one line has no headline
            out.append("headline")
    for label in sorted(labels):
        out += [f"label={label}", f"label={label}|type={kind}"]
    return sparse_row(out)


def _list_head(root) -> list[str]:
    """What governs the coordination a mention stands in, read from its first
    conjunct: "the villages of Kaya, Dori and Djibo" gives each of the three
    ``list_of=village``, whatever the parser made of the names after the first."""
    first = root
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    if first.i == root.i and not root.conjuncts:
        return []
    gov = first.head
    out = [f"list_dep={first.dep_}"]
    if gov.pos_ == "ADP":
        out += [f"list_prep={gov.lower_}", f"list_of={gov.head.lemma_.casefold()}"]
    else:
        out.append(f"list_of={gov.lemma_.casefold()}")
    return out


def corrected(doc: Doc, entities: list[Entity], model: LinearModel | None = None,
              threshold: float | None = None, drop_at: float = SPURIOUS_THRESHOLD
              ) -> list[Entity]:
    """The entities with the model's corrections: retyped where its best type reaches
    ``threshold`` (the model's own by default), left out where "spurious" reaches
    ``drop_at``."""
    model = model or shipped()
    if model is None:
        return entities
    threshold = model.threshold if threshold is None else threshold
    judged = [e for e in entities if checkable(e)]
    verdicts = dict(zip((e.id for e in judged),
                        decide(model, model.probabilities([features(doc, e, entities) for e in judged]),
                               threshold, drop_at)))
    out = []
    for entity in entities:
        verdict = verdicts.get(entity.id, entity.type)
        if verdict == SPURIOUS:
            continue
        out.append(entity if verdict in (entity.type, None) else replace(entity, type=verdict))
    return out


def decide(model: LinearModel, probabilities, threshold: float, drop_at: float
           ) -> list[str | None]:
    """Per entity, the model's answer where it reaches its threshold, else None."""
    out: list[str | None] = []
    for row in probabilities:
        best = int(row.argmax())
        name = model.classes[best]
        least = drop_at if name == SPURIOUS else threshold
        out.append(name if row[best] >= least and name not in NEVER_GIVEN else None)
    return out

"""Document + cleaned text + processed Doc → :class:`~dossier.model.Record`.

``extract`` and ``extract_many`` are the whole read path that ``dossier
extract`` and ``dossier ingest`` share: clean, run the pipeline, group the
mentions into entities, and assemble the record of EXTRACTION_SCHEMA.md.
They touch no store.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Doc

from dossier import nlp as nlp_module
from dossier import vocabulary
from dossier.clean import clean
from dossier.errors import InputError
from dossier.ingest.dates import estimated_date
from dossier.extract.antecedents import Antecedents
from dossier.extract.claims import strength_claims
from dossier.extract.entity_typing import corrected
from dossier.extract.events import events
from dossier.extract.quotes import quotes
from dossier.extract.relations import relations
from dossier.extract.relations.learned import model_relations
from dossier.extract.reference import entities as group_entities
from dossier.extract.sentences import doc_text, sentences
from dossier.model import CleanText, Document, Entity, Record


def entities_of(doc: Doc, checked: bool = True) -> list[Entity]:
    """The entities of a processed Doc: the rules' grouping of its mentions, with the
    shipped type model's corrections unless ``checked`` is off (training the type
    model, which reads the rules' entities)."""
    ents = group_entities(doc._.mentions, vocabulary.load().shapes, doc_text(doc))
    return corrected(doc, ents) if checked else ents


def resolver(doc: Doc, ents: list[Entity]) -> Antecedents:
    """The reference resolver over a document's entities."""
    vocab = vocabulary.load()
    return Antecedents(doc, ents, vocab.lexicons, vocab.demonym_index())


def record(document: Document, cleaned: CleanText, doc: Doc, learned: bool = True,
           entities: list[Entity] | None = None) -> Record:
    """Assemble the record of one document from its processed Doc.

    learned: add the shipped relation model's relations to the rules' (off when
        training, where the rules alone are the baseline and the model's features).
    entities: the document's entities when already found (training passes entities
        corrected by a type model that never saw the document); by default
        :func:`entities_of`.
    """
    vocab = vocabulary.load()
    ents = entities_of(doc) if entities is None else entities
    antecedents = resolver(doc, ents)
    found_quotes = tuple(quotes(doc, antecedents, vocab.lexicons))
    claims = tuple(strength_claims(doc, antecedents, vocab.lexicons))
    dated = tuple(events(doc, antecedents, vocab.lexicons, document.published))
    rule_relations = relations(doc, antecedents, vocab.lexicons, vocab.shapes)
    found_relations = tuple(rule_relations)
    if learned:
        found_relations += tuple(model_relations(doc, antecedents, vocab.lexicons,
                                                 rule_relations))
    meta = {
        "id": document.id,
        "title": document.title,
        "published": document.published,
        "source": document.source,
    }
    spans = tuple((s.start_char, s.end_char) for s in sentences(doc))
    return Record(document=meta, text=cleaned.text, entities=tuple(ents), relations=found_relations,
                  quotes=found_quotes,
                  claims=claims, events=dated, sentences=spans,
                  estimated_published=None if document.published
                  else estimated_date(cleaned.text))


def prepare(document: Document) -> CleanText:
    """Clean a document's text; raise InputError naming its source when unreadable."""
    source = document.label
    cleaned = clean(document.body if document.body is not None else document.raw, source)
    limit = nlp_module.max_chars()
    if len(cleaned.text) > limit:
        raise InputError(source, f"text too long: {len(cleaned.text):,} characters "
                                 f"(limit {limit:,}, see pipeline.cfg [limits])")
    return cleaned


def extract(document: Document) -> tuple[CleanText, Record]:
    """Run the whole read path on one document."""
    cleaned = prepare(document)
    doc = nlp_module.load()(cleaned.text)
    return cleaned, record(document, cleaned, doc)


def extract_many(items: Iterable[tuple[Document, CleanText]], batch_size: int = 16
                 ) -> Iterator[tuple[Document, CleanText, Record]]:
    """Extract many already-cleaned documents (see :func:`prepare`) with ``nlp.pipe``."""
    nlp = nlp_module.load()
    pairs = list(items)
    docs = nlp.pipe((cleaned.text for _, cleaned in pairs), batch_size=batch_size)
    for (document, cleaned), doc in zip(pairs, docs):
        yield document, cleaned, record(document, cleaned, doc)

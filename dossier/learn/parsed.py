"""Annotated documents run through the pipeline once, for every learning step."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc

from dossier import nlp as nlp_module
from dossier.assemble import entities_of, prepare, record
from dossier.extract.antecedents import Antecedents
from dossier.learn.corpus import Annotated
from dossier.model import Entity, Record


@dataclass
class Parsed:
    """An annotated document with its parse, entities and record by the rules alone."""

    item: Annotated
    doc: Doc
    record: Record
    entities: list[Entity]
    antecedents: Antecedents


def parse_all(items: Iterable[Annotated]) -> Iterator[Parsed]:
    """Each annotated document parsed and extracted by the current rules."""
    items = list(items)
    cleaned = [prepare(item.document) for item in items]
    docs = nlp_module.load().pipe((c.text for c in cleaned), batch_size=16)
    for item, clean_text, doc in zip(items, cleaned, docs):
        ents, antecedents = entities_of(doc)
        rules_only = record(item.document, clean_text, doc, learned=False)
        yield Parsed(item, doc, rules_only, ents, antecedents)

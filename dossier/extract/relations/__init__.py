"""Relations between entities (EXTRACTION_SCHEMA.md, "Relation predicates").

Rules over the dependency parse and the entity layer; every cue word comes from
``vocab/relations.yaml``. Each rule yields (subject, predicate, object) with the
sentence as evidence; duplicates collapse (symmetric predicates once).

* **Role frames** — a role noun tying a holder to a body: "Colin P. Clarke,
  analyst at the Soufan Group" (works_for), "Observatory head Rami Abdel Rahman",
  "Syrian President Bashar al-Assad" (leader_of), "a Taliban commander" or "X,
  a spokesman for Y" (member_of), "X, an affiliate of Y" (affiliate_of), "the
  dissidents of X" (splinter_of). The predicate follows the noun and the
  body's type: leader nouns give leader_of; an armed group gives member_of;
  any other organisation works_for.
* **Hyphenated cues** — "a New York-based firm" (based_in), "the Turkish-backed
  National Liberation Front" (allied_with), "ISIS-affiliated" (affiliate_of).
* **Verb frames** — subjects and objects of cue verbs: "pledged allegiance to"
  (affiliate_of), "fought / attacked / clashed with" (adversary_of), "operate
  as a triumvirate", "work together" (allied_with among coordinated subjects);
  "against X" marks adversaries of the clause's subject.
* **Location** — an armed group and a place or state governed by a locative
  preposition in the same clause: "ISIS-K in Afghanistan", "fighters remain in
  Iraq and Syria", "Idlib is held by HTS" (operates_in).

``hedged`` is set when the sentence carries a hedge (``vocab/hedges.txt``) outside
quotation marks.
"""
from __future__ import annotations

from spacy.tokens import Doc

from dossier.extract.antecedents import Antecedents
from dossier.extract.relations.context import RelationContext, hedged
from dossier.extract.relations.names import led_hostilities, name_lineage
from dossier.extract.relations.places import hyphen_cues, locations
from dossier.extract.relations.roles import (affiliations, joining, led_by, people_of,
                                             pledges, role_frames)
from dossier.extract.relations.ties import verb_frames
from dossier.extract.sentences import sentences
from dossier.model import Relation
from dossier.vocabulary import Lexicons, Shapes


def relations(doc: Doc, antecedents: Antecedents, lexicons: Lexicons,
              shapes: Shapes) -> list[Relation]:
    """All relations of one document; see the module docstring."""
    ctx = RelationContext(doc, antecedents, lexicons, shapes)
    for sent in sentences(doc):
        role_frames(ctx, sent)
        people_of(ctx, sent)
        hyphen_cues(ctx, sent)
        verb_frames(ctx, sent)
        locations(ctx, sent)
        affiliations(ctx, sent)
        led_by(ctx, sent)
        pledges(ctx, sent)
        joining(ctx, sent)
    name_lineage(ctx, doc)
    led_hostilities(ctx, doc)
    return list(ctx.found.values())


__all__ = ["relations", "hedged"]

"""Ties stated by names themselves: a branch named after its parent ("ISIS-K",
"IS East Asia Province"), a splinter after its origin ("FARC dissidents"), a
coalition after the state that leads it ("the French-led coalition")."""
from __future__ import annotations

import re

from spacy.tokens import Doc

from dossier.extract.relations.context import RelationContext
from dossier.extract.sentences import sentences
from dossier.model import Entity
from dossier.vocabulary import name_key

_LED = re.compile(r"^(?:the\s+)?(.+?)-led\b", re.I)
"""A body's name that says which state leads it ("US-led coalition")."""


def name_lineage(rel: RelationContext, doc: Doc) -> None:
    """A group named after another: "ISIS-K" and "IS East Asia Province" are
    branches of ISIS / IS; "FARC dissidents" broke away from the FARC. The
    evidence is the sentence where the branch is first named."""
    groups = [e for e in rel.ants.by_id.values() if e.type == "armed_group"]
    splinter_words = set(rel.cue("splinter_of", "nouns"))
    spans = sentences(doc)
    for branch in groups:
        branch_keys = [name_key(a).split() for a in (branch.name, *branch.aliases)]
        for parent in groups:
            if parent.id == branch.id:
                continue
            for pk in {tuple(name_key(a).split()) for a in (parent.name, *parent.aliases)}:
                extra = next((bk[len(pk):] for bk in branch_keys
                              if len(bk) > len(pk) and tuple(bk[:len(pk)]) == pk), None)
                if not pk or extra is None:
                    continue
                first = branch.mentions[0][0]
                sent = next((sp for sp in spans if sp.start_char <= first < sp.end_char), None)
                if sent is None:
                    continue
                predicate = "splinter_of" if set(extra) & splinter_words else "affiliate_of"
                rel.add(branch, predicate, parent, sent, "role")
                break


def led_hostilities(rel: RelationContext, doc: Doc) -> None:
    """"the French-led coalition against X": the state that leads a body named after
    it shares the body's enemies (same evidence)."""
    for key, relation in list(rel.found.items()):
        if key[1] != "adversary_of":
            continue
        sides = (rel.ants.by_id[key[0]], rel.ants.by_id[key[2]])
        sent = doc.char_span(*relation.evidence, alignment_mode="expand")
        for body, enemy in (sides, sides[::-1]):
            leader = _leading_state(rel, body)
            if leader is not None and sent is not None:
                rel.add(leader, "adversary_of", enemy, sent, "hyphen")


def _leading_state(rel: RelationContext, body: Entity) -> Entity | None:
    """The state of this document a body's name says leads it ("US-led", "Saudi-led")."""
    if body.type not in ("organization", "armed_group"):
        return None
    for name in (body.name, *body.aliases):
        match = _LED.match(name)
        if match is None:
            continue
        key = name_key(match.group(1))
        kb_id = rel.ants.demonyms.get(key)
        for state in (e for e in rel.ants.by_id.values() if e.type == "state"):
            if (kb_id and state.kb_id == kb_id) or key in {name_key(a) for a in
                                                           (state.name, *state.aliases)}:
                return state
    return None

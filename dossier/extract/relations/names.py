"""Ties stated by names themselves: a branch named after its parent ("ISIS-K",
"IS East Asia Province"), a splinter after its origin ("FARC dissidents")."""
from __future__ import annotations

from spacy.tokens import Doc

from dossier.extract.relations.context import RelationContext
from dossier.extract.sentences import sentences
from dossier.vocabulary import name_key

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

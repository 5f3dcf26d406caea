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

import re

from spacy.tokens import Doc, Span, Token

from dossier.extract.antecedents import Antecedents
from dossier.extract.sentences import sentences
from dossier.model import Entity
from dossier.vocabulary import Lexicons, name_key

SYMMETRIC = {"allied_with", "adversary_of"}
GROUPS = ("armed_group",)
ACTORS = ("armed_group", "organization", "state")
PLACES = ("place", "state")
CONFIDENCE = {"role": 0.8, "hyphen": 0.8, "verb": 0.7, "location": 0.6}
_ROLE_PREPS = ("of", "at", "for", "with", "in", "from")


class _Relations:
    def __init__(self, doc: Doc, antecedents: Antecedents, lexicons: Lexicons,
                 demonyms: dict[str, str]):
        self.doc = doc
        self.ants = antecedents
        self.cues = lexicons.relations
        self.lexicons = lexicons
        self.demonyms = demonyms
        self.found: dict[tuple[str, str, str], dict] = {}
        self.location_preps = set(self.cue("operates_in", "prepositions"))

    # -- helpers -----------------------------------------------------------
    def cue(self, predicate: str, kind: str) -> tuple[str, ...]:
        return self.cues.get(predicate, {}).get(kind, ())

    def add(self, subject: Entity | None, predicate: str, obj: Entity | None, sent: Span,
            rule: str) -> None:
        if subject is None or obj is None or subject.id == obj.id:
            return
        key = (subject.id, predicate, obj.id)
        if predicate in SYMMETRIC:
            key = (min(subject.id, obj.id), predicate, max(subject.id, obj.id))
            subject, obj = (subject, obj) if subject.id == key[0] else (obj, subject)
        if key in self.found:
            return
        self.found[key] = {
            "subject": subject.id, "predicate": predicate, "object": obj.id,
            "since": None, "evidence": [sent.start_char, sent.end_char],
            "confidence": CONFIDENCE[rule], "hedged": hedged(sent, self.lexicons)}

    def entity(self, token: Token, types: tuple[str, ...]) -> Entity | None:
        ent = self.ants.resolve(token)
        if ent is None:
            ent = self._demonym_state(token)
        return ent if ent is not None and ent.type in types else None

    def entities(self, token: Token, types: tuple[str, ...]) -> list[Entity]:
        found = [e for e in self.ants.resolve_phrase(token) if e.type in types]
        if not found:
            state = self._demonym_state(token)
            if state is not None and state.type in types:
                found = [state]
        return found

    def _demonym_state(self, token: Token) -> Entity | None:
        """"Syrian", "Turkish" → the state entity of this document, if it has one."""
        state_id = self.demonyms.get(name_key(token.text))
        if state_id is None or not token.text[:1].isupper():
            return None
        return next((e for e in self.ants.by_id.values() if e.kb_id == state_id), None)

    # -- rules -------------------------------------------------------------
    def role_frames(self, sent: Span) -> None:
        roles = {p: set(self.cue(p, "nouns")) for p in ("leader_of", "member_of", "works_for",
                                                        "affiliate_of", "splinter_of")}
        all_roles = set().union(*roles.values())
        for noun in sent:
            lemma = noun.lemma_.casefold()
            if noun.pos_ not in ("NOUN", "PROPN") or (lemma not in all_roles
                                                      and noun.lower_ not in all_roles):
                continue
            holders = self._holders(noun)
            bodies = self._bodies(noun)
            for holder in holders:
                for body in bodies:
                    predicate = self._role_predicate(noun, holder, body, roles)
                    if predicate:
                        self.add(holder, predicate, body, sent, "role")

    def _holders(self, noun: Token) -> list[Entity]:
        """Who holds the role: the name the role noun is in apposition with or names."""
        candidates = []
        if noun.dep_ in ("appos", "compound", "attr") or noun.head.dep_ == "appos":
            candidates.append(noun.head)
        candidates.extend(c for c in noun.children if c.dep_ == "appos")
        if noun.dep_ == "attr":  # "X is the leader of Y"
            candidates.extend(c for c in noun.head.children if c.dep_ in ("nsubj", "nsubjpass"))
        out = []
        for tok in candidates:
            for ent in self.entities(tok, ("person", "armed_group")):
                if ent not in out:
                    out.append(ent)
        return out

    def _bodies(self, noun: Token) -> list[Entity]:
        """The body the role is in: "of/at/for X", "X's", or a name before the noun."""
        out: list[Entity] = []
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in _ROLE_PREPS:
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        out.extend(self.entities(pobj, ACTORS))
            elif child.dep_ in ("compound", "poss", "nmod", "amod"):
                ent = self.entity(child, ACTORS)
                if ent is not None:
                    out.append(ent)
        return out

    def _role_predicate(self, noun: Token, holder: Entity, body: Entity,
                        roles: dict[str, set[str]]) -> str | None:
        words = {noun.lemma_.casefold(), noun.lower_}
        if holder.type == "armed_group":
            if body.type == "armed_group" and words & roles["splinter_of"]:
                return "splinter_of"
            if body.type == "armed_group" and words & roles["affiliate_of"]:
                return "affiliate_of"
            return None
        if words & roles["leader_of"]:
            return "leader_of"
        if body.type == "armed_group" and words & roles["member_of"]:
            return "member_of"
        if body.type == "organization" and words & roles["works_for"]:
            return "works_for"
        return None

    def hyphen_cues(self, sent: Span) -> None:
        """"New York-based", "Turkish-backed", "IS-linked"."""
        suffixes = {p: self.cue(p, "suffixes") for p in ("based_in", "allied_with", "affiliate_of")}
        for tok in sent:
            if tok.text != "-" or tok.i + 1 >= len(self.doc):
                continue
            word = "-" + self.doc[tok.i + 1].lower_
            predicate = next((p for p, sfx in suffixes.items() if word in sfx), None)
            if predicate is None or tok.i == 0:
                continue
            before = self.doc[tok.i - 1]
            first = self.entity(before, PLACES if predicate == "based_in" else ACTORS)
            modified = self.doc[tok.i + 1].head
            types = ("organization", "armed_group") if predicate == "based_in" else ACTORS
            target = self.entity(modified, types)
            if target is None and modified.dep_ == "appos":
                target = self.entity(modified.head, types)
            if target is None:
                continue
            self.add(target, predicate, first, sent, "hyphen")
        for tok in sent:
            if tok.lower_ == "based" and any(c.lower_ == "in" for c in tok.children):
                places = [e for c in tok.children if c.lower_ == "in"
                          for p in c.children if p.dep_ == "pobj" for e in self.entities(p, PLACES)]
                subjects = [e for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")
                            for e in self.entities(c, ("organization", "armed_group"))]
                if tok.dep_ in ("acl", "amod"):
                    subjects += self.entities(tok.head, ("organization", "armed_group"))
                for s in subjects:
                    for p in places:
                        self.add(s, "based_in", p, sent, "hyphen")

    def verb_frames(self, sent: Span) -> None:
        allied_verbs = set(self.cue("allied_with", "verbs"))
        allied_nouns = set(self.cue("allied_with", "nouns"))
        allied_phrases = self.cue("allied_with", "phrases")
        adversary_verbs = set(self.cue("adversary_of", "verbs"))
        adversary_nouns = set(self.cue("adversary_of", "nouns"))
        pledge = set(self.cue("affiliate_of", "verbs"))
        lowered = sent.text.casefold()
        for verb in sent:
            if verb.pos_ not in ("VERB", "AUX"):
                continue
            lemma = verb.lemma_.casefold()
            subjects = [e for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
                        for e in self.entities(c, ACTORS)]
            if not subjects and verb.dep_ in ("acl", "relcl"):
                subjects = self.entities(verb.head, ACTORS)  # "Afghan forces fighting X"
            objects = [e for c in verb.children if c.dep_ in ("dobj",)
                       for e in self.entities(c, ACTORS)]
            preps = {c.lower_: [e for p in c.children if p.dep_ == "pobj"
                                for e in self.entities(p, ACTORS)]
                     for c in verb.children if c.dep_ in ("prep", "agent")}
            if lemma in pledge and ("allegiance" in lowered or "loyalty" in lowered):
                # "pledged allegiance to X": "to" hangs off the verb or off "allegiance".
                targets = preps.get("to", []) + [
                    e for d in verb.children if d.dep_ == "dobj" for p in d.children
                    if p.dep_ == "prep" and p.lower_ == "to"
                    for o in p.children if o.dep_ == "pobj" for e in self.entities(o, ACTORS)]
                for s in subjects:
                    for o in targets:
                        self.add(s, "affiliate_of", o, sent, "verb")
                continue
            if lemma in adversary_verbs:
                for s in subjects:
                    for o in objects + preps.get("with", []) + preps.get("against", []) \
                            + preps.get("on", []):
                        self.add(s, "adversary_of", o, sent, "verb")
                if verb.dep_ == "auxpass" or any(c.dep_ == "nsubjpass" for c in verb.children):
                    for s in subjects:
                        for o in preps.get("by", []):
                            self.add(o, "adversary_of", s, sent, "verb")
            against = preps.get("against", [])
            for s in subjects:
                for o in against:
                    self.add(s, "adversary_of", o, sent, "verb")
            attrs = {c.lemma_.casefold() for c in verb.subtree if c.dep_ in ("pobj", "attr",
                                                                             "dobj")}
            if len(subjects) > 1 and (lemma in allied_verbs or attrs & allied_nouns
                                      or any(p in lowered for p in allied_phrases)):
                for i, a in enumerate(subjects):
                    for b in subjects[i + 1:]:
                        self.add(a, "allied_with", b, sent, "verb")
            if len(subjects) > 1 and attrs & adversary_nouns and lemma in ("be", "remain"):
                for i, a in enumerate(subjects):
                    for b in subjects[i + 1:]:
                        self.add(a, "adversary_of", b, sent, "verb")
        # "closing ranks against adversaries like X": the clause's subjects face X.
        for noun in sent:
            if noun.lemma_.casefold() in ("adversary", "enemy", "rival", "foe") and \
                    noun.head.lower_ == "against":
                verb = noun.head.head
                while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
                    verb = verb.head
                subjects = [e for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
                            for e in self.entities(c, ACTORS)]
                rivals = [e for t in noun.subtree if t.dep_ == "pobj"
                          for e in self.entities(t, ACTORS)]
                for s in subjects:
                    for r in rivals:
                        self.add(s, "adversary_of", r, sent, "verb")

    def locations(self, sent: Span) -> None:
        """Armed groups and the places the sentence puts them in.

        Every armed group the sentence names (or refers to as its subject) goes
        with every place or state that stands as the object of a preposition
        ("in Iraq and Syria", "parts of Syria", "from Syria") or as the subject
        of a passive ("Idlib is held by HTS") in the same sentence.
        """
        groups = self.ants.in_span(sent.start_char, sent.end_char, GROUPS)
        for tok in sent:
            if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ in ("PRON", "NOUN"):
                groups.extend(e for e in self.entities(tok, GROUPS) if e not in groups)
        if not groups:
            return
        places: list[Entity] = []
        for tok in sent:
            head = tok
            while head.dep_ == "conj" and head.head.i != head.i:
                head = head.head
            if head.dep_ == "pobj" and head.head.lower_ in self.location_preps \
                    or head.dep_ == "nsubjpass":
                ent = self.ants.at(tok.idx, tok.idx + len(tok))
                if ent is not None and ent.type in PLACES and ent not in places \
                        and not self._in_hyphen_compound(tok):
                    places.append(ent)
        for g in groups:
            for p in places:
                self.add(g, "operates_in", p, sent, "location")

    def _in_hyphen_compound(self, tok: Token) -> bool:
        """"a New York-based firm": the place names a base, not a battlefield."""
        nxt = tok.i + 1
        return nxt + 1 < len(self.doc) and self.doc[nxt].text == "-"


def hedged(sent: Span, lexicons: Lexicons) -> bool:
    """True when the sentence marks its statement as uncertain, outside quotation marks."""
    text = re.sub(r"“[^”]*”|\"[^\"]*\"", " ", sent.text).casefold()
    words = set(re.findall(r"[\w’']+", text))
    for cue in lexicons.hedges:
        if (" " in cue and cue in text) or cue in words:
            return True
    return False


def relations(doc: Doc, antecedents: Antecedents, lexicons: Lexicons,
              demonyms: dict[str, str]) -> list[dict]:
    """All relations of one document; see the module docstring."""
    rel = _Relations(doc, antecedents, lexicons, demonyms)
    for sent in sentences(doc):
        rel.role_frames(sent)
        rel.hyphen_cues(sent)
        rel.verb_frames(sent)
        rel.locations(sent)
    return list(rel.found.values())


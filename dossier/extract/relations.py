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
from dossier.extract.dates import normalize_date
from dossier.extract.quotes import quote_spans
from dossier.extract.reference import head_noun
from dossier.extract.sentences import doc_text, sentences
from dossier.model import Entity
from dossier.vocabulary import Lexicons, Shapes, name_key

SYMMETRIC = {"allied_with", "adversary_of"}
GROUPS = ("armed_group",)
ACTORS = ("armed_group", "organization", "state")
PLACES = ("place", "state")
CONFIDENCE = {"role": 0.8, "hyphen": 0.8, "verb": 0.7, "location": 0.6}
_ROLE_PREPS = ("of", "at", "for", "with", "in", "from")
_MAX_CLIMB = 6
_HEDGE_REACH = 10  # tokens around the two names in which a hedge counts


class _Relations:
    def __init__(self, doc: Doc, antecedents: Antecedents, lexicons: Lexicons,
                 demonyms: dict[str, str], shapes: Shapes):
        self.doc = doc
        self.shapes = shapes
        self.ants = antecedents
        self.cues = lexicons.relations
        self.lexicons = lexicons
        self.demonyms = demonyms
        self.found: dict[tuple[str, str, str], dict] = {}
        self.nested: set[str] = set()
        self.quotes = quote_spans(doc_text(doc))
        self.location_preps = set(self.cue("operates_in", "prepositions"))

    # -- helpers -----------------------------------------------------------
    def cue(self, predicate: str, kind: str) -> tuple[str, ...]:
        return self.cues.get(predicate, {}).get(kind, ())

    def add(self, subject: Entity | None, predicate: str, obj: Entity | None, sent: Span,
            rule: str) -> None:
        if subject is None or obj is None or subject.id == obj.id:
            return
        if predicate in SYMMETRIC and _part_of(subject, obj):
            return  # "the US State Department" does not fight or ally with the US
        if self._across_quote(sent, subject, obj):
            return  # a name in a speaker's words and one in the reporter's
        key = (subject.id, predicate, obj.id)
        if predicate in SYMMETRIC:
            key = (min(subject.id, obj.id), predicate, max(subject.id, obj.id))
            subject, obj = (subject, obj) if subject.id == key[0] else (obj, subject)
        if key in self.found or (obj.id, predicate, subject.id) in self.found:
            return  # one direction only: a branch is not its parent's branch too
        self.found[key] = {
            "subject": subject.id, "predicate": predicate, "object": obj.id,
            "since": since(sent), "evidence": [sent.start_char, sent.end_char],
            "confidence": CONFIDENCE[rule],
            "hedged": hedged(self._hedge_window(sent, subject, obj), self.lexicons)}

    def _across_quote(self, sent: Span, subject: Entity, obj: Entity) -> bool:
        """True when, in this sentence, one entity is named only inside quotation
        marks and the other only outside them."""
        def inside(ent: Entity) -> set[bool]:
            return {any(q.start <= s < q.end for q in self.quotes)
                    for s, _ in ent.mentions if sent.start_char <= s < sent.end_char}
        a, b = inside(subject), inside(obj)
        return len(a) == 1 and len(b) == 1 and a != b

    def _hedge_window(self, sent: Span, subject: Entity, obj: Entity) -> Span:
        """The words a hedge must stand in to touch this relation: from a little
        before the first of its two names in the sentence to just after the last."""
        offsets = [s for ent in (subject, obj) for s, _ in ent.mentions
                   if sent.start_char <= s < sent.end_char]
        if not offsets:
            return sent
        first = self.doc.char_span(min(offsets), min(offsets) + 1, alignment_mode="expand")
        last = self.doc.char_span(max(offsets), max(offsets) + 1, alignment_mode="expand")
        start = max(sent.start, first.start - _HEDGE_REACH)
        end = min(sent.end, last.end + _HEDGE_REACH)
        return self.doc[start:end] if end > start else sent

    def entity(self, token: Token, types: tuple[str, ...]) -> Entity | None:
        ent = self.ants.resolve(token)
        if ent is None:
            ent = self._demonym_state(token) or self._by_head_noun(token)
        return ent if ent is not None and ent.type in types else None

    def _by_head_noun(self, token: Token) -> Entity | None:
        """"Observatory head X": a capitalised word that is the head of exactly one
        organisation's name in the document."""
        if not token.text[:1].isupper():
            return None
        found = [e for e in self.ants.by_id.values()
                 if e.type in ("organization", "armed_group")
                 and head_noun(e.name.split(), self.shapes) == token.text]
        return found[0] if len(found) == 1 else None

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
        if noun.dep_ == "pobj" and noun.head.lower_ == "as":  # "X worked as a member of Y"
            verb = self._clause_verb(noun.head)
            if verb is not None:
                return self.clause_subjects(verb, ("person",))
        out = []
        for tok in candidates:
            for ent in self.entities(tok, ("person", "armed_group")):
                if ent not in out:
                    out.append(ent)
        return out

    def _bodies(self, noun: Token) -> list[Entity]:
        """The body the role is in: "of/at/for X", "X's", or a name before the noun;
        one step deeper for "chief of the press office of X"."""
        out: list[Entity] = []
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in _ROLE_PREPS:
                for pobj in child.children:
                    if pobj.dep_ != "pobj":
                        continue
                    found = self.entities(pobj, ACTORS)
                    if not found:
                        found = [e for p in pobj.children if p.dep_ == "prep"
                                 and p.lower_ == "of" for o in p.children if o.dep_ == "pobj"
                                 for e in self.entities(o, ACTORS)]
                    if self.ants.at(pobj.idx, pobj.idx + len(pobj)) is None:
                        # "chief of the press office of X": X is one step away.
                        self.nested.update(e.id for e in found)
                    out.extend(found)
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
        nested = body.id in self.nested
        if words & roles["leader_of"] and not nested:
            return "leader_of"
        if body.type == "organization" and not nested and words & set(self.cue(
                "leader_of", "organization_nouns")):
            return "leader_of"  # "6th Infantry Division commander X"
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
            # "the Center for Strategic and International Studies in Washington"
            org = self.ants.at(tok.idx, tok.idx + len(tok))
            if org is not None and org.type == "organization" and tok.dep_ != "compound":
                for p in tok.children:
                    if p.dep_ == "prep" and p.lower_ == "in":
                        for o in p.children:
                            if o.dep_ == "pobj":
                                for place in self.entities(o, ("place",)):
                                    self.add(org, "based_in", place, sent, "hyphen")
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

    def clause_subjects(self, verb: Token, types: tuple[str, ...] = ACTORS) -> list[Entity]:
        """Who does what ``verb`` says: its subjects; for a relative or participle
        clause the noun it modifies ("the AFP which defeated ...", "Afghan forces
        fighting ..."); for a subjectless complement, the governing verb's subjects
        ("went to war ... to oust the Taliban")."""
        if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "acl") and verb.i > 0:
            # "advise Afghan forces fighting the Taliban": the participle right after
            # an object describes that object, whatever head the parser gave it.
            before = self.doc[verb.i - 1]
            if before.dep_ in ("dobj", "pobj") and before.pos_ in ("NOUN", "PROPN"):
                found = self.entities(before, types)
                if found:
                    return found
        for v in self._verb_chain(verb):
            subjects = []
            for c in v.children:
                if c.dep_ not in ("nsubj", "nsubjpass"):
                    continue
                if c.lower_ in ("which", "who", "that") and v.dep_ == "relcl":
                    subjects.extend(self.entities(v.head, types))
                else:
                    subjects.extend(self.entities(c, types))
            if not subjects and v.dep_ in ("acl", "relcl"):
                subjects = self.entities(v.head, types)
            if subjects:
                return subjects
        return []

    def _speaking_for(self, verb: Token) -> list[Entity]:
        """The clause's subjects, a spokesperson standing for the body named in
        apposition ("Arvin Encinas, spokesperson for the 6th Infantry Division,
        blamed ...")."""
        out = []
        for child in verb.children:
            if child.dep_ not in ("nsubj", "nsubjpass"):
                continue
            bodies = [e for a in child.children if a.dep_ == "appos"
                      for e in self._bodies(a) if e.type in ACTORS]
            out.extend(bodies or self.entities(child, ACTORS))
        return out or self.clause_subjects(verb)

    def clause_objects(self, verb: Token, types: tuple[str, ...] = ACTORS) -> list[Entity]:
        """Direct objects of a verb and of the verbs it governs ("fighting to overthrow X")."""
        out = []
        for v in (verb, *[c for c in verb.children if c.dep_ in ("xcomp", "conj")
                          and c.pos_ == "VERB"]):
            out.extend(e for c in v.children if c.dep_ == "dobj"
                       for e in self.entities(c, types))
        return out

    def verb_frames(self, sent: Span) -> None:
        allied_verbs = set(self.cue("allied_with", "verbs"))
        allied_nouns = set(self.cue("allied_with", "nouns"))
        allied_phrases = self.cue("allied_with", "phrases")
        adversary_verbs = set(self.cue("adversary_of", "verbs"))
        adversary_nouns = set(self.cue("adversary_of", "nouns"))
        pledge = set(self.cue("affiliate_of", "verbs"))
        transitive_allied = set(self.cue("allied_with", "transitive_verbs"))
        leader_verbs = set(self.cue("leader_of", "verbs")) - {"found"}
        splinter_verbs = set(self.cue("splinter_of", "verbs"))
        lowered = sent.text.casefold()
        for verb in sent:
            if verb.pos_ not in ("VERB", "AUX"):
                continue
            lemma = verb.lemma_.casefold()
            direct = [e for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
                      for e in self.entities(c, ACTORS)]
            preps = {c.lower_: [e for p in c.children if p.dep_ == "pobj"
                                for e in self.entities(p, ACTORS)]
                     for c in verb.children if c.dep_ in ("prep", "agent")}
            if lemma in adversary_verbs:
                passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
                if passive:  # "was crushed by X": X is the attacker
                    for s in direct:
                        for o in preps.get("by", []):
                            self.add(o, "adversary_of", s, sent, "verb")
                else:
                    # "blamed the attack on the BIFF": "on" may hang off the object.
                    on_object = [e for d in verb.children if d.dep_ == "dobj"
                                 for p in d.children if p.dep_ == "prep" and p.lower_ == "on"
                                 for t in p.children if t.dep_ == "pobj"
                                 for e in self.entities(t, ACTORS)]
                    targets = self.clause_objects(verb) + preps.get("with", []) \
                        + preps.get("on", []) + on_object
                    for s in self._speaking_for(verb):
                        for o in targets:
                            self.add(s, "adversary_of", o, sent, "verb")
                            if s.type == "armed_group" and o.type == "state":
                                # fighting a state's government is fighting in it
                                self.add(s, "operates_in", o, sent, "location")
            passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
                verb.tag_ == "VBN" and verb.dep_ in ("acl", "relcl")
                and any(c.dep_ == "agent" for c in verb.children))
            if lemma in transitive_allied and passive:
                # "The Houthis, backed by Iran": the agent backs the subject.
                for s in self.clause_subjects(verb):
                    for o in preps.get("by", []):
                        self.add(s, "allied_with", o, sent, "verb")
            if lemma in leader_verbs and not passive:
                # "Ayman al-Zawahiri, who heads al-Qaeda"
                for s in self.clause_subjects(verb, ("person",)):
                    for o in self.clause_objects(verb):
                        self.add(s, "leader_of", o, sent, "verb")
            if lemma in splinter_verbs:
                # "The Pakistani Taliban split from the Afghan Taliban"
                for s in self.clause_subjects(verb, GROUPS):
                    for o in preps.get("from", []) + preps.get("away", []):
                        if o.type == "armed_group":
                            self.add(s, "splinter_of", o, sent, "verb")
            for s in self.clause_subjects(verb) if preps.get("alongside") else ():
                for o in preps["alongside"]:  # "fought alongside the Syrian army"
                    self.add(s, "allied_with", o, sent, "verb")
            if lemma in transitive_allied and not passive:
                # "Saudi Arabia and Pakistan financed X", "combined with X"
                objects = self.clause_objects(verb, ACTORS + ("person",)) + preps.get("with", [])
                for s in self.clause_subjects(verb):
                    for o in objects:
                        self.add(s, "allied_with", o, sent, "verb")
            attrs = {c.lemma_.casefold() for c in verb.subtree if c.dep_ in ("pobj", "attr",
                                                                             "dobj")}
            if len(direct) > 1 and (lemma in allied_verbs or attrs & allied_nouns
                                    or any(p in lowered for p in allied_phrases)):
                for i, a in enumerate(direct):
                    for b in direct[i + 1:]:
                        self.add(a, "allied_with", b, sent, "verb")
            if len(direct) > 1 and attrs & adversary_nouns and lemma in ("be", "remain"):
                for i, a in enumerate(direct):
                    for b in direct[i + 1:]:
                        self.add(a, "adversary_of", b, sent, "verb")
        self.against(sent)
        self.noun_frames(sent, adversary_nouns, ("with", "against", "on"), "adversary_of")
        self.noun_frames(sent, set(self.cue("allied_with", "support_nouns")), ("to", "for"),
                         "allied_with")
        # "Sweden ... as part of the US-led coalition"
        self.noun_frames(sent, set(self.cue("allied_with", "membership_nouns")), ("of",),
                         "allied_with")
        self.pledges(sent, pledge)

    def pledges(self, sent: Span, verbs: set[str]) -> None:
        """"X pledged allegiance to Y": a group becomes Y's affiliate, a person its
        member. Read off the words, which the parser often gets wrong here."""
        forms = "|".join(sorted({f"{v}\\w*" for v in verbs} | {"swore", "sworn"}))
        for match in re.finditer(rf"\b(?:{forms})\s+(?:its\s+|their\s+|his\s+)?"
                                 r"(?:allegiance|loyalty|fealty)\s+to\b", sent.text, re.I):
            start = sent.start_char + match.start()
            end = sent.start_char + match.end()
            after = self.ants.in_span(end, min(sent.end_char, end + 80), ACTORS)
            before = self.ants.in_span(sent.start_char, start, ("armed_group", "person"))
            child = before[0] if before else self.ants.before(start, ("armed_group",))
            if not after or child is None:
                continue
            predicate = "member_of" if child.type == "person" else "affiliate_of"
            self.add(child, predicate, after[0], sent, "verb")

    def affiliations(self, sent: Span) -> None:
        """"an FTO affiliated with al-Qaeda", "a group linked to IS"."""
        for tok in sent:
            if tok.lower_ in ("aligned", "backed", "linked", "allied") and tok.i > 0 \
                    and self.doc[tok.i - 1].text != "-":
                # "the Al-Qaeda aligned Shabaab group" (the hyphen left out)
                patron = self.entity(self.doc[tok.i - 1], ACTORS)
                client = self.entities(tok.head, ACTORS) if tok.dep_ in ("amod", "acl") else []
                for c in client:
                    self.add(c, "allied_with", patron, sent, "hyphen")
            if tok.lower_ not in ("affiliated", "aligned") or tok.i + 1 >= len(self.doc):
                continue
            targets = [e for p in tok.children if p.lower_ in ("with", "to")
                       for o in p.children if o.dep_ == "pobj" for e in self.entities(o, ACTORS)]
            holder = tok.head
            while holder.dep_ == "appos" and holder.head.i != holder.i \
                    and not self.entities(holder, GROUPS):
                holder = holder.head
            holders = self.entities(holder, GROUPS) or self.clause_subjects(tok, GROUPS)
            predicate = "affiliate_of" if tok.lower_ == "affiliated" else "allied_with"
            for h in holders:
                for t in targets:
                    self.add(h, predicate, t, sent, "verb")

    def led_by(self, sent: Span) -> None:
        """"The faction led by X", "under the leadership of X": X leads the group."""
        for tok in sent:
            if tok.lemma_.casefold() == "lead" and tok.pos_ == "VERB":
                leaders = [e for c in tok.children if c.dep_ == "agent"
                           for p in c.children if p.dep_ == "pobj"
                           for e in self.entities(p, ("person",))]
                if not leaders:
                    continue
                led = self.clause_subjects(tok)  # "the faction led by X", "which is led by X"
                for leader in leaders:
                    for group in led:
                        self.add(leader, "leader_of", group, sent, "role")
            elif tok.lower_ == "leadership" and tok.head.lower_ == "under":
                leaders = [e for p in tok.children if p.lower_ == "of"
                           for o in p.children if o.dep_ == "pobj"
                           for t in o.subtree for e in self.entities(t, ("person",))]
                verb = self._clause_verb(tok.head)
                groups = self.clause_subjects(verb, GROUPS) if verb is not None else []
                for leader in dict.fromkeys(leaders):
                    for group in groups:
                        self.add(leader, "leader_of", group, sent, "role")

    def _clause_verb(self, token: Token) -> Token | None:
        node = token
        for _ in range(_MAX_CLIMB):
            if node.pos_ in ("VERB", "AUX"):
                return node
            if node.head.i == node.i:
                return None
            node = node.head
        return None

    @staticmethod
    def _owned_by_clause(noun: Token) -> bool:
        """True when the clause's subject is the one doing what ``noun`` names:
        "launched attacks on X", "X is in talks with Y", "stepped up the tempo of
        strikes"; not "in the wake of the attacks on X"."""
        if noun.dep_ in ("dobj", "nsubj", "attr"):
            return True
        if noun.dep_ != "pobj":
            return False
        prep = noun.head
        if prep.head.lemma_ == "be" and prep.head.pos_ == "AUX":
            return True  # "is in talks with"
        return prep.lower_ == "of" and prep.head.dep_ == "dobj"

    def against(self, sent: Span) -> None:
        """"launch military action against HTS", "closing ranks against adversaries
        like ISIS-K": the clause's subjects against the named ones."""
        for prep in sent:
            if prep.lower_ != "against" or prep.dep_ != "prep":
                continue
            verb = self._clause_verb(prep.head)
            if verb is None:
                continue
            targets = []
            for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                found = self.entities(pobj, ACTORS)
                if not found:  # "adversaries like X", "rivals such as X"
                    found = [e for p in pobj.children if p.lower_ in ("like", "including", "as")
                             for t in p.children if t.dep_ == "pobj"
                             for e in self.entities(t, ACTORS)]
                targets.extend(found)
            for s in self.clause_subjects(verb):
                for o in targets:
                    self.add(s, "adversary_of", o, sent, "verb")

    def noun_frames(self, sent: Span, nouns: set[str], preps: tuple[str, ...],
                    predicate: str) -> None:
        """"peace talks with the government", "a Turkish offensive on Afrin",
        "technical support to the MILF": the noun's owner (a modifier, else the
        clause's subject) and the object of its preposition."""
        for noun in sent:
            if noun.pos_ != "NOUN" or noun.lemma_.casefold() not in nouns:
                continue
            # The preposition hangs off the noun, or off the verb that gives it
            # ("providing support to the AFP").
            holders = [noun] + ([noun.head] if noun.dep_ == "dobj" else [])
            targets = [e for h in holders for p in h.children
                       if p.dep_ in ("prep", "dative") and p.lower_ in preps
                       for t in p.children if t.dep_ == "pobj"
                       for e in self.entities(t, ACTORS)]
            owners = [e for c in noun.children if c.dep_ in ("compound", "amod", "poss", "nmod")
                      for e in self.entities(c, ACTORS)]
            # "attacks by Somali forces"
            owners += [e for p in noun.children if p.dep_ == "prep" and p.lower_ == "by"
                       for t in p.children if t.dep_ == "pobj" for e in self.entities(t, ACTORS)]
            if not owners and self._owned_by_clause(noun):
                # "launched attacks on X", "held talks with X"; not "in the wake of
                # the attacks on X", where the clause's subject did not attack.
                verb = self._clause_verb(noun)
                owners = self.clause_subjects(verb) if verb is not None else []
            if not targets and predicate == "adversary_of" and owners and all(
                    o.type != "armed_group" for o in owners) and noun.lemma_.casefold() in \
                    set(self.cue("adversary_of", "strike_nouns")):
                # "US airstrikes wreaked havoc": strikes by a state hit the group in focus.
                focus = self.ants.before(noun.idx, ("armed_group",))
                targets = [focus] if focus is not None else []
            for s in owners:
                for o in targets:
                    self.add(s, predicate, o, sent, "verb")

    def locations(self, sent: Span) -> None:
        """Armed groups and the places their clause puts them in.

        From a place or state that is the object of a locative preposition ("in
        Iraq and Syria", "parts of Syria", "from Syria"), climb through the noun
        phrases it sits in: a noun on the way that stands for an armed group owns
        the place ("ISIS-K in Afghanistan", "ISIS affiliates like the Sahel");
        else the first verb's subjects and objects do, climbing through
        subjectless verbs ("to try to control trafficking in the departments of
        Arauca" → the group that tries). A place that is the subject of a passive
        ("Idlib is held by HTS") goes to the agent.
        """
        for tok in sent:
            head = tok
            # "in Iraq and Syria", "in the Idlib region": climb to the preposition's object.
            while head.dep_ in ("conj", "compound", "nmod") and head.head.i != head.i:
                head = head.head
            if not (head.dep_ == "pobj" and head.head.lower_ in self.location_preps):
                continue
            if head.head.lower_ == "from" and head.head.head.pos_ in ("NOUN", "PROPN"):
                continue  # "troops from Uganda": where people come from, not a front
            place = self.ants.at(tok.idx, tok.idx + len(tok))
            if place is None or place.type not in PLACES or self._in_hyphen_compound(tok):
                continue
            for group in self._owners(head.head):
                self.add(group, "operates_in", place, sent, "location")
        holding = set(self.cue("operates_in", "holding_verbs"))
        for verb in sent:
            if verb.pos_ != "VERB":
                continue
            if verb.lemma_.casefold() in holding and not any(
                    c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
                # "The NLF, which holds half of the Idlib region"
                held = [e for c in verb.children if c.dep_ == "dobj"
                        for e in self.ants.in_span(c.left_edge.idx,
                                                   c.right_edge.idx + len(c.right_edge), PLACES)]
                for g in self.clause_subjects(verb, GROUPS):
                    for p in held:
                        self.add(g, "operates_in", p, sent, "location")
            places = [e for c in verb.children if c.dep_ == "nsubjpass"
                      for e in self.entities(c, PLACES)]
            # "Mogadishu is hit by attacks carried out by the Shabaab": any agent below.
            holders = [e for c in verb.children if c.dep_ == "agent"
                       for t in c.subtree if t.dep_ == "pobj" and t.head.dep_ == "agent"
                       for e in self.entities(t, GROUPS)]
            for g in holders:
                for p in places:
                    self.add(g, "operates_in", p, sent, "location")

    def _owners(self, prep: Token) -> list[Entity]:
        """The armed groups a locative phrase belongs to; see :meth:`locations`."""
        node = prep.head
        for _ in range(_MAX_CLIMB):
            if node.pos_ in ("NOUN", "PROPN", "PRON"):
                # "both ASG and the Mautes at Marawi": the whole coordination.
                first = node
                while first.dep_ == "conj" and first.head.i != first.i:
                    first = first.head
                own = [e for e in self.ants.resolve_phrase(first) if e.type in GROUPS]
                if own:
                    return own
                if node.dep_ in ("pobj",) and node.head.pos_ == "ADP":
                    node = node.head.head
                    continue
                node = node.head
                continue
            if node.pos_ in ("VERB", "AUX"):
                for verb in self._verb_chain(node):
                    found = [e for c in verb.children
                             if c.dep_ in ("nsubj", "nsubjpass", "dobj", "agent")
                             for e in (self.entities(c, GROUPS) if c.dep_ != "agent" else
                                       [x for p in c.children if p.dep_ == "pobj"
                                        for x in self.entities(p, GROUPS)])]
                    if found:
                        return found
                # "went to war in Afghanistan to oust the Taliban": the group the
                # clause's purpose is aimed at.
                aimed = [e for c in node.children if c.dep_ in ("advcl", "xcomp")
                         for d in c.children if d.dep_ == "dobj"
                         for e in self.entities(d, GROUPS)]
                if aimed:
                    return aimed
                # The parser lost the subject ("IS proclaimed ..." read as "is"):
                # the armed group named first in the clause before the verb.
                before = [e for e in self.ants.in_span(node.sent.start_char, node.idx, GROUPS)]
                return before[:1]
            node = node.head
        return []

    @staticmethod
    def _verb_chain(verb: Token) -> list[Token]:
        """A verb and the verbs it is the complement or conjunct of ("try to control")."""
        chain = [verb]
        while verb.dep_ in ("xcomp", "conj", "advcl", "ccomp", "acl", "relcl", "pcomp") \
                and verb.head.i != verb.i and len(chain) < _MAX_CLIMB + 2:
            verb = verb.head
            if verb.dep_ == "prep":
                verb = verb.head
            chain.append(verb)
        return chain

    def _in_hyphen_compound(self, tok: Token) -> bool:
        """"a New York-based firm": the place names a base, not a battlefield."""
        nxt = tok.i + 1
        return nxt + 1 < len(self.doc) and self.doc[nxt].text == "-"


def _part_of(a: Entity, b: Entity) -> bool:
    """True when one entity's name opens with the other's: a body of a state or
    group ("US State Department" / "US"), not a party to a tie with it."""
    keys_a = {tuple(name_key(x).split()) for x in (a.name, *a.aliases)}
    keys_b = {tuple(name_key(x).split()) for x in (b.name, *b.aliases)}
    for long_keys, short_keys in ((keys_a, keys_b), (keys_b, keys_a)):
        for long in long_keys:
            for short in short_keys:
                if short and len(long) > len(short) and long[:len(short)] == short:
                    return True
    return False


def name_lineage(rel: "_Relations", doc: Doc) -> None:
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


def since(sent: Span) -> str | None:
    """The start of a tie when the sentence dates it: "since June 2020", "since 2015"."""
    for ent in sent.ents:
        if ent.label_ == "DATE" and ent.start > 0 and sent.doc[ent.start - 1].lower_ == "since":
            found = normalize_date(ent.text)
            if found:
                return found[0]
        if ent.label_ == "DATE" and ent.text.casefold().startswith("since "):
            found = normalize_date(ent.text)
            if found:
                return found[0]
    return None


def hedged(sent: Span, lexicons: Lexicons) -> bool:
    """True when the span marks its statement as uncertain, outside quotation marks."""
    # Quoted words are the speaker's, not the reporter's hedge; a quote may open
    # before this sentence or close after it.
    text = re.sub(r"“[^”]*”|\"[^\"]*\"", " ", sent.text)
    text = re.sub(r"^[^“]*”", " ", text)
    text = re.sub(r"“[^”]*$", " ", text).casefold()
    words = set(re.findall(r"[\w’']+", text))
    for cue in lexicons.hedges:
        if (" " in cue and cue in text) or cue in words:
            return True
    return False


def relations(doc: Doc, antecedents: Antecedents, lexicons: Lexicons,
              demonyms: dict[str, str], shapes: Shapes) -> list[dict]:
    """All relations of one document; see the module docstring."""
    rel = _Relations(doc, antecedents, lexicons, demonyms, shapes)
    for sent in sentences(doc):
        rel.role_frames(sent)
        rel.hyphen_cues(sent)
        rel.verb_frames(sent)
        rel.locations(sent)
        rel.affiliations(sent)
        rel.led_by(sent)
    name_lineage(rel, doc)
    return list(rel.found.values())


"""Shared state and helpers of the relation rules: one :class:`RelationContext`
per document (entities, cue lexicons, relations found, parse helpers), plus the
``since`` and ``hedged`` readings every relation gets."""
from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from dossier import schema
from dossier.extract.antecedents import Antecedents
from dossier.extract.dates import normalize_date
from dossier.extract.quote_marks import quote_spans
from dossier.extract.reference import head_noun
from dossier.extract.sentences import doc_text
from dossier.model import Entity, Relation
from dossier.vocabulary import Lexicons, Shapes, name_key

SYMMETRIC = schema.load().symmetric
GROUPS = ("armed_group",)
ACTORS = ("armed_group", "organization", "state")
PLACES = ("place", "state")
CONFIDENCE = {"role": 0.8, "hyphen": 0.8, "verb": 0.7, "location": 0.6}
ROLE_PREPS = ("of", "at", "for", "with", "in", "from")
MAX_CLIMB = 6
DOER_PREPS = ("of", "for", "from", "with")
"""Prepositions after which a gerund's doer is the verb's object ("accused X of")."""
_HEDGE_REACH = 10  # tokens around the two names in which a hedge counts


class RelationContext:
    """What the relation rules share for one document: entities, cues, the
    relations found so far, and helpers over the parse."""

    def __init__(self, doc: Doc, antecedents: Antecedents, lexicons: Lexicons,
                 shapes: Shapes):
        self.doc = doc
        self.shapes = shapes
        self.ants = antecedents
        self.cues = lexicons.relations
        self.lexicons = lexicons
        self.found: dict[tuple[str, str, str], Relation] = {}
        self.nested: set[str] = set()
        self.quotes = quote_spans(doc_text(doc))
        self.location_preps = set(self.cue("operates_in", "prepositions"))
        self.relational_nouns = {w: predicate for predicate in ("allied_with", "adversary_of")
                                 for w in self.cue(predicate, "relational_nouns")}
        """"ally", "enemy" …: the predicate a noun naming one side by the other states."""

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
        self.found[key] = Relation(
            subject.id, predicate, obj.id, (sent.start_char, sent.end_char), since(sent),
            CONFIDENCE[rule], hedged(self._hedge_window(sent, subject, obj), self.lexicons),
            by=f"rule:{rule}")

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
            # "Syrian" for Syria; "Observatory" for the one body so named
            other = self._demonym_state(token) or self._by_head_noun(token)
            if other is not None and other.type in types:
                found = [other]
        return found

    def _demonym_state(self, token: Token) -> Entity | None:
        return self.ants.state_by_demonym(token)

    # -- rules -------------------------------------------------------------
    def clause_subjects(self, verb: Token, types: tuple[str, ...] = ACTORS) -> list[Entity]:
        """Who does what ``verb`` says: its subjects; for a relative or participle
        clause the noun it modifies ("the AFP which defeated ...", "Afghan forces
        fighting ..."); for a subjectless complement, the governing verb's object
        ("ordered the army to crush X") or else its subjects ("went to war ... to oust
        the Taliban")."""
        if verb.tag_ in ("VBG", "VBN") and verb.dep_ in ("advcl", "acl") and verb.i > 1:
            # "advise Afghan forces fighting the Taliban", "an attack by the Malian army,
            # backed by Russia": the participle right after an object (a past one also
            # after a comma) describes that object, whatever head the parser gave it.
            before = self.doc[verb.i - 1]
            if verb.tag_ == "VBN" and before.text == ",":
                before = self.doc[verb.i - 2]
            if before.dep_ in ("dobj", "pobj") and before.pos_ in ("NOUN", "PROPN"):
                found = self.entities(before, types)
                if found:
                    return found
        for v in self.verb_chain(verb):
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
            if not subjects and v.dep_ == "pcomp":
                subjects = self._object_doers(v, types)
            if not subjects and v.dep_ == "xcomp":
                # "ordered the army to crush X": the governing verb's object does it
                subjects = [e for c in v.head.children if c.dep_ == "dobj"
                            for e in self.entities(c, types)]
            if subjects:
                return subjects
        return []

    def _object_doers(self, verb: Token, types: tuple[str, ...]) -> list[Entity]:
        """"accused Pakistan of giving assistance", "blamed India for arming": a
        gerund after a preposition of a verb with a direct object is what that
        object does."""
        prep = verb.head
        if prep.lower_ not in DOER_PREPS or prep.head.pos_ != "VERB":
            return []
        return [e for c in prep.head.children if c.dep_ == "dobj"
                for e in self.entities(c, types)]

    def clause_objects(self, verb: Token, types: tuple[str, ...] = ACTORS,
                       complements: bool = True) -> list[Entity]:
        """Direct objects of a verb and, with ``complements``, of its complement
        ("fighting to overthrow X"); not of a coordinated verb ("protect X and have
        fought Y")."""
        out = []
        verbs = [verb]
        if complements:
            verbs += [c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
        for v in verbs:
            out.extend(e for c in v.children if c.dep_ == "dobj"
                       for e in self.entities(c, types))
        return out

    def agents(self, verb: Token, types: tuple[str, ...] = ACTORS) -> list[Entity]:
        """Who a passive verb says did it ("was claimed by X")."""
        return [e for c in verb.children if c.dep_ == "agent"
                for p in c.children if p.dep_ == "pobj" for e in self.entities(p, types)]

    def clause_verb(self, token: Token) -> Token | None:
        node = token
        for _ in range(MAX_CLIMB):
            if node.pos_ in ("VERB", "AUX"):
                return node
            if node.head.i == node.i:
                return None
            node = node.head
        return None

    @staticmethod
    def verb_chain(verb: Token) -> list[Token]:
        """A verb and the verbs it is the complement or conjunct of ("try to control")."""
        chain = [verb]
        # Not through "ccomp": the subject of "said" is not the actor of what was said.
        while verb.dep_ in ("xcomp", "conj", "advcl", "acl", "relcl", "pcomp") \
                and verb.head.i != verb.i and len(chain) < MAX_CLIMB + 2:
            verb = verb.head
            if verb.dep_ == "prep":
                verb = verb.head
            chain.append(verb)
        return chain

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

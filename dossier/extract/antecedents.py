"""Which entity a token stands for: a mention, a pronoun, or a definite description.

No coreference model runs offline, so reference is resolved by rules over the
parse and the entity layer (``vocab/reference.yaml``):

* a token inside an entity mention stands for that entity;
* a pronoun ("he", "they", "its") stands for the nearest entity before it whose
  type agrees (``he`` → person; ``they``/``its`` → group, organisation, state);
* a definite description ("the group", "the branch", "the report") stands for the
  nearest entity before it of the types its head noun allows;
* otherwise, nothing: an unresolved token gives no entity rather than a guess.

"Nearest" looks back at most :data:`LOOKBACK_SENTENCES` sentences.
"""
from __future__ import annotations

import bisect
import copy
from collections.abc import Iterable, Iterator, Sequence

from spacy.tokens import Doc, Span, Token

from dossier import vocabulary
from dossier.extract.reference import head_noun
from dossier.model import Entity
from dossier.vocabulary import Lexicons, name_key

LOOKBACK_SENTENCES = 3
ROLE_WINDOW = 5
"""Tokens either side of a person's name where a role word describes them."""
_DETERMINERS = {"the", "this", "that", "these", "those"}


class Antecedents:
    """Resolve tokens of one Doc to the entities of its record."""

    def __init__(self, doc: Doc, entities: Iterable[Entity], lexicons: Lexicons,
                 demonyms: dict[str, str] | None = None):
        self.doc = doc
        self.lexicons = lexicons
        self.demonyms = demonyms or {}
        self.by_id = {e.id: e for e in entities}
        self.mentions = sorted((s, e, ent.id) for ent in self.by_id.values()
                               for s, e in ent.mentions)
        self.starts = [m[0] for m in self.mentions]
        self.lookback = LOOKBACK_SENTENCES

    def reaching(self, sentences: int) -> Antecedents:
        """The same resolver looking back ``sentences`` sentences for the nearest entity."""
        other = copy.copy(self)
        other.lookback = sentences
        return other

    # -- mentions ----------------------------------------------------------
    def at(self, start: int, end: int) -> Entity | None:
        """The entity with a mention overlapping ``[start, end)``."""
        i = bisect.bisect_right(self.starts, end - 1) - 1
        while i >= 0:
            s, e, ent_id = self.mentions[i]
            if e > start:
                return self.by_id[ent_id]
            if s < start - 200:
                break
            i -= 1
        return None

    def mentions_in(self, start: int, end: int) -> Iterator[tuple[int, int, Entity]]:
        """Every mention starting inside ``[start, end)``, in text order."""
        i = bisect.bisect_left(self.starts, start)
        while i < len(self.mentions) and self.mentions[i][0] < end:
            s, e, ent_id = self.mentions[i]
            yield s, e, self.by_id[ent_id]
            i += 1

    def in_span(self, start: int, end: int, types: Iterable[str] | None = None,
                outside: Sequence[tuple[int, int]] = ()) -> list[Entity]:
        """Entities mentioned inside ``[start, end)``, in text order, once each
        (``outside``: spans whose mentions do not count, as in :meth:`before`)."""
        wanted = set(types) if types else None
        seen: dict[str, Entity] = {}
        for s, e, ent in self.mentions_in(start, end):
            if e <= end and (wanted is None or ent.type in wanted) \
                    and not any(a <= s < b for a, b in outside):
                seen.setdefault(ent.id, ent)
        return list(seen.values())

    def before(self, offset: int, types: Iterable[str],
               outside: Sequence[tuple[int, int]] = ()) -> Entity | None:
        """The entity of ``types`` in focus before ``offset``, within reach.

        Focus: the nearest one mentioned as a clause's subject, else the nearest
        one mentioned at all ("… said Hayat Tahrir al-Sham, a former al-Qaeda
        affiliate. It added …": "it" is the group the sentence is about).
        outside: spans whose mentions do not count (quotations, for a speaker:
        a name in someone's words is not who "he" is).
        """
        nearest = None
        for start, end, ent in self._mentions_back(offset, types, self.lookback, outside):
            nearest = nearest or ent
            if self._is_subject(start, end):
                return ent
        return nearest

    def _mentions_back(self, offset: int, types: Iterable[str], sentences: int,
                       outside: Sequence[tuple[int, int]]) -> Iterator[tuple[int, int, Entity]]:
        """Mentions of ``types`` ending by ``offset``, nearest first, back to the start
        of the ``sentences``-th sentence before, outside ``outside``."""
        wanted = set(types)
        limit = self._lookback_start(offset, sentences)
        i = bisect.bisect_left(self.starts, offset) - 1
        while i >= 0 and self.mentions[i][0] >= limit:
            start, end, ent_id = self.mentions[i]
            i -= 1
            ent = self.by_id[ent_id]
            if ent.type in wanted and end <= offset \
                    and not any(s <= start < e for s, e in outside):
                yield start, end, ent

    def most_named_before(self, offset: int, types: Iterable[str]) -> Entity | None:
        """The entity of ``types`` named most often before ``offset`` (the latest
        of those named equally often): the one the story is about so far."""
        wanted = set(types)
        counts: dict[str, tuple[int, int]] = {}
        for start, _, ent_id in self.mentions:
            if start >= offset:
                break
            if self.by_id[ent_id].type in wanted:
                counts[ent_id] = (counts.get(ent_id, (0, 0))[0] + 1, start)
        if not counts:
            return None
        return self.by_id[max(counts, key=lambda i: counts[i])]

    def only_one_before(self, offset: int, types: Iterable[str], sentences: int = 1,
                        outside: Sequence[tuple[int, int]] = ()) -> Entity | None:
        """The one entity of ``types`` mentioned in the sentence holding ``offset`` (up
        to it) or the ``sentences`` before it, outside ``outside``; None when there is
        none or more than one."""
        found = self.in_span(self._lookback_start(offset, sentences), offset, types, outside)
        return found[0] if len(found) == 1 else None

    def speaker_before(self, offset: int, types: Iterable[str], sentences: int = 1,
                       outside: Sequence[tuple[int, int]] = ()) -> Entity | None:
        """The nearest entity of ``types`` that speaks in the sentence holding
        ``offset`` (up to it) or the ``sentences`` before it: the subject of a
        reporting verb ("But Roque said Duterte was unmoved. “…,” he said": Roque)."""
        for start, end, ent in self._mentions_back(offset, types, sentences, outside):
            head = self._clause_head(start, end)
            if head is not None and head.dep_ == "nsubj" and head.head.pos_ == "VERB" \
                    and head.head.lemma_.casefold() in self.lexicons.reporting_verbs:
                return ent
        return None

    def _is_subject(self, start: int, end: int) -> bool:
        head = self._clause_head(start, end)
        return head is not None and head.dep_ in ("nsubj", "nsubjpass")

    def _clause_head(self, start: int, end: int) -> Token | None:
        """The token a mention hangs from in its clause (past compounds, appositions
        and conjuncts)."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return None
        head = span.root
        while head.dep_ in ("compound", "appos", "conj") and head.head.i != head.i:
            head = head.head
        return head

    def _lookback_start(self, offset: int, sentences: int | None = None) -> int:
        sentences = self.lookback if sentences is None else sentences
        starts = self._sentence_starts()
        k = bisect.bisect_right(starts, offset) - 1
        return starts[max(0, k - sentences)] if k >= 0 else 0

    def _sentence_starts(self) -> list[int]:
        if not hasattr(self, "_starts_cache"):
            self._starts_cache = [s.start_char for s in self.doc.sents]
        return self._starts_cache

    def state_by_demonym(self, token: Token) -> Entity | None:
        """"Syrian", "Turkish" → the state entity of this document, if it has one."""
        state_id = self.demonyms.get(name_key(token.text))
        if state_id is None or not token.text[:1].isupper():
            return None
        return next((e for e in self.by_id.values() if e.kb_id == state_id), None)

    # -- tokens ------------------------------------------------------------
    def resolve(self, token: Token, outside: Sequence[tuple[int, int]] = ()) -> Entity | None:
        """The entity ``token`` stands for, or None (``outside``: see :meth:`before`)."""
        found = self.at(token.idx, token.idx + len(token))
        if found is not None:
            return found
        lower = token.lower_
        if token.tag_ in ("WP", "WDT"):
            return self._relative_antecedent(token)
        if lower in self.lexicons.pronouns:
            types = self.lexicons.pronouns[lower]
            if token.dep_ == "poss" and token.i >= 2:
                # "al-Qaeda and its leader": a possessive right after a name (one
                # word between) is that name's; otherwise the entity in focus.
                close = self.doc[token.i - 2]
                near = self.at(close.idx, token.idx)
                if near is None and close.pos_ == "NOUN" and close.dep_ != "poss":
                    near = self.resolve(close)  # "the government and its ally"
                if near is not None and near.type in types:
                    return near
            return self.before(token.idx, types, outside)
        head = token.lemma_.casefold() if token.pos_ in ("NOUN", "PROPN") else None
        if head and token.pos_ == "NOUN" \
                and "armed_group" not in self.lexicons.descriptions.get(head, ()) \
                and definite(token):
            # Not "the group", "the movement": those mean the group in focus.
            named = self.named_by_head(token, outside)
            if named is not None:
                return named
        if head and (head in self.lexicons.descriptions or lower in self.lexicons.descriptions):
            types = self.lexicons.descriptions.get(lower) or self.lexicons.descriptions[head]
            if definite(token):
                return self.before(token.idx, types, outside)
        return None

    def _relative_antecedent(self, pronoun: Token) -> Entity | None:
        """What a relative pronoun stands for: the noun its clause modifies ("the
        peacekeepers, whom the rebels want out of the country": the peacekeepers)."""
        clause = pronoun.head
        while clause.dep_ in ("xcomp", "conj") and clause.head.i != clause.i:
            clause = clause.head
        if clause.dep_ != "relcl" or clause.head.i == pronoun.i:
            return None
        return self.resolve(clause.head)

    def _governing(self, word: Token) -> Entity | None:
        """"government forces", "regime troops": a word for a state's government
        before a plural noun is the state named before, as "the government" is."""
        if word.dep_ != "compound" or word.head.tag_ != "NNS" \
                or self.lexicons.descriptions.get(word.lower_) != ("state",):
            return None
        return self.before(word.idx, ("state",))

    def resolve_phrase(self, token: Token) -> list[Entity]:
        """Entities a noun phrase headed by ``token`` names, coordination expanded.

        "The Taliban, the Haqqani network and Al Qaeda" → three entities.
        """
        heads = [token, *_conjuncts(token)]
        if token.lower_ in _PLURAL_PRONOUNS:
            heads = self._plural_antecedent(token) or heads
        out: list[Entity] = []
        for head in heads:
            listed = self._listed(head) or self._loyal_to(head)
            if listed:  # "jihadists like Hurras al-Deen and Ansar al-Islam"
                out.extend(e for e in listed if e not in out)
                continue
            # "the terrorist group BIFF", "the government of the Philippines", "local
            # leaders of the ELN": the named body, not a guess.
            ent = self._named_in_phrase(head) if head.pos_ == "NOUN" else None
            ent = ent or self.resolve(head)
            if ent is None and head.pos_ == "NOUN":
                ent = self._named_by_word(head)
            if ent is None:
                # "ISIS fighters", "the Islamic State group": an entity inside the phrase.
                inner = [c for c in head.children if c.dep_ in ("compound", "nmod", "poss", "amod")]
                for child in inner:
                    ent = self.resolve(child) or self._governing(child)
                    if ent is not None:
                        break
            if ent is not None and ent not in out:
                out.append(ent)
        return out


    def by_role(self, token: Token, outside: Sequence[tuple[int, int]] = ()) -> Entity | None:
        """"the judge" after "US District Judge Richard Berman", "the activist" after
        "Ricky Gunawan, an activist with …": the person named beside the last use of
        the same role word before (just before the name, or in its apposition), past
        uses that point back themselves ("the minister added"); the body a use that
        names nobody speaks for ("a spokesman for the ambulance service"); None when
        that use names nobody else ("a security official … the official said") or is
        part of a body's name ("Investigative Committee spokeswoman X")."""
        role = token.lemma_.casefold()
        kind = _role_modifiers(token)  # "the prime minister" is no other minister
        for last in reversed(self.doc[:token.i]):
            if last.lemma_.casefold() != role or last.pos_ not in ("NOUN", "PROPN") \
                    or any(a <= last.idx < b for a, b in outside) \
                    or not kind <= _role_modifiers(last) | {
                        t.lower_ for t in self.doc[max(0, last.i - 2):last.i]}:
                continue
            body = self.at(last.idx, last.idx + len(last))
            if body is not None and body.type != "person":
                return None  # "Investigative Committee spokeswoman X … the committee said"
            sentence = last.sent
            lo = self.doc[max(sentence.start, last.i - ROLE_WINDOW)].idx
            hi_token = self.doc[min(sentence.end, last.i + ROLE_WINDOW + 1) - 1]
            named = self.in_span(lo, hi_token.idx + len(hi_token), ("person",))
            if role in self.lexicons.anonymous_speakers:
                # "Indang, according to a regional intelligence source, is …": a word
                # that often names no one names only the person it is joined to.
                named = [e for e in named if self._joined(last, e)]
            if len(named) == 1:
                return named[0]
            if not named:
                # "A spokesman for the ambulance service said … The spokesman said"
                speaks_for = [self.at(c.idx, c.idx + len(c)) for p in last.children
                              if p.dep_ == "prep" and p.lower_ in ("for", "of")
                              for c in p.children if c.dep_ == "pobj"]
                if speaks_for and speaks_for[0] is not None and speaks_for[0].type != "person":
                    return speaks_for[0]
            if named or not definite(last):
                return None
            # "the minister added" names nobody but points back itself: read on back
        return None

    def _joined(self, role: Token, person: Entity) -> bool:
        """True when ``role`` is part of, next to, or in apposition with a mention of
        ``person`` ("security official Ali Noor", "Ali Noor, an official with …")."""
        for start, end, ent_id in self.mentions:
            if ent_id != person.id:
                continue
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            root = span.root
            if span.start - 1 <= role.i <= span.end or role.head.i == root.i \
                    or root.head.i == role.i:
                return True
        return False

    def named_by_head(self, token: Token, outside: Sequence[tuple[int, int]] = ()
                       ) -> Entity | None:
        """"the court" after "the National Court" or "the District Court of Turku",
        "the ministry" after "the Defence Ministry": the nearest body named before
        whose name ends in the same noun, or has it for its head."""
        stem = _stem(token.lemma_.casefold())
        i = bisect.bisect_left(self.starts, token.idx) - 1
        while i >= 0:
            start, end, ent_id = self.mentions[i]
            ent = self.by_id[ent_id]
            if ent.type in ("organization", "armed_group") and end <= token.idx \
                    and not any(s <= start < e for s, e in outside) \
                    and any(_stem(word) == stem for n in (ent.name, *ent.aliases)
                            if len(n.split()) > 1 for word in _name_heads(n)):
                return ent
            i -= 1
        return None

    def _named_by_word(self, head: Token) -> Entity | None:
        """"dissident combatants" for the document's one "Farc dissidents": a
        modifier that is a distinctive word of exactly one armed group's name."""
        for child in head.children:
            if child.dep_ not in ("amod", "compound") or child.is_stop or len(child) < 4:
                continue
            stem = _stem(child.text)
            found = [e for e in self.by_id.values() if e.type == "armed_group"
                     and any(stem == _stem(w) for w in name_key(e.name).split())]
            if len(found) == 1:
                return found[0]
        return None

    def _listed(self, head: Token) -> list[Entity]:
        """Entities a common noun introduces by example: "groups like X and Y",
        "militants such as X", "several factions, including X"."""
        if head.pos_ != "NOUN":
            return []
        return self._named_after(head, ("like", "including", "as"))

    def _loyal_to(self, head: Token) -> list[Entity]:
        """The groups a group noun is said to answer to: "militants loyal to X",
        "jihadist groups linked to X and Y" (``allegiance_words``), "militants from
        X" (a group named after "from"; "fighters from Syria" are not Syria)."""
        if head.pos_ != "NOUN" or "armed_group" not in self.lexicons.descriptions.get(
                head.lemma_.casefold(), ()):
            return []
        out = [e for e in self._named_after(head, ("from",)) if e.type == "armed_group"]
        for word in head.children:
            if word.dep_ in ("amod", "acl") and word.lower_ in self.lexicons.allegiance_words:
                out.extend(e for e in self._named_after(word, ("to", "with"))
                           if e.type == "armed_group" and e not in out)
        return out

    def _named_after(self, word: Token, prepositions: tuple[str, ...]) -> list[Entity]:
        """The entities named as objects of ``word``'s ``prepositions``, each
        conjunct counted ("like X and Y"), once each in text order."""
        out: list[Entity] = []
        for prep in word.children:
            if prep.dep_ == "prep" and prep.lower_ in prepositions:
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        for tok in (pobj, *_conjuncts(pobj)):
                            ent = self.at(tok.idx, tok.idx + len(tok))
                            if ent is not None and ent not in out:
                                out.append(ent)
        return out

    def _named_in_phrase(self, head: Token) -> Entity | None:
        """The body a common noun's phrase names: "the terrorist group BIFF", "the
        government of the Philippines", "the Syrian government", "Iraq's government"."""
        if "state" in self.lexicons.descriptions.get(head.lemma_.casefold(), ()):
            for child in head.children:
                if child.dep_ == "amod":
                    state = self.state_by_demonym(child)
                    if state is not None:
                        return state
                elif child.dep_ == "poss":
                    owner = self.at(child.idx, child.idx + len(child))
                    if owner is not None and owner.type == "state":
                        return owner
        for child in head.children:
            if child.dep_ == "appos":
                found = self.at(child.idx, child.idx + len(child))
                if found is not None:
                    return found
        if head.i + 1 < len(self.doc) and self.doc[head.i + 1].pos_ == "PROPN" \
                and head.whitespace_ == " ":
            # "dictator Zine El Abidine Ben Ali", where the parse left the name apart
            following = self.doc[head.i + 1]
            found = self.at(following.idx, following.idx + len(following))
            if found is not None and found.type == "person" \
                    and self.at(head.idx, head.idx + len(head)) is None:
                return found
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        found = self.at(pobj.idx, pobj.idx + len(pobj))
                        if found is not None:
                            return found
        return None

    def _plural_antecedent(self, pronoun: Token) -> list[Token]:
        """"They" after "The Taliban, the Haqqani network and Al Qaeda": the whole list."""
        first = self.before(pronoun.idx, self.lexicons.pronouns.get(pronoun.lower_, ()))
        if first is None:
            return []
        spans = [m for m in self.mentions if m[2] == first.id and m[1] <= pronoun.idx]
        span = self.doc.char_span(spans[-1][0], spans[-1][1], alignment_mode="expand")
        if span is None:
            return []
        head = span.root
        while head.dep_ in ("conj", "appos") and head.head.i != head.i:
            head = head.head
        members = [head, *_conjuncts(head)]
        return members if len(members) > 1 else []


_PLURAL_PRONOUNS = {"they", "them", "their"}


def definite(noun: Token) -> bool:
    """"the judge", "these fighters", "the city's police chief": a noun phrase that
    points back to something named before."""
    return any(c.lower_ in _DETERMINERS or c.dep_ == "poss" for c in noun.children)


def _name_heads(name: str) -> set[str]:
    """The last word of a name and its head ("court" of "District Court of Turku")."""
    words = name_key(name).split()
    head = head_noun(words, vocabulary.load().shapes)
    return {words[-1], head} if head else {words[-1]}


def _stem(word: str) -> str:
    word = word.casefold()
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def _conjuncts(token: Token) -> list[Token]:
    """Coordinated names: conjuncts, and appositions that continue a list
    ("The Taliban, the Haqqani network and Al Qaeda")."""
    out = []
    for child in token.children:
        if child.dep_ == "conj" or (child.dep_ == "appos" and any(
                c.dep_ in ("cc", "conj") for c in child.children)):
            out.append(child)
            out.extend(_conjuncts(child))
    return out


def sentence_of(doc: Doc, offset: int) -> Span:
    """The sentence holding character ``offset``."""
    return doc[doc.char_span(offset, offset + 1, alignment_mode="expand").start].sent \
        if doc.char_span(offset, offset + 1, alignment_mode="expand") is not None \
        else next(iter(doc.sents))


def _role_modifiers(role: Token) -> set[str]:
    """The words that say which role a role word names ("prime" of "prime minister")."""
    return {c.lower_ for c in role.children if c.dep_ in ("compound", "amod")}

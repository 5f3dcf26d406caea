"""Gazetteer matching: known names of groups, organisations, states and places.

The matcher runs *before* the statistical NER, so its spans are fixed and the
model fills in around them (the EntityRuler arrangement). It differs from a
phrase matcher in two ways that news text needs:

* names compare by :func:`dossier.vocabulary.name_key`, so punctuation inside a
  name does not stop a match (``Soufan. Group``, ``al-Qaeda`` / ``Al Qaeda``,
  ``U.S.`` / ``US``);
* acronyms (aliases with no lower-case letters, or short mixed ones such as
  ``LeT``) match only in their own case, and not inside a run of capitals
  (a headline or dateline), so ``IS`` never matches "is".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from dossier.vocabulary import Vocabulary, name_key

LABELS = {"armed_group": "ARMED_GROUP", "organization": "ORGANIZATION",
          "state": "STATE", "place": "PLACE"}
TYPE_OF_LABEL = {v: k for k, v in LABELS.items()}
TYPE_PRIORITY = ("armed_group", "organization", "state", "place")

# Punctuation that may sit inside a name; anything else ends the match.
_INNER_PUNCT = {".", ",", "-", "–", "—", "'", "’", "&", "/"}
MAX_NAME_TOKENS = 14


def is_acronym(alias: str) -> bool:
    """Aliases that must match in their own case: ``ISIS``, ``ISIS-K``, ``LeT``."""
    letters = [c for c in alias if c.isalpha()]
    if not letters:
        return False
    if not any(c.islower() for c in letters):
        return True
    return len(letters) <= 4 and sum(c.isupper() for c in letters) >= 2


def _alnum(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


@dataclass(frozen=True)
class _Target:
    entry_id: str
    type: str
    exact: frozenset[str]  # case-sensitive forms (acronyms); empty = any case


class GazetteerMatcher:
    """Finds gazetteer names in a Doc; see the module docstring."""

    def __init__(self, vocab: Vocabulary):
        self.institution_heads = vocab.shapes.institution_heads
        self.group_heads = vocab.shapes.armed_group_heads
        # Words before a name that qualify it rather than open a person's name.
        self.qualifiers = {name_key(w) for w in vocab.shapes.not_entities} \
            | set(vocab.demonym_index())
        self.targets: dict[str, _Target] = {}
        first_words: set[str] = set()
        grouped: dict[str, dict[str, tuple[str, set[str], bool]]] = {}

        for entry in vocab.entries.values():
            for alias in entry.all_names:
                key = name_key(alias)
                if not key:
                    continue
                slot = grouped.setdefault(key, {})
                type_, exact, any_case = slot.get(entry.id, (entry.type, set(), False))
                if is_acronym(alias):
                    exact.add(_alnum(alias))
                else:
                    any_case = True
                slot[entry.id] = (type_, exact, any_case)
                first_words.add(key.split()[0])
        for key, by_entry in grouped.items():
            # One key, several entries: the more specific type wins
            # (an armed group over an organisation over a state or place).
            entry_id, (type_, exact, any_case) = min(
                by_entry.items(), key=lambda kv: TYPE_PRIORITY.index(kv[1][0]))
            self.targets[key] = _Target(entry_id, type_,
                                        frozenset() if any_case else frozenset(exact))
        self.first_words = first_words
        self.prefixes = {" ".join(k.split()[:n]) for k in self.targets
                         for n in range(1, len(k.split()) + 1)}

    def __call__(self, doc: Doc) -> list[Span]:
        spans: list[Span] = []
        i = 0
        n = len(doc)
        while i < n:
            found = self._longest_at(doc, i)
            if found is None:
                i += 1
                continue
            end, target = found
            if end - i == 1 and target.type in ("armed_group", "organization") \
                    and self._after_given_name(doc, i):
                i = end  # "US Attorney Benjamin Wagner": a surname, not the Wagner Group
                continue
            if target.type in ("place", "state") and self._inside_institution(doc, end):
                i = end  # "Kabul University": the model reads the whole name
                continue
            spans.append(Span(doc, i, end, label=LABELS[target.type], kb_id=target.entry_id))
            i = end
        return spans

    def _longest_at(self, doc: Doc, start: int) -> tuple[int, _Target] | None:
        tok = doc[start]
        if not tok.text[:1].isalnum():
            return None
        first = name_key(tok.text).split()[:1]
        if first and first[0] not in self.first_words and first[0][:-1] not in self.first_words:
            return None
        best = None
        for end in range(start + 1, min(len(doc), start + MAX_NAME_TOKENS) + 1):
            last = doc[end - 1]
            if "\n" in doc[start:end].text:
                break
            if end - 1 > start and last.is_punct and last.text not in _INNER_PUNCT:
                break
            key = name_key(doc[start:end].text)
            plural = self._plural(key, end - start) if key not in self.prefixes else None
            if key not in self.prefixes and plural is None:
                if not last.is_punct:
                    break
                continue
            target = self.targets.get(key) or plural
            if target and not last.is_punct and self._case_fits(doc[start:end], target):
                best = (end, target)
        return best

    def _plural(self, key: str, length: int) -> _Target | None:
        """A group named in the plural for its members ("the Mautes", "the Haqqanis")."""
        if length != 1 or not key.endswith("s") or len(key) < 5:
            return None
        target = self.targets.get(key[:-1])
        return target if target and target.type == "armed_group" and not target.exact else None

    def _after_given_name(self, doc: Doc, start: int) -> bool:
        """True when a capitalised proper noun that opens no gazetteer name stands
        right before ``start`` inside its sentence: a given name before a surname."""
        if start == 0:
            return False
        before = doc[start - 1]
        return doc[start].is_title and before.pos_ == "PROPN" and before.is_title \
            and before.is_alpha and not before.is_sent_start and before.whitespace_ == " " \
            and name_key(before.text) not in self.first_words \
            and name_key(before.text) not in self.qualifiers

    def _inside_institution(self, doc: Doc, end: int) -> bool:
        """True when capitalised words after ``end`` run into the head word of an
        institution's or an armed group's name ("Kabul University", "Tartus Martyrs
        Brigade")."""
        for tok in doc[end:end + 4]:
            if tok.text in self.institution_heads or (
                    tok.lower_ in self.group_heads and tok.text[:1].isupper()):
                return True
            if not tok.text[:1].isupper():
                return False
        return False

    @staticmethod
    def _case_fits(span: Span, target: _Target) -> bool:
        text = span.text
        if not any(c.isupper() for c in text):
            return False
        if not target.exact:
            return True
        if _alnum(text) not in target.exact:
            return False
        return not _in_capital_run(span)


def _in_capital_run(span: Span) -> bool:
    """True when a short acronym sits among all-capital words (a headline)."""
    if len(_alnum(span.text)) > 3:
        return False
    doc = span.doc
    neighbours = [t for t in (doc[span.start - 1] if span.start > 0 else None,
                              doc[span.end] if span.end < len(doc) else None)
                  if t is not None and t.is_alpha]
    return any(t.is_upper and len(t) > 1 for t in neighbours)


@Language.factory("dossier_gazetteer", requires=["token.text"], assigns=["doc.ents"])
def make_gazetteer(nlp: Language, name: str):
    """Component: set gazetteer spans as entities, leaving the rest to the NER."""
    from dossier import vocabulary

    matcher = GazetteerMatcher(vocabulary.load())

    def gazetteer_component(doc: Doc) -> Doc:
        doc.set_ents(matcher(doc), default="unmodified")
        return doc

    return gazetteer_component

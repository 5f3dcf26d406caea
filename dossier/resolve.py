"""Cross-document entity resolution: which stored entity a new mention is.

The order (DESIGN.md, "Entities"): a user's correction (an alias split off to
an entity of its own) → the same gazetteer entry → an alias with the same name
key and type → for a person named by surname alone, the one known person of that
surname → an acronym and the name it spells ("CSIS" / "Center for Strategic and
International Studies") → a close spelling of a known name of the same type (rapidfuzz),
never across :func:`distinct` pairs → a new entity. An entity merged into
another by a user resolves to the one it was merged into.

This module holds the rules; the queries are in :mod:`dossier.store.resolution`.
Each rule is an indexed lookup, so resolving a name costs the same in a store of
a hundred documents or a million: aliases carry their *block* (the first
characters of their name key: a close spelling is looked for only among aliases
of the same block) and their last word (a person's surname), and each entity's
name its acronyms (:func:`alias_index_keys`, :func:`name_acronyms`).
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from dossier.vocabulary import Shapes, acronym_of, is_acronym_text, name_key

FUZZY_THRESHOLD = 90
"""rapidfuzz ratio (0–100) two name keys need to be taken for one name."""
FUZZY_MIN_CHARS = 8
MIN_VARIANT_CHARS = 5
"""A word may be spelt differently only when it is this long: transliterations of
long names vary ("Mohammad"/"Mohammed", "Julani"/"Jolani"); short given names that
differ are different people ("John"/"Joan")."""


BLOCK_CHARS = 3
"""Close spellings are looked for among aliases whose name keys share this many
first characters (a misspelling seldom starts a name)."""


def person_key(name: str, shapes: Shapes) -> str:
    """The key a person's name resolves on: titles, ranks and honorifics removed
    ("Inspector-General of Police Tan Sri Mohamad Fuzi Harun", "Mr Fuzi Harun"),
    then each name part in one spelling ("Mohd" → "mohamad")."""
    words = name_key(shapes.strip_title(name)).split()
    return " ".join(shapes.name_part_variants.get(w, w) for w in words)


def alias_key(alias: str, type_: str, shapes: Shapes) -> str:
    """The key an alias is stored and resolved under: :func:`person_key` for a
    person's, the name key for any other."""
    return person_key(alias, shapes) if type_ == "person" else name_key(alias)


def alias_index_keys(alias_key: str) -> dict[str, str | None]:
    """The indexed keys stored with an alias: its block, and its last word when it
    has more than one (the surname of a person's full name)."""
    words = alias_key.split()
    return {"block": alias_key[:BLOCK_CHARS], "last_word": words[-1] if len(words) > 1 else None}


def name_acronyms(name: str, shapes: Shapes) -> set[tuple[str, str]]:
    """("spells", X) for each acronym X a long name spells; ("is", X) for a name
    that is itself the acronym X (dots and hyphens dropped)."""
    if is_acronym_text(name):
        return {("is", re.sub(r"[.\-]", "", name))}
    return {("spells", acronym) for acronym in acronym_of(name.split(), shapes) if acronym}


def distinct(a: str, b: str) -> bool:
    """True for names that must stay apart however alike they look: one inside the
    other as whole words ("isis" / "isis k", "taliban" / "pakistani taliban") is a
    branch, parent or namesake, not a spelling."""
    wa, wb = a.split(), b.split()
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if short == long:
        return False
    n = len(short)
    return any(long[i:i + n] == short for i in range(len(long) - n + 1))


def fuzzy_candidate(key: str, known: dict[str, int]) -> int | None:
    """The entity id whose name key is a close spelling of ``key``, if any.

    known: name key → entity id, for entities of the same type.
    """
    if len(key) < FUZZY_MIN_CHARS or not known:
        return None
    found = process.extractOne(key, known.keys(), scorer=fuzz.ratio,
                               score_cutoff=FUZZY_THRESHOLD)
    if found is None or distinct(key, found[0]) or not _variant_words(key, found[0]):
        return None
    return known[found[0]]


def _variant_words(a: str, b: str) -> bool:
    """Same number of words, and every word that differs is long enough to be a
    spelling variant."""
    wa, wb = a.split(), b.split()
    return len(wa) == len(wb) and all(
        x == y or (len(x) >= MIN_VARIANT_CHARS and len(y) >= MIN_VARIANT_CHARS)
        for x, y in zip(wa, wb))

"""Within-document reference: group mentions into entities.

Mentions join one entity when

* they matched the same gazetteer entry (``ISIS`` and ``Islamic State``), or the
  same state force ("Afghan forces" and "Afghan soldiers");
* their names are equal after :func:`~dossier.vocabulary.name_key`
  (``ISIS-K.`` and ``ISIS-K``; ``ISULAN`` and ``Isulan``);
* one is a person's surname, with or without a title, and the other that
  person's full name (``Mr Clarke`` → ``Colin P. Clarke``; ``Sisi`` → ``Abdel
  Fattah al-Sisi``, a joined article dropped); the nearest full name before it
  wins when several share the surname;
* one is the leading words of exactly one longer person's name named before
  (``Mohamad Fuzi`` → ``Mohamad Fuzi Harun``; a given name alone, ``Zainal`` →
  ``Zainal Anshori``, unless it is someone's surname);
* one is an acronym of the other's words, small words skipped, or follows it in
  brackets
  (``CSIS`` → ``Center for Strategic and International Studies``).

The entity's type comes from its gazetteer entry when it has one, else from its
most complete mention; its canonical name is the most complete surface form
(most words, not an acronym, not in capitals); its aliases are every surface
form seen, without titles' duplicates.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from dossier import vocabulary
from dossier.model import Entity, Mention
from dossier.vocabulary import Shapes, acronym_of, is_acronym_text, name_key

_SOURCE_RANK = {"gazetteer": 0, "state_force": 1, "shape": 2, "model": 3}


class _Groups:
    """Union-find over mention indexes."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _merge_key(m: Mention, shapes: Shapes) -> str:
    """The name key two mentions must share to be one entity."""
    if m.type == "person":
        return name_key(shapes.strip_title(m.text))
    words = name_key(m.text).split()
    if m.type == "place" and len(words) > 1 and words[-1] in shapes.place_admin_words:
        words = words[:-1]  # "Hama province" is "Hama"
    return " ".join(words)


def surname_of(words: list[str], shapes: Shapes) -> str:
    """The surname of a full name, generational suffixes aside ("Sotto" of "Vicente Sotto III")."""
    while len(words) > 1 and words[-1] in shapes.name_suffixes:
        words = words[:-1]
    return words[-1]


def entities(mentions: list[Mention], shapes: Shapes, text: str) -> list[Entity]:
    """Group ``mentions`` (in text order) of ``text`` into entities, numbered e1, e2, ..."""
    mentions = _defined_acronyms(mentions, shapes, text)
    n = len(mentions)
    groups = _Groups(n)
    by_kb: dict[str, int] = {}
    by_key: dict[str, int] = {}
    for i, m in enumerate(mentions):
        if m.kb_id:
            if m.kb_id in by_kb:
                groups.union(by_kb[m.kb_id], i)
            by_kb.setdefault(m.kb_id, i)
        key = _merge_key(m, shapes)
        if key in by_key:
            groups.union(by_key[key], i)
        by_key.setdefault(key, i)
    _merge_surnames(mentions, groups, shapes)
    _merge_leading_names(mentions, groups, shapes)
    _merge_acronyms(mentions, groups, shapes, text)
    _merge_head_nouns(mentions, groups, shapes)

    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        clusters[groups.find(i)].append(i)
    ordered = sorted(clusters.values(), key=lambda idx: mentions[idx[0]].start)
    return [_entity(f"e{k}", [mentions[i] for i in idx], shapes)
            for k, idx in enumerate(ordered, 1)]


def _merge_surnames(mentions: list[Mention], groups: _Groups, shapes: Shapes) -> None:
    """A one-word name (or title + name) joins the full name ending in it.

    Full names are the model's multi-word persons, and its multi-word
    organisations when the short form reads as a person ("Akilov" after
    "Rakhmat Akilov" that the model called an organisation).
    """
    full_names = [(i, shapes.strip_title(m.text).split()) for i, m in enumerate(mentions)
                  if m.source == "model" and m.type in ("person", "organization")
                  and len(shapes.strip_title(m.text).split()) > 1]
    for i, m in enumerate(mentions):
        words = shapes.strip_title(m.text).split()
        if m.source != "model" or len(words) != 1:
            continue
        key = name_key(words[0])
        candidates = [j for j, full in full_names
                      if j != i and key in _surname_keys(surname_of(full, shapes), shapes)
                      and (mentions[j].type == "person" or m.type == "person")]
        if not candidates:
            continue
        before = [j for j in candidates if mentions[j].start < m.start]
        groups.union(i, before[-1] if before else candidates[0])


def _surname_keys(surname: str, shapes: Shapes) -> set[str]:
    """The keys a surname is named by alone: itself, and without a joined article
    ("al-Assad" → "assad")."""
    bare = shapes.without_article(surname)
    return {name_key(surname)} | ({name_key(bare)} if bare else set())


def _merge_leading_names(mentions: list[Mention], groups: _Groups, shapes: Shapes) -> None:
    """A person named by the leading words of one longer name named before joins it:
    "Mohamad Fuzi" after "Mohamad Fuzi Harun" (names with no surname are shortened
    from the end)."""
    people = [(i, [name_key(w) for w in shapes.strip_title(m.text).split()])
              for i, m in enumerate(mentions) if m.type == "person"]
    surnames = {name_key(surname_of(words, shapes)) for _, words in people if len(words) > 1}
    # the model's two- or three-word organisations may be people's names it misread
    read_as_names = [(i, [name_key(w) for w in m.text.split()]) for i, m in enumerate(mentions)
                     if m.type == "organization" and m.source == "model"
                     and 1 < len(m.text.split()) <= 3]
    for i, words in people:
        if len(words) < 2 and (not words or words[0] in surnames
                               or _joined_longer(i, mentions, groups)):
            # One word: a given name ("Zainal" after "Zainal Anshori", as Indonesian
            # and Arabic names are shortened), unless it is someone's surname or
            # already joined an entity.
            continue
        longer = {tuple(full): j for j, full in (*people, *read_as_names)
                  if len(full) > len(words) and full[:len(words)] == words
                  and mentions[j].start < mentions[i].start}
        if len(longer) == 1:
            groups.union(i, next(iter(longer.values())))


def _joined_longer(i: int, mentions: list[Mention], groups: _Groups) -> bool:
    """True when mention ``i`` already shares its entity with a longer name."""
    root = groups.find(i)
    return any(len(m.text.split()) > 1 and groups.find(j) == root
               for j, m in enumerate(mentions) if j != i)


def _defined_acronyms(mentions: list[Mention], shapes: Shapes, text: str) -> list[Mention]:
    """An acronym the text defines means its long form here, whatever the gazetteer
    says: after "Institute of Strategic and International Studies (ISIS)", every
    "ISIS" of the text is the institute, not the Islamic State. The acronym's
    mentions lose the gazetteer's identity and take the long form's type; a long
    form no mention covered becomes one (an organisation's name)."""
    defined: dict[str, Mention] = {}
    added: list[Mention] = []
    for short in mentions:
        if not (is_acronym_text(short.text) and short.kb_id) \
                or text[short.start - 2:short.start] != " (":
            continue
        letters = _letters(short.text)
        before = [m for m in mentions if m.end == short.start - 2]
        long_form = before[0] if before else _long_form_before(text, short.start - 2, letters,
                                                              shapes)
        if long_form is None or not _may_define(long_form) \
                or not _spells(long_form.text, letters, shapes) \
                or not _redefined(short, [long_form]):
            continue
        defined.setdefault(letters, long_form)
        if not before:
            added.append(long_form)
    if not defined:
        return mentions
    out = []
    for m in mentions:
        long_form = defined.get(_letters(m.text)) if is_acronym_text(m.text) else None
        out.append(m if long_form is None else
                   replace(m, type=long_form.type, source=long_form.source,
                           kb_id=long_form.kb_id, spelling=None))
    return sorted(out + added, key=lambda m: (m.start, -m.end))


def _letters(acronym: str) -> str:
    """An acronym's letters, dots and hyphens dropped ("A.F.P." → "AFP")."""
    return re.sub(r"[.\-]", "", acronym)


def _may_define(long_form: Mention) -> bool:
    """Whether a mention may be the long form of the acronym in brackets after it:
    not a person, a place or an acronym, and not a name in capitals ("KABUL (AFP)",
    "MELBOURNE (REUTERS)": a dateline and its news agency)."""
    return long_form.type not in ("person", "place", "state") \
        and not is_acronym_text(long_form.text) and not long_form.text.isupper()


_NAME_WORD = r"(?:[A-Z][\w'’\-]*|of|and|for|the|on|in|de|du|des|la|le|al)"
_NAME_BEFORE = re.compile(rf"{_NAME_WORD}(?:[ ]+{_NAME_WORD}){{1,11}}$")


def _long_form_before(text: str, end: int, letters: str, shapes: Shapes) -> Mention | None:
    """The shortest run of capitalised words (small words between) ending at ``end``
    that spells ``letters``: the long form of a bracketed acronym no mention covers."""
    run = _NAME_BEFORE.search(text[max(0, end - 200):end])
    if run is None:
        return None
    start = max(0, end - 200) + run.start()
    words = [(m.start() + start, m.group()) for m in re.finditer(r"\S+", text[start:end])]
    for i in range(len(words) - 1, -1, -1):
        if words[i][1][:1].isupper() and letters in acronym_of([w for _, w in words[i:]], shapes):
            return Mention(words[i][0], end, text[words[i][0]:end], "organization", "shape")
    return None


def _spells(long_form: str, letters: str, shapes: Shapes) -> bool:
    """Whether a long form, or its end, spells an acronym: "Former Institute of
    Strategic and International Studies (ISIS)" spells ISIS from "Institute" on."""
    words = re.findall(r"[^\W_]+", long_form)
    return any(letters in acronym_of(words[i:], shapes) for i in range(max(1, len(words) - 1)))


ENTRY_SLIP_CUTOFF = 70
"""rapidfuzz ratio above which a long form is taken for a slip in writing the
gazetteer entry's own name ("Syrian Defence Forces (SDF)"), not a redefinition."""


def _redefined(acronym: Mention, long_forms: list[Mention]) -> bool:
    """Whether a gazetteer acronym means another thing here: a long form of the text
    spells it, belongs to no entry or another one, and is no slip for one of the
    entry's own names."""
    if not (is_acronym_text(acronym.text) and acronym.kb_id):
        return False
    vocab = vocabulary.load()
    return not any(m.kb_id == acronym.kb_id
                   or vocab.names_close(m.text, acronym.kb_id, ENTRY_SLIP_CUTOFF)
                   for m in long_forms)


def _merge_acronyms(mentions: list[Mention], groups: _Groups, shapes: Shapes,
                    text: str) -> None:
    """An acronym joins the long form it abbreviates, or that it follows in brackets
    ("Society of African Missions (SMA)", "… of Conflict (Ipac)"), when it may define
    one (:func:`_may_define`)."""
    for (i, long_form), (j, short) in zip(enumerate(mentions), list(enumerate(mentions))[1:]):
        if short.type != "person" and _may_define(long_form) \
                and text[long_form.end:short.start] == " (" \
                and (is_acronym_text(short.text) or _spelt_short_form(long_form, short, shapes)):
            groups.union(i, j)
    long_forms: dict[str, int] = {}
    for i, m in enumerate(mentions):
        if m.type != "person" and not is_acronym_text(m.text):
            for acronym in acronym_of(re.findall(r"[^\W_]+", m.text), shapes):
                long_forms.setdefault(acronym, i)
    for i, m in enumerate(mentions):
        if m.type == "person" or not is_acronym_text(m.text):
            continue
        letters = _letters(m.text)
        j = long_forms.get(letters)
        if j is None:
            continue
        # An acronym the gazetteer gave to something else yields to a long form
        # the text itself spells out ("AFP" after "Armed Forces of the Philippines").
        groups.union(i, j)


def _spelt_short_form(long_form: Mention, short: Mention, shapes: Shapes) -> bool:
    """A word in brackets after a long form that spells its initials in any case:
    "Institute for Policy Analysis of Conflict (Ipac)"."""
    letters = _letters(short.text)
    return letters.isalpha() and 2 <= len(letters) <= 8 \
        and _spells(long_form.text, letters.upper(), shapes)


def head_noun(words: list[str], shapes: Shapes) -> str | None:
    """The head of a multi-word name: its last word before "of"/"for" ("Observatory"
    of "Syrian Observatory for Human Rights", "Army" of "Philippine Army",
    "Department" of "Department of Foreign Affairs")."""
    before = []
    for w in words:
        if w.casefold() in shapes.acronym_stopwords:
            break
        before.append(w)
    return before[-1] if before and (len(before) > 1 or len(before) < len(words)) else None


def _merge_head_nouns(mentions: list[Mention], groups: _Groups, shapes: Shapes) -> None:
    """A one-word organisation mention that is the head of exactly one earlier
    organisation name refers back to it ("the Observatory")."""
    for i, m in enumerate(mentions):
        if m.type != "organization" or m.source != "model" or len(m.text.split()) != 1:
            continue
        heads = {groups.find(j) for j, other in enumerate(mentions[:i])
                 if other.type in ("organization", "armed_group")
                 and head_noun(other.text.split(), shapes) == m.text}
        if len(heads) == 1:
            groups.union(i, heads.pop())


def _completeness(m: Mention, shapes: Shapes) -> tuple:
    text = shapes.strip_title(m.text) if m.type == "person" else m.text
    return (not is_acronym_text(text), not text.isupper(), len(text.split()), len(text))


def _entity(entity_id: str, group: list[Mention], shapes: Shapes) -> Entity:
    long_forms = [m for m in group if not is_acronym_text(m.text)]
    if long_forms:
        # An acronym joined to a long form the text spells out means that long
        # form: the gazetteer's reading of the acronym alone ("AFP" the news
        # agency beside "Armed Forces of the Philippines") yields.
        group = [replace(m, kb_id=None, source="model", spelling=None)
                 if _redefined(m, long_forms) else m for m in group]
    kb_ids = [m.kb_id for m in group if m.kb_id and m.source == "gazetteer"]
    typed_by = min(group, key=lambda m: (_SOURCE_RANK[m.source],
                                         tuple(-x for x in _completeness(m, shapes))))
    type_ = typed_by.type
    last = surname_of(shapes.strip_title(typed_by.text).split(), shapes)
    first = shapes.strip_title(typed_by.text).split()[0]
    if not kb_ids and typed_by.source == "model" and any(
            m.type == "person" and shapes.strip_title(m.text) in (last, first) for m in group):
        # The model labels a surname and the full name inconsistently ("Rakhmat
        # Akilov" ORG, "Akilov" PERSON); a surname or a given name read as a
        # person's settles it.
        type_ = "person"
    best = max(group, key=lambda m: _completeness(m, shapes))
    name = best.spelling or (shapes.strip_title(best.text) if type_ == "person"
                             else best.text)
    aliases: list[str] = []
    for m in group:
        if m.text not in aliases:
            aliases.append(m.text)
    mention_spans = tuple(sorted({(m.start, m.end) for m in group}))
    kb_id = kb_ids[0] if kb_ids else next((m.kb_id for m in group if m.kb_id), None)
    return Entity(id=entity_id, name=name, type=type_, aliases=tuple(aliases),
                  mentions=mention_spans, kb_id=kb_id)

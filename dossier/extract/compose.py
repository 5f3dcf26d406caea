"""Mentions that compose a name with the words or the name next to it.

The gazetteer and the model see "Syria" in "eastern Syria" and "Aleppo" in
"Aleppo police"; a reader sees a region and a police force. After the typed
mentions are found, this pass rewrites such spans (word lists in
``vocab/shapes.yaml``):

* a region word before a state, or a capitalised one before a place: a place
  of its own ("eastern Syria", "West Java"; but "central Kabul" is Kabul),
  unless the whole is a state the gazetteer knows;
* a place, an optional modifier and a local-body noun: an organisation
  ("Aleppo police", "Kunduz provincial council", "New York City Police
  Department"), and a place, capitalised words and an office noun ("Basilan
  District Engineering Office");
* a unit head and a place right after it: one organisation ("Joint Task Force
  Sulu", and "Task Force Basilan" where the model saw only the place);
* an ordinal before a unit's name: part of it ("the 74th Infantry Battalion");
* a state and a mission noun: its embassy, an organisation ("US Embassy");
* a name and a faction noun: an armed group ("the Bongos faction");
* two persons with one space between: one name ("Zine El" + "Abidine Ben Ali"),
  and so a one-word "place" right before a person ("Milorad" + "Jencic");
  a person cut to its last words after a title runs back over the capitalised
  words before it ("Mayor Sadiq" + "Khan" → "Sadiq Khan");
* a gazetteer name with a lower-case generic tail ("the Islamic State group"):
  named without the tail, the surface form kept as an alias.
"""
from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc, Token

from dossier.extract.sentences import doc_text
from dossier.model import Mention
from dossier.vocabulary import Shapes, name_key


def composed(doc: Doc, found: list[Mention], shapes: Shapes, states: set[str],
             spellings: dict[str, str]) -> list[Mention]:
    """``found`` with composed mentions in place of their parts."""
    out = [_with_tail(doc, _without_tail(m, shapes, spellings), shapes) for m in found]
    out = [_regional(doc, m, shapes, states) for m in out]
    out = _joined_units(doc, out, shapes)
    out = [_numbered_unit(doc, m) for m in out]
    out = _joined_people(doc, out)
    out = [_local_body(doc, m, shapes) or _mission(doc, m, shapes) or _faction(doc, m, shapes)
           or m for m in out]
    taken = {i for m in out for i in range(m.start, m.end)}
    return [_given_names(doc, _completed(doc, m, taken), taken, shapes) for m in out]


NAME_PARTICLES = frozenset({"de", "del", "dela", "della", "der", "van", "von", "da", "di", "le",
                            "la", "bin", "binti", "al", "el", "ibn"})
"""Lower-case words inside a person's name ("Arnel dela Vega")."""


def _completed(doc: Doc, mention: Mention, taken: set[int]) -> Mention:
    """A person's name the model cut short ("Gen. Juvymax" + "Uy") runs on over
    capitalised words no other mention holds; a unit name over its number
    ("Police Regional Office 9")."""
    after = _words_after(doc, mention.end, 3)
    if not after or after[0].idx != mention.end + 1 or after[0].idx in taken:
        return mention
    end = mention.end
    if mention.type == "organization" and after[0].is_digit and len(after[0].text) <= 3:
        end = after[0].idx + len(after[0].text)
    elif mention.type == "person":
        for k, tok in enumerate(after):
            if tok.idx in taken or tok.ent_type_ not in ("", "PERSON") or tok.is_sent_start:
                break
            particle = tok.lower_ in NAME_PARTICLES and k + 1 < len(after) \
                and after[k + 1].text[:1].isupper()
            if not (particle or (tok.pos_ == "PROPN" and tok.text[:1].isupper()
                                 and tok.text.isalpha())):
                break
            if k and after[k - 1].whitespace_ != " ":
                break
            if not particle:
                end = tok.idx + len(tok.text)
    if end == mention.end:
        return mention
    return replace(mention, end=end, text=doc.text[mention.start:end])


def _joined_people(doc: Doc, found: list[Mention]) -> list[Mention]:
    """Two persons the model cut apart with one space between are one name ("Zine El"
    + "Abidine Ben Ali", where the parser also broke the sentence; "Datuk Seri Mohd
    Azlan" + "Apandi")."""
    out: list[Mention] = []
    text = doc_text(doc)
    for m in sorted(found, key=lambda m: m.start):
        prev = out[-1] if out else None
        if prev is not None and m.type == "person" and prev.source == m.source == "model" \
                and text[prev.end:m.start] == " " \
                and (prev.type == "person" or _given_name_read_as_place(doc, prev)):
            out[-1] = replace(prev, end=m.end, text=text[prev.start:m.end])
            continue
        out.append(m)
    return out


def _given_name_read_as_place(doc: Doc, mention: Mention) -> bool:
    """A single capitalised word the model called a place, right before a person's
    name: a given name it did not know ("Milorad" + "Jencic")."""
    if mention.type != "place" or " " in mention.text or not mention.text.isalpha():
        return False
    at = _tokens_at(doc, mention.start)
    return at is not None and doc[at[0]].pos_ == "PROPN" and not doc[at[0]].is_sent_start


GIVEN_NAMES = 3
"""At most this many capitalised words are taken back into a person's name."""


def _given_names(doc: Doc, mention: Mention, taken: set[int], shapes: Shapes) -> Mention:
    """A person's name the model cut to its last words after a title ("Presidential
    Spokesperson Salvador" + "Panelo", "Mayor Sadiq" + "Khan") runs back over the
    capitalised words no other mention holds, up to the title."""
    if mention.type != "person" or mention.source != "model" \
            or shapes.strip_title(mention.text) != mention.text:
        return mention  # not cut: it opens with its title
    at = _tokens_at(doc, mention.start)
    if at is None:
        return mention
    start, i = mention.start, at[0] - 1
    for _ in range(GIVEN_NAMES):
        if i < 0:
            break
        tok = doc[i]
        if tok.idx in taken or tok.whitespace_ != " " or tok.pos_ != "PROPN" \
                or not tok.text[:1].isupper() or not tok.text.replace("-", "").isalpha() \
                or tok.ent_type_ not in ("", "PERSON") or shapes.is_title(tok.text) \
                or tok.text in shapes.not_entities:
            break
        start = tok.idx
        i -= 1
        if tok.is_sent_start:
            break
    opened = i < 0 or doc[i + 1].is_sent_start or _opens_name(doc[i], shapes)
    if start == mention.start or not opened:
        return mention
    return replace(mention, start=start, text=doc.text[start:mention.end])


def _opens_name(before: Token, shapes: Shapes) -> bool:
    """True when the word before the words taken back is a title, an honorific or
    no word at all: what a cut name's given names follow."""
    return before.is_punct or before.is_sent_end or shapes.is_title(before.text) \
        or before.text[:1].islower()


def _without_tail(mention: Mention, shapes: Shapes, spellings: dict[str, str]) -> Mention:
    """The surface form stays ("the Maute group" is how the text names it); the
    entity's name becomes the gazetteer's spelling without the tail."""
    if mention.source != "gazetteer":
        return mention
    for tail in shapes.generic_name_tails:
        if mention.text.endswith(" " + tail):
            spelling = spellings.get(name_key(mention.text[:-len(tail) - 1]))
            if spelling:
                return replace(mention, spelling=spelling)
    return mention


def _with_tail(doc: Doc, mention: Mention, shapes: Shapes) -> Mention:
    """An armed group's name followed by a generic word ("the Seleka rebels"): the
    surface form runs over the word, so the entity keeps it as an alias, and is
    named without it."""
    if mention.type != "armed_group":
        return mention
    rest = doc.text[mention.end:mention.end + 40]
    for tail in shapes.generic_name_tails:
        if rest.startswith(" " + tail) and not rest[len(tail) + 1:len(tail) + 2].isalnum():
            end = mention.end + len(tail) + 1
            return replace(mention, end=end, text=doc.text[mention.start:end],
                           spelling=mention.spelling or mention.text)
    return mention


def _tokens_at(doc: Doc, offset: int) -> tuple[int, int] | None:
    """The token boundary at character ``offset``: (start, end) token indexes, equal
    at a boundary, around the token when ``offset`` falls inside one."""
    span = doc.char_span(offset, offset, alignment_mode="expand")
    return (span.start, span.end) if span is not None else None


def _token_before(doc: Doc, offset: int):
    at = _tokens_at(doc, offset)
    i = at[0] if at is not None else None
    if i is None or i == 0:
        return None
    before = doc[i - 1]
    return before if before.idx + len(before.text) + len(before.whitespace_) == offset else None


def _regional(doc: Doc, mention: Mention, shapes: Shapes, states: set[str]) -> Mention:
    if mention.type not in ("place", "state"):
        return mention
    word = _token_before(doc, mention.start)
    if word is None or word.lower_ not in shapes.region_words or "\n" in word.whitespace_:
        return mention
    if word.text.islower() and mention.type == "place":
        return mention  # "central Kabul" is Kabul; "eastern Syria", "West Java" are places
    text = doc.text[word.idx:mention.end]
    if name_key(text) in states:
        return mention
    return Mention(word.idx, mention.end, text, "place", "shape")


def _words_after(doc: Doc, offset: int, limit: int = 3) -> list:
    at = _tokens_at(doc, offset)
    return [] if at is None else list(doc[at[1]:at[1] + limit])


def _local_body(doc: Doc, mention: Mention, shapes: Shapes) -> Mention | None:
    if mention.type != "place":
        return None
    after = _words_after(doc, mention.end)
    k = 0
    while k < len(after) - 1 and after[k].lower_ in shapes.local_body_modifiers:
        k += 1
    if k >= len(after) or after[k].lower_ not in shapes.local_bodies:
        return _named_office(doc, mention, shapes)
    if after[k].i + 1 < len(doc) and doc[after[k].i + 1].lower_ in ("of", "for"):
        return None  # "the Aleppo council of elders" is another shape
    end = after[k].idx + len(after[k].text)
    if any("\n" in t.whitespace_ for t in after[:k]):
        return None
    tail = after[k].i + 1
    if after[k].text[:1].isupper() and tail < len(doc) and doc[tail].text in ("'s", "’s"):
        tail += 1  # "Sheriff's Office"
    if after[k].text[:1].isupper() and tail < len(doc) \
            and doc[tail].text in shapes.local_body_tails:
        end = doc[tail].idx + len(doc[tail].text)  # "Police Department"
    return Mention(mention.start, end, doc.text[mention.start:end], "organization", "shape")


OFFICE_WORDS = 3
"""At most this many capitalised words between a place and an office noun."""


def _named_office(doc: Doc, mention: Mention, shapes: Shapes) -> Mention | None:
    """A place, capitalised words and an office noun (``local_body_tails``): the
    office's name, an organisation ("Basilan District Engineering Office")."""
    after = _words_after(doc, mention.end, OFFICE_WORDS + 1)
    if not after or after[0].idx != mention.end + 1:
        return None
    for k, tok in enumerate(after):
        if not tok.text[:1].isupper() or not tok.text.isalpha() \
                or (k and "\n" in after[k - 1].whitespace_):
            return None
        if k and tok.text in shapes.local_body_tails:
            end = tok.idx + len(tok.text)
            return Mention(mention.start, end, doc.text[mention.start:end], "organization",
                           "shape")
    return None


def _mission(doc: Doc, mention: Mention, shapes: Shapes) -> Mention | None:
    """A state and a mission noun: its embassy, an organisation ("US Embassy")."""
    if mention.type != "state":
        return None
    after = _words_after(doc, mention.end, 3)
    if not after or after[0].idx != mention.end + 1:
        return None
    for last in reversed(after):  # "Consulate-General", "High Commission" before "Mission"
        end = last.idx + len(last.text)
        if doc.text[after[0].idx:end] in shapes.mission_nouns:
            return Mention(mention.start, end, doc.text[mention.start:end], "organization",
                           "shape")
    return None


def _faction(doc: Doc, mention: Mention, shapes: Shapes) -> Mention | None:
    """"the Ngudjolo faction": a person's or a body's name and a faction noun name an
    armed group; after a group's own name ("an al-Shabaab faction") the noun is a
    generic tail (:func:`_with_tail`), and readers name the group."""
    if mention.type not in ("person", "organization"):
        return None
    after = _words_after(doc, mention.end, 1)
    if not after or after[0].lower_ not in shapes.faction_nouns or after[0].idx != mention.end + 1:
        return None
    end = after[0].idx + len(after[0].text)
    return Mention(mention.start, end, doc.text[mention.start:end], "armed_group", "shape")


def _joined_units(doc: Doc, found: list[Mention], shapes: Shapes) -> list[Mention]:
    """"Joint Task Force" + "Sulu" → "Joint Task Force Sulu"; a place right after
    a capitalised unit head no mention holds ("Task Force" + "Basilan") too."""
    out: list[Mention] = []
    for mention in sorted(found, key=lambda m: (m.start, -m.end)):
        previous = out[-1] if out else None
        if previous is not None and previous.type == "organization" \
                and mention.type in ("place", "state") and mention.start == previous.end + 1 \
                and doc.text[previous.end] == " " \
                and any(previous.text.casefold().endswith(h) for h in shapes.unit_heads):
            out[-1] = Mention(previous.start, mention.end, doc.text[previous.start:mention.end],
                              "organization", "shape")
            continue
        start = _unit_head_before(doc, mention, shapes, previous)
        if start is not None:
            mention = Mention(start, mention.end, doc.text[start:mention.end], "organization",
                              "shape")
        out.append(mention)
    return out


def _unit_head_before(doc: Doc, mention: Mention, shapes: Shapes,
                      previous: Mention | None) -> int | None:
    """Where a unit's name opens when a place follows a capitalised unit head of
    two words or more that no mention holds ("Task Force Basilan"), else None."""
    if mention.type not in ("place", "state"):
        return None
    before = doc.text[:mention.start]
    for head in sorted(shapes.unit_heads, key=len, reverse=True):
        if " " not in head:
            continue
        named = " ".join(w.capitalize() for w in head.split()) + " "
        start = mention.start - len(named)
        if before.endswith(named) and (previous is None or previous.end <= start) \
                and (start == 0 or not doc.text[start - 1].isalnum()):
            return start
    return None


ORDINAL = re.compile(r"\d{1,3}(?:st|nd|rd|th)")
"""A unit's number in words and digits: "74th", "1st"."""


def _numbered_unit(doc: Doc, mention: Mention) -> Mention:
    """An organisation's name right after an ordinal takes it in: the model
    leaves "74th" out of "the 74th Infantry Battalion"."""
    if mention.type not in ("organization", "armed_group"):
        return mention
    word = _token_before(doc, mention.start)
    if word is None or not ORDINAL.fullmatch(word.text) or "\n" in word.whitespace_:
        return mention
    return replace(mention, start=word.idx, text=doc.text[word.idx:mention.end])

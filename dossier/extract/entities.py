"""Typed entity mentions from a processed Doc (EXTRACTION_SCHEMA.md, "Entity types").

``mentions(doc)`` reads the entities the gazetteer and the model left on the Doc
and returns :class:`~dossier.model.Mention` items in the schema's five types:

* gazetteer spans keep the gazetteer's type;
* model labels map through ``vocab/entity_types.yaml``; a GPE is a ``state`` when
  the states gazetteer knows it, else a ``place``;
* names shaped like armed groups (``vocab/shapes.yaml``: "... Front",
  "... Brigades", "militant group X", "X militants") become ``armed_group``;
* a state or its demonym followed by a force noun ("US military", "Afghan
  commandos", "Nigerien soldiers") becomes one ``organization`` mention;
* a title in front of a person ("Mr Clarke") joins the mention's surface form;
* a run of proper nouns the model left unlabelled that speaks (the subject of a
  reporting verb) is a person ("Mohamad Fuzi Harun, the inspector-general, said");
* a place whose last word names a body is an organisation ("... Sheriff's Office");
* names composed with the words next to them ("eastern Syria", "Aleppo
  police", "the Bongos faction") are rewritten by :mod:`dossier.extract.compose`;
* dates, numbers, bare nationalities, facilities and stray words are dropped.

Grouping mentions into entities is the job of :mod:`dossier.extract.reference`.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from dossier.extract.compose import composed
from dossier.extract.gazetteer import TYPE_OF_LABEL
from dossier.extract.sentences import doc_text
from dossier.model import Mention
from dossier.vocabulary import Shapes, Vocabulary, name_key

_TRAILING = ".,;:!?'’\"”“)(-–—"
_LEADING = "\"“”'‘’(-–— "


def mentions(doc: Doc, vocab: Vocabulary) -> list[Mention]:
    """Every typed entity mention in ``doc``, in text order."""
    shapes = vocab.shapes
    states = {name_key(n) for e in vocab.by_type("state") for n in e.all_names}
    demonyms = vocab.demonym_index()
    forces = list(_state_forces(doc, shapes, demonyms)) + list(_self_named(doc, demonyms))
    taken = {i for m, span in forces for i in range(span.start, span.end)}
    found: list[Mention] = [m for m, _ in forces]
    spellings = vocab.spellings()
    adjectives = {k for k in demonyms if k not in states}
    adjectives |= {name_key(d) for e in vocab.by_type("state") for d in e.demonyms}
    for ent in doc.ents:
        if any(i in taken for i in range(ent.start, ent.end)):
            continue
        mention = _typed(ent, shapes, states, spellings)
        if mention is not None and name_key(mention.text) in adjectives \
                and not mention.text.isupper():
            continue  # a bare nationality ("Nigerien", "Saudi-raised"), not an entity
        if mention is not None and mention.source == "model":
            mention = _fuzzy_gazetteer(mention, vocab)
        if mention is not None:
            found.extend(_split_places(doc, mention))
            taken.update(range(ent.start, ent.end))
    found.extend(_listed_places(doc, found, taken, shapes))
    found.extend(_cued_groups(doc, shapes, taken, demonyms))
    found.extend(_unlabelled_speakers(doc, taken, shapes, vocab.lexicons.reporting_verbs))
    found.extend(_aged_names(doc, taken, shapes))
    found.extend(_unlabelled_local_bodies(doc, taken, shapes))
    found.extend(_portfolio_ministries(doc, taken, shapes))
    found = composed(doc, found, shapes, states, spellings)
    # Surnames are looked for once names are whole ("Graciano" + "Mijares").
    found.extend(_repeated_names(doc, found, _tokens_of(doc, found), shapes))
    found = [_capital_as_state(doc, m, vocab) for m in found]
    text = doc_text(doc)
    # A name never runs across a line break (a headline into the next line).
    whole = (_mended(m, text, shapes) for m in found if "\n" not in m.text)
    return sorted((m for m in whole if m is not None), key=lambda m: (m.start, -m.end))


def _capital_as_state(doc: Doc, mention: Mention, vocab: Vocabulary) -> Mention:
    """A capital standing for its government is the state: the subject of a verb
    ("Islamabad denied it"), a party ("talks between Moscow and Ankara"), the owner of
    what a government has ("Washington's support", ``government_nouns``); elsewhere
    it is the city ("a blast in Kabul", "Kabul's diplomatic quarter", a dateline).
    CONVENTIONS: a capital used for a government is the state."""
    if mention.type != "place" or mention.source != "gazetteer":
        return mention
    state_id = vocab.capital_index().get(name_key(mention.text))
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if state_id is None or span is None:
        return mention
    root = span.root
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head
    acting = root.dep_ in ("nsubj", "nsubjpass") and root.head.pos_ in ("VERB", "AUX") \
        or root.dep_ == "pobj" and root.head.lower_ in ("between", "with") \
        or root.dep_ == "poss" and root.head.lemma_.casefold() in vocab.shapes.government_nouns
    if not acting or root.i == root.sent.start and root.is_upper \
            or span.start > 0 and doc[span.start - 1].lower_ in ("capital", "city"):
        return mention  # the city itself, a dateline, or "the capital Jakarta"
    state = vocab.entries[state_id]
    return replace(mention, type="state", kb_id=state.id, spelling=state.name)


def _split_places(doc: Doc, mention: Mention) -> list[Mention]:
    """A place name the model ran over a conjunction is two places ("in Perlis and
    Kedah" read as one); a gazetteer name keeps its "and" ("Trinidad and Tobago")."""
    if mention.type != "place" or mention.source != "model":
        return [mention]
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return [mention]
    cut = next((t for t in span[1:-1] if t.lower_ == "and"
                and doc[t.i - 1].text[:1].isupper() and doc[t.i + 1].text[:1].isupper()), None)
    if cut is None:
        return [mention]
    left_end = doc[cut.i - 1].idx + len(doc[cut.i - 1].text)
    right_start = doc[cut.i + 1].idx
    return [replace(mention, end=left_end, text=doc.text[mention.start:left_end]),
            replace(mention, start=right_start, text=doc.text[right_start:mention.end])]


def _listed_places(doc: Doc, found: list[Mention], taken: set[int], shapes: Shapes
                   ) -> Iterator[Mention]:
    """A capitalised name the model left unlabelled, coordinated with a place ("in
    Perlis, Kedah and Penang" where only Perlis was labelled): a place too."""
    places = {t.i for m in found if m.type == "place"
              for t in (doc.char_span(m.start, m.end, alignment_mode="expand") or ())}
    for tok in doc:
        if tok.dep_ != "conj" or not _unlabelled_name_word(tok, taken, shapes) \
                or not any(c.i in places for c in tok.conjuncts):
            continue
        start = _unlabelled_run_before(doc, tok.i, taken, shapes)
        span = doc[start:tok.i + 1]
        if any(_is_title(t, shapes) for t in span):
            continue
        taken.update(range(span.start, span.end))
        yield _mention(span, "place", "shape")


def _mended(mention: Mention, text: str, shapes: Shapes) -> Mention | None:
    """A mention that is a whole name: one that ran on into a conjunction or into
    the next sentence loses it ("Isnilon Hapilon and" → "Isnilon Hapilon",
    "Khamzat A. He" → "Khamzat A."); one cut short ("Government of
    the") or starting mid-word is none."""
    if mention.start > 0 and text[mention.start - 1].isalnum():
        return None
    kept = mention.text
    words = kept.split()
    for k in range(1, len(words)):
        if words[k - 1].endswith(".") and words[k] in shapes.not_entities:
            # "Khamzat A. He obtained …": the name ended at the initial's dot
            kept = kept[:kept.index(" " + words[k])]
            break
    while len(kept.split()) > 1 and kept.split()[-1].casefold() in shapes.dangling_words:
        kept = kept[:kept.rindex(kept.split()[-1])].rstrip()
    if shapes.is_fragment(kept):
        return None
    end = mention.start + len(kept)
    return mention if kept == mention.text else replace(mention, end=end, text=kept)


def _typed(ent: Span, shapes: Shapes, states: set[str], spellings: dict[str, str]
           ) -> Mention | None:
    """One entity span → a typed mention, or None when it is no entity."""
    span = _trim(ent)
    if span is None:
        return None
    kb_id = ent.kb_id_ or None
    if ent.label_ in TYPE_OF_LABEL:
        mention = _mention(span, TYPE_OF_LABEL[ent.label_], "gazetteer", kb_id)
        return replace(mention, spelling=_spelling(mention, shapes, spellings))
    type_ = shapes.model_labels.get(ent.label_)
    if type_ is None or not _looks_like_name(span, shapes):
        return None
    if all(_is_title(t, shapes) or t.is_punct for t in span):
        return None  # a bare rank or honorific ("Sgt", "Supt.")
    if type_ == "organization" and _portfolio_in_title(span, shapes):
        return None  # "Defense Minister Luis Carlos Villegas", "Secretary of State"
    if type_ in ("person", "organization") and span.end < len(span.doc) \
            and span.doc[span.end].lower_ in shapes.facility_nouns:
        return None  # "the Weheliye hotel": part of a facility's name
    titled = _person_after_title(span, shapes)
    if titled is not None:
        # "Archbishop Laurent Lompo", "Isulan Mayor Marites Pallasigue": whatever
        # the model's label, a title before a name makes the name a person's.
        return _mention(titled, "person", "model")
    if _title_before(span, shapes) and (len(span) == 1 or (
            type_ == "organization" and len(span) <= 3
            and all(t.pos_ == "PROPN" for t in span) and not _names_a_body(span[-1], shapes))):
        # "Mr Clarke", "Sheikh Omar Bakri Hassan": whatever label the model
        # gave the name after the title
        type_ = "person"
    if span[0].text in shapes.person_name_openers and len(span) > 1 \
            and not _armed_group_shape(span, shapes):
        type_ = "person"  # "Abu Turaife"
    if span[0].text in shapes.place_name_openers and len(span) > 1 and type_ == "person":
        type_ = "place"  # "Pulau Gaya" read as a person's name
    if type_ in ("person", "organization") and span.end < len(span.doc) \
            and span.doc[span.end].text in shapes.place_nouns_after:
        type_ = "place"  # "Pom Pom island", "Marawi city"
    if type_ in ("person", "organization") and span.start >= 2 \
            and span.doc[span.start - 1].text in shapes.place_nouns_after \
            and span.doc[span.start - 2].lower_ == "the":
        type_ = "place"  # "in the town Bulamarer"
    admin_of = _place_after_admin_word(span, shapes)
    if admin_of is not None:
        return _mention(admin_of, "place", "model")  # "department of Arauca"
    if ent.label_ == "GPE" and name_key(span.text) in states:
        type_ = "state"
    if type_ == "place" and len(span) > 1 and _names_a_body(span[-1], shapes):
        type_ = "organization"  # "The Palm Beach County Sheriff's Office" read as a GPE
    if type_ in ("organization", "person") and (
            _armed_group_shape(span, shapes, words=type_ == "organization")
            or _after_cue(span, shapes)):
        return _mention(span, "armed_group", "shape")
    if type_ == "person":
        span = _with_title(span, shapes)
    return _mention(span, type_, "model")


FUZZY_CUTOFF = 90
"""rapidfuzz ratio (0–100) above which a name the model found is taken for a
gazetteer name misspelt ("Jeemah Islamiya"); same word count, 10+ characters."""
FUZZY_MIN_CHARS = 10


def _fuzzy_gazetteer(mention: Mention, vocab: Vocabulary) -> Mention:
    """A misspelt gazetteer name found by the model takes the gazetteer's type and id."""
    key = name_key(mention.text)
    if len(key) < FUZZY_MIN_CHARS or mention.type not in ("organization", "place", "person"):
        return mention
    found = vocab.closest_spelling(key, FUZZY_CUTOFF)
    if found is None or len(found.split()) != len(key.split()):
        return mention
    entry = vocab.entry_for_key(found)
    return replace(mention, type=entry.type, source="gazetteer", kb_id=entry.id,
                   spelling=entry.name)


def _mention(span: Span, type_: str, source: str, kb_id: str | None = None) -> Mention:
    start, end = span.start_char, span.end_char
    text = doc_text(span.doc)
    while end > start and text[end - 1] in _TRAILING:
        # Keep the dot of an abbreviation that is part of the name ("Jr.", "U.S.").
        if text[end - 1] == "." and end - start > 2 and text[end - 3] == ".":
            break
        end -= 1
    for suffix in ("'s", "’s"):
        if text[start:end].endswith(suffix):
            end -= len(suffix)
    while start < end and text[start] in _LEADING:
        start += 1
    return Mention(start, end, text[start:end], type_, source, kb_id)


def _trim(span: Span) -> Span | None:
    """Drop a leading article and surrounding punctuation tokens."""
    start, end = span.start, span.end
    while start < end and (span.doc[start].lower_ in ("the", "a", "an")
                           or span.doc[start].is_punct):
        start += 1
    while end > start and span.doc[end - 1].is_punct and span.doc[end - 1].text != ".":
        end -= 1
    while end > start and span.doc[end - 1].text in ("'s", "’s"):
        end -= 1
    if start >= end:
        return None
    return Span(span.doc, start, end, label=span.label, kb_id=span.kb_id)


def _spelling(mention: Mention, shapes: Shapes, spellings: dict[str, str]) -> str | None:
    """The gazetteer's spelling of a mention's name; for a place, of the name
    without its administrative word ("Sahel" for "Sahel region")."""
    words = name_key(mention.text).split()
    if mention.type == "place" and len(words) > 1 and words[-1] in shapes.place_admin_words:
        bare = spellings.get(" ".join(words[:-1]))
        if bare:
            return bare
    return spellings.get(" ".join(words))


def _looks_like_name(span: Span, shapes: Shapes) -> bool:
    text = span.text.strip(_TRAILING + _LEADING)
    if len(text) < 2 or not any(c.isalpha() for c in text):
        return False
    if text in shapes.not_entities:
        return False
    if not any(t.text[:1].isupper() for t in span):
        return False
    # The model sometimes fuses a damaged quotation mark into a name ("âThey").
    return not any(t.is_stop and t.text[:1].isupper() and t.lower_ not in ("of", "and")
                   and t.i == span.start and len(span) == 1 for t in span)


def _armed_group_shape(span: Span, shapes: Shapes, words: bool = True) -> bool:
    """A name shaped like an armed group's ("X Front", "Lashkar-e-X").

    words: also look for armed-group words inside the name ("Lashkar", "Ansar");
        off for names read as a person's, which often hold them ("Zabihullah Mujahid").
    """
    lower = span.text.casefold()
    if any(w in lower for w in shapes.state_force_words):
        return False
    name_words = name_key(span.text).split()
    if not name_words:
        return False
    if name_words[-1] in shapes.armed_group_heads and len(name_words) > 1:
        return True
    return words and any(w in shapes.armed_group_words for w in name_words)


def _names_a_body(last: Token, shapes: Shapes) -> bool:
    """A name's last word that makes it an institution's ("… Police Department",
    "… Sheriff's Office", "… University")."""
    return last.text in shapes.local_body_tails or last.text in shapes.institution_heads \
        or last.text[:1].isupper() and last.lower_ in shapes.local_bodies


def _is_title(token: Token, shapes: Shapes) -> bool:
    return shapes.is_title(token.text)


def _portfolio_in_title(span: Span, shapes: Shapes) -> bool:
    """A lone portfolio word that opens a title ("Defense Minister X") or closes
    one ("Secretary of State X", "the Minister of Defence")."""
    if len(span) != 1 or span.text not in shapes.portfolios:
        return False
    doc = span.doc
    opens = span.end < len(doc) and _is_title(doc[span.end], shapes)
    closes = span.start >= 2 and doc[span.start - 1].lower_ == "of" \
        and _is_title(doc[span.start - 2], shapes)
    return opens or closes


def _person_after_title(span: Span, shapes: Shapes) -> Span | None:
    """The titled person inside a span: "Mayor Marites Pallasigue" in a longer name,
    "Inspector-General of Police Mohamad Fuzi Harun" (a title of several tokens)."""
    for k in range(len(span)):
        for j in range(len(span) - 1, k, -1):
            rest = span[j:]
            if shapes.is_title(span[k:j].text) \
                    and all(t.text[:1].isupper() or t.is_punct for t in rest) \
                    and rest[0].text[:1].isupper() \
                    and not any(_is_title(t, shapes) for t in rest):
                return span[k:]
    return None


def _place_after_admin_word(span: Span, shapes: Shapes) -> Span | None:
    """"department of Arauca" → "Arauca"."""
    if len(span) > 2 and span[0].lower_ in shapes.place_admin_words and span[1].lower_ == "of":
        return span[2:]
    return None


def _title_before(span: Span, shapes: Shapes) -> bool:
    return span.start > 0 and _is_title(span.doc[span.start - 1], shapes)


def _after_cue(span: Span, shapes: Shapes) -> bool:
    """True when an armed-group cue stands right before the name ("militant group X")."""
    return _cue_ends_at(span.doc, span.start, shapes)


def _cue_ends_at(doc: Doc, index: int, shapes: Shapes) -> bool:
    if index == 0 or doc[index - 1].lower_ not in shapes.cue_last_words:
        return False
    for cue in shapes.armed_group_cues:
        words = cue.split()
        start = index - len(words)
        if start >= 0 and [t.lower_ for t in doc[start:index]] == words:
            return True
    return False


def _with_title(span: Span, shapes: Shapes) -> Span:
    """Extend a person span left over titles ("Mr", "Gen.", "Commander")."""
    start = span.start
    while start > 0 and _is_title(span.doc[start - 1], shapes):
        start -= 1
    return span.doc[start:span.end]


def _state_forces(doc: Doc, shapes: Shapes, demonyms: dict[str, str]
                  ) -> Iterator[tuple[Mention, Span]]:
    """"US military", "Afghan commandos", "US-led coalition": state force mentions."""
    phrases = sorted(((p, cls) for cls, ps in shapes.state_forces.items() for p in ps),
                     key=lambda pc: -len(pc[0]))
    i = 0
    while i < len(doc):
        tok = doc[i]
        state_end = _state_word_end(doc, i, demonyms)
        if state_end is None:
            i += 1
            continue
        match = _force_phrase(doc, state_end, phrases, shapes)
        if match is None:
            i += 1
            continue
        end, cls = match
        span = doc[tok.i:end]
        state_id = demonyms[name_key(doc[tok.i:state_end].text)]
        yield _mention(span, "organization", "state_force", f"{state_id}#{cls}"), span
        i = end


def _state_word_end(doc: Doc, i: int, demonyms: dict[str, str]) -> int | None:
    """End of a state name or demonym starting at token ``i`` (up to 3 tokens)."""
    if not doc[i].text[:1].isupper():
        return None
    for end in range(min(len(doc), i + 3), i, -1):
        if name_key(doc[i:end].text) in demonyms and not doc[end - 1].is_punct:
            return end
    return None


def _force_phrase(doc: Doc, start: int, phrases: list[tuple[str, str]], shapes: Shapes
                  ) -> tuple[int, str] | None:
    """A force noun phrase ("special forces", "-led coalition") at ``start``; one
    a title follows ends there ("Nigerian Police Chief Inspector-General Ibrahim Idris")."""
    for phrase, cls in phrases:
        tokens = _phrase_tokens(phrase)
        end = start + len(tokens)
        if end > len(doc):
            continue
        words = [t.lower_ for t in doc[start:end]]
        if words == tokens and not (end < len(doc) and _continues_name(doc[end])
                                    and not _is_title(doc[end], shapes)):
            return end, cls
    return None


def _phrase_tokens(phrase: str) -> list[str]:
    return phrase.replace("-", " - ").split()


def _continues_name(tok: Token) -> bool:
    # "Afghan Army Special Operations Command" is a named unit the model reads
    # as a whole; stop the force phrase from cutting it.
    return tok.text[:1].isupper() and tok.pos_ == "PROPN"


def _cued_groups(doc: Doc, shapes: Shapes, taken: set[int], demonyms: dict[str, str]
                 ) -> Iterator[Mention]:
    """Names the model missed after a cue: "militant group Ansar Dine"."""
    for start in range(1, len(doc)):
        if start in taken or not _cue_ends_at(doc, start, shapes):
            continue
        end = start
        while end < len(doc) and doc[end].pos_ == "PROPN" and end not in taken:
            end += 1
        if end > start and name_key(doc[start:end].text) not in demonyms:
            taken.update(range(start, end))
            yield _mention(doc[start:end], "armed_group", "shape")


def _unlabelled_speakers(doc: Doc, taken: set[int], shapes: Shapes,
                         reporting_verbs: frozenset[str]) -> Iterator[Mention]:
    """A name of two or more proper nouns the model left unlabelled that is the
    subject of a reporting verb is a person's ("Mohamad Fuzi Harun, the
    inspector-general of police, said"): who speaks is named, and a run of
    capitalised given names with no organisation word in it names a person."""
    for verb in doc:
        if verb.pos_ != "VERB" or verb.lemma_.casefold() not in reporting_verbs:
            continue
        for subject in verb.children:
            if subject.dep_ != "nsubj" or not _unlabelled_name_word(subject, taken, shapes):
                continue
            start = subject.i
            while start > 0 and _unlabelled_name_word(doc[start - 1], taken, shapes) \
                    and doc[start - 1].head.i == subject.i:
                start -= 1
            while start < subject.i and _is_title(doc[start], shapes):
                start += 1  # "Datuk Hazani Ghazali": the titles join it below
            span = doc[start:subject.i + 1]
            if len(span) < 2 or any(_is_title(t, shapes) or _names_a_body(t, shapes)
                                    for t in span):
                continue
            taken.update(range(span.start, span.end))
            yield _mention(_with_title(span, shapes), "person", "model")


MAX_AGE = 110
_TIME_LABELS = ("DATE", "TIME")


def _aged_names(doc: Doc, taken: set[int], shapes: Shapes) -> Iterator[Mention]:
    """A name the model left unlabelled with an age in commas after it is a person's,
    one word or several ("Annette, 80, one of the mourners, said"): only people's
    names are written so. One capitalised word the text also writes in lower case
    is a common noun ("Engineer, 32, jailed" over "a civil engineer")."""
    lower = {t.text for t in doc if t.is_lower}
    for age in doc[2:-1]:
        if not (age.is_digit and 0 < int(age.text) <= MAX_AGE
                and doc[age.i - 1].text == "," and doc[age.i + 1].text in (",", ")")):
            continue
        end = age.i - 1
        start = _unlabelled_run_before(doc, end, taken, shapes)
        span = doc[start:end]
        if not span or any(_is_title(t, shapes) or _names_a_body(t, shapes) for t in span) \
                or len(span) == 1 and span[0].lower_ in lower \
                or start > 0 and doc[start - 1].is_title and doc[start - 1].i in taken:
            continue
        taken.update(range(span.start, span.end))
        yield _mention(_with_title(span, shapes), "person", "model")


def _unlabelled_local_bodies(doc: Doc, taken: set[int], shapes: Shapes) -> Iterator[Mention]:
    """A name the model left unlabelled before a local body's word in lower case is
    that body ("A spokesman for Hounslow police said"): the place's name is what
    tells one police force from another."""
    for body in doc[1:]:
        if not body.is_lower or body.lower_ not in shapes.local_bodies or body.i in taken:
            continue
        start = _unlabelled_run_before(doc, body.i, taken, shapes)
        span = doc[start:body.i + 1]
        if len(span) < 2 or any(_is_title(t, shapes) for t in span):
            continue
        taken.update(range(span.start, span.end))
        yield _mention(span, "organization", "shape")


_SELF_NAMING = ("himself", "herself")
_MAX_NAME_WORDS = 4


def _self_named(doc: Doc, demonyms: dict[str, str]) -> Iterator[tuple[Mention, Span]]:
    """The name a person gives themself is a person's, whatever it spells ("the
    commander who gave his name as Ardal Raqqa", "identified himself only as Yehya",
    "Baa-Koro"); a nationality is no name ("introduced himself as South Korean")."""
    for word in doc[2:-1]:
        if word.lower_ != "as":
            continue
        before = [t.lower_ for t in doc[max(0, word.i - 3):word.i]]
        if "name" not in before and not any(w in _SELF_NAMING for w in before):
            continue
        end = word.i + 1
        while end < len(doc) and end - word.i <= _MAX_NAME_WORDS and (
                doc[end].is_title and doc[end].pos_ == "PROPN"
                or doc[end].text == "-" and not doc[end - 1].whitespace_
                and end + 1 < len(doc) and doc[end + 1].is_title):
            end += 1
        span = doc[word.i + 1:end]
        if len(span) and name_key(span.text) not in demonyms \
                and name_key(span[-1].text) not in demonyms:
            yield _mention(span, "person", "shape"), span


def _portfolio_ministries(doc: Doc, taken: set[int], shapes: Shapes) -> Iterator[Mention]:
    """A ministry written in lower case after its portfolio is a body all the same
    ("the interior ministry said", "the Tunisian interior ministry"), with the
    nationality word before it when there is one."""
    portfolios = {p.casefold() for p in shapes.portfolios}
    for body in doc[1:]:
        if body.lower_ != "ministry" or not body.is_lower or body.i in taken:
            continue
        start = body.i - 1
        if doc[start].lower_ not in portfolios or not doc[start].is_lower or start in taken:
            continue
        if start > 0 and doc[start - 1].pos_ == "ADJ" and doc[start - 1].is_title:
            start -= 1  # "Tunisian interior ministry"
        taken.update(range(start, body.i + 1))
        yield _mention(doc[start:body.i + 1], "organization", "shape")


def _unlabelled_run_before(doc: Doc, end: int, taken: set[int], shapes: Shapes) -> int:
    """Where the run of unlabelled name words ending before ``end`` starts; a day or a
    month is no name word ("Sunday police", "October, 28")."""
    start = end
    while start > 0 and _unlabelled_name_word(doc[start - 1], taken, shapes) \
            and doc[start - 1].ent_type_ not in _TIME_LABELS:
        start -= 1
    return start


def _unlabelled_name_word(tok: Token, taken: set[int], shapes: Shapes) -> bool:
    """A capitalised proper noun no kept mention holds (the model may have read it
    as a label Dossier drops: "Mohamad Fuzi Harun" as a WORK_OF_ART)."""
    return tok.pos_ == "PROPN" and tok.is_title and tok.is_alpha and tok.i not in taken \
        and tok.ent_type_ not in shapes.model_labels


def _tokens_of(doc: Doc, found: list[Mention]) -> set[int]:
    """Indexes of the tokens the mentions cover."""
    taken: set[int] = set()
    for m in found:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None:
            taken.update(range(span.start, span.end))
    return taken


def _repeated_names(doc: Doc, found: list[Mention], taken: set[int], shapes: Shapes
                    ) -> Iterator[Mention]:
    """Later uses of a person's surname the model did not label ("Farouk added")."""
    surnames: dict[str, Mention] = {}
    for m in found:
        words = m.text.split()
        if m.type == "person" and len(words) > 1 and not shapes.is_title(words[-1]):
            last = [w for w in words if w not in shapes.name_suffixes][-1]
            surnames.setdefault(last, m)
            bare = shapes.without_article(last)
            if bare:
                surnames.setdefault(bare, m)  # "Sisi" for "al-Sisi"
    for tok in doc:
        # The exact surname, capitalised, is enough: the tagger often calls a
        # sentence-initial surname a common noun.
        if tok.i in taken or tok.text not in surnames or tok.is_stop \
                or tok.pos_ not in ("PROPN", "NOUN"):
            continue
        if tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ == "PROPN":
            continue  # part of a longer name ("Farouk Street")
        taken.add(tok.i)
        yield _mention(_with_title(doc[tok.i:tok.i + 1], shapes), "person", "model")


@Language.factory("dossier_entities", requires=["doc.ents"], assigns=["doc._.mentions"])
def make_entities(nlp: Language, name: str):
    """Component: put the typed mentions on ``doc._.mentions``."""
    from dossier import vocabulary

    vocab = vocabulary.load()
    if not Doc.has_extension("mentions"):
        Doc.set_extension("mentions", default=None)

    def entities_component(doc: Doc) -> Doc:
        doc._.mentions = mentions(doc, vocab)
        return doc

    return entities_component

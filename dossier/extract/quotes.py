"""Direct quotations and who said them (EXTRACTION_SCHEMA.md, "Quotes").

``quotes(doc, antecedents, lexicons)`` yields one dict per quotation of at least
:data:`MIN_WORDS` words:

1. **Scan** (:mod:`dossier.extract.quote_marks`): the stretches between quotation
   marks, double or single, tolerant of marks that never close.
2. **Attribute.** In the sentences around the marks, outside the quoted words, a
   reporting verb (``vocab/reporting_verbs.txt``) is looked for, after the quote
   first (",” said X"), then before it ("X said: “…”", or a partial quotation the
   verb before governs: "He added that the victim “…”"); its subject is the
   speaker, resolved through :class:`~dossier.extract.antecedents.Antecedents`
   (names, "Mr Jones", "the group", "the report", "the judge" for the person a
   judge's title was given to, "the spokesman" for the body a spokesman spoke for).
   "he" after a quotation is who spoke last before it opened — a person, a role, or
   an unnamed source, which leaves the quote anonymous — else the person the
   sentence before is about; "he added" after a quotation with a speaker goes on
   with that speaker when no other person is named between. "according to X" works
   the same way. "quoted X as saying" and a passive's agent ("described by X as")
   give X; the one told or informed in the passive is no speaker. A sentence after
   the quotation attributes it only when it opens with the attribution ("“…” The
   ministry said."). Two quotations joined by "and" share one attribution. Failing
   that, a quote goes to the person who spoke in the sentence before it, else
   continues the speaker of the quote just before it in the same or previous
   paragraph (a short quotation with a speaker starts such a run too). A headline
   quoting words the body attributes is said by whoever says them there.
3. Anonymous speakers ("an official", "witnesses") give ``speaker: null`` with
   their words kept in ``speaker_text``.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from rapidfuzz import fuzz
from spacy.tokens import Doc, Span, Token

from dossier import vocabulary
from dossier.extract.antecedents import Antecedents, definite
from dossier.extract.quote_marks import CLOSING, OPENING, QuoteSpan, quote_spans
from dossier.extract.sentences import doc_text
from dossier.model import Entity, Quote
from dossier.vocabulary import Lexicons, acronym_of

MIN_WORDS = 4
RUN_ON_PARAGRAPHS = 2
"""How many paragraphs a run of quotations by one speaker may span."""
_SPEAKER_DEPS = ("nsubj", "nsubjpass")
_SPEAKER_TYPES = ("person", "organization", "armed_group", "state")
_NEAR_CHARS = 80


def _words(text: str) -> int:
    return len(re.findall(r"\w+(?:[’'-]\w+)*", text))


def quotes(doc: Doc, antecedents: Antecedents, lexicons: Lexicons) -> Iterator[Quote]:
    """Direct quotations with their speakers; see the module docstring."""
    found = list(_quotes(doc, antecedents, lexicons))
    headline_end = doc_text(doc).find("\n")
    for quote in found:
        if quote.speaker is None and quote.speaker_text is None and quote.span[1] <= headline_end:
            # A headline quoting words the body attributes: "‘I saw it all’" over "… said X."
            said = _words_key(quote.text)
            quote = next((replace(quote, speaker=q.speaker, by="rule:quotes.headline")
                          for q in found if q.span[0] > headline_end and q.speaker
                          and said in _words_key(q.text)), quote)
        yield quote


def _words_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _quotes(doc: Doc, antecedents: Antecedents, lexicons: Lexicons) -> Iterator[Quote]:
    previous: tuple[int, Entity | None, str | None] | None = None
    previous_end = 0  # where the last quotation with a speaker closed
    text = doc_text(doc)
    found = quote_spans(text)
    quoted = [(q.start, q.end) for q in found]
    attributed = [_attribute(doc, q, antecedents, lexicons, quoted) for q in found]
    for k in range(len(found) - 2, -1, -1):
        if attributed[k] == (None, None) and _joined_to_next(text, found[k], found[k + 1]):
            attributed[k] = attributed[k + 1]  # “…” and “…,” X said
    for q, (speaker, speaker_text) in zip(found, attributed):
        content = text[q.start:q.end].strip()
        if _words(content) < MIN_WORDS:
            if speaker is not None:  # “It was hell,” he said. “Not only …”
                previous, previous_end = (q.paragraph, speaker, speaker_text), q.end
            continue
        how = "attributed" if speaker is not None or speaker_text is not None else "unattributed"
        if speaker is None and speaker_text is None:
            # "Azami pleaded with the court to …. “…”": who spoke just before
            spoke = _last_speaker_before(q, antecedents, lexicons, quoted, None)
            if spoke is not None and spoke[0] is not None:
                speaker, speaker_text = spoke
                how = "spoke_before"
        if speaker is None and speaker_text is None and previous is not None \
                and q.paragraph - previous[0] <= 1:
            speaker, speaker_text = previous[1], previous[2]
            how = "run_on"  # the speaker of the quotation just before
        elif speaker is None and speaker_text is not None and previous is not None \
                and previous[1] is not None and q.paragraph - previous[0] <= RUN_ON_PARAGRAPHS \
                and previous[1].type in lexicons.pronouns.get(speaker_text.casefold(), ()):
            # "…," he said: a pronoun nothing before resolves is the speaker of the run.
            speaker = previous[1]
            how = "run_on"
        elif speaker is not None and previous is not None \
                and _continues(previous, previous_end, q, speaker_text, antecedents, lexicons):
            # “…,” Roque said. “…,” he said. “…” he added: no one else came between
            speaker = previous[1]
            how = "run_on"
        if speaker is not None:
            previous_end = q.end
        previous = (q.paragraph, speaker, speaker_text)
        raw = text[q.start:q.end]
        start = q.start + (len(raw) - len(raw.lstrip()))
        yield Quote(speaker.id if speaker else None, speaker_text, content.rstrip(",").strip(),
                    (start, start + len(content)), by=f"rule:quotes.{how}")


def _continues(previous: tuple[int, Entity | None, str | None], previous_end: int,
               q: QuoteSpan, pronoun: str | None, antecedents: Antecedents,
               lexicons: Lexicons) -> bool:
    """True when a pronoun attributing ``q`` ("he added") goes on with the speaker of
    the quotation before: a person, within the paragraph after, the pronoun of the
    same gender as that speaker's own, and no other person named in between."""
    paragraph, speaker, words = previous
    if speaker is None or pronoun is None or speaker.type != "person" \
            or lexicons.pronouns.get(pronoun.casefold()) != ("person",) \
            or q.paragraph - paragraph > 1:
        return False
    genders = lexicons.pronoun_genders
    if words and words.casefold() in genders \
            and genders[words.casefold()] != genders.get(pronoun.casefold()):
        return False
    between = antecedents.in_span(previous_end, max(previous_end, q.start - 1), ("person",))
    return all(e is speaker for e in between)


def _joined_to_next(text: str, q: QuoteSpan, following: QuoteSpan) -> bool:
    """True when only "and", "or" or punctuation stands between the closing mark of
    ``q`` and the opening one of ``following``: two quotations attributed once."""
    between = text[q.end + 1:max(q.end + 1, following.start - 1)]
    if not between.strip() and text[q.start:q.end].rstrip().endswith((".", "?", "!")) \
            and text[q.end:q.end + 1] in CLOSING + '"':
        return False  # “… failure.” “The precision …,” said X: two paragraphs run together
    return len(between) <= 8 and re.fullmatch(r"[\s,;]*(?:and|or|but)?[\s,;]*", between) is not None


def _attribute(doc: Doc, q: QuoteSpan, antecedents: Antecedents, lexicons: Lexicons,
               quoted: list[tuple[int, int]]) -> tuple[Entity | None, str | None]:
    """The speaker of one quotation, from the words around it. ``quoted``: every
    quotation's span; a name inside one is never whom "he" or "it" stands for."""
    window = _window(doc, q)
    if window is None:
        return None, None
    marks = {s - 1 for s, _ in quoted} | {e for _, e in quoted}
    after = _until_quote([t for t in window if t.idx > q.end], marks)
    before = _until_quote([t for t in reversed(window) if t.idx < q.start - 1], marks)
    # Nearest first: after the quote reading forward, before it reading back; before
    # first when a colon opens the quotation ("Macron said: “…”").
    text = doc_text(doc)
    colon = text[:max(0, q.start - 1)].rstrip().endswith(":")
    order = (before, after) if colon or _governed_from_before(doc, q, lexicons) \
        else (after, before)
    for tokens in order:
        for verb in tokens:
            if _is_reporting(verb, lexicons) and not _reports_its_own_words(verb, q) \
                    and _opens_attribution(verb, q) \
                    and not any(a <= verb.idx < b for a, b in quoted
                                if (a, b) != (q.start, q.end)):  # another quote's words
                found = _speaker_of(verb, antecedents, lexicons, q, quoted)
                if found is not None:
                    return found
        for tok in tokens:
            if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
                objects = [c for c in doc[tok.i + 1].children if c.dep_ == "pobj"]
                if objects:
                    return _resolve_speaker(objects[0], antecedents, lexicons, quoted)
    if colon and before:
        # "Muhammad Kabo, a tea seller, gave a similar account: “…”": a colon hands the
        # quotation to whoever the clause before it is about, reporting verb or not.
        for head in (t for t in before if t.pos_ in ("VERB", "AUX")):
            subjects = [c for c in head.children if c.dep_ in _SPEAKER_DEPS]
            if subjects:
                found, words = _resolve_speaker(subjects[0], antecedents, lexicons, quoted)
                if found is not None and found.type in _SPEAKER_TYPES:
                    return found, words
                break
    return None, None


def _governed_from_before(doc: Doc, q: QuoteSpan, lexicons: Lexicons) -> bool:
    """True when the quotation's first word hangs on a reporting verb before it in the
    same sentence ("He added that the victim “remains critically ill”."): that verb
    attributes it, not one in the next sentence."""
    first = doc.char_span(q.start, q.start + 1, alignment_mode="expand")
    if not first:
        return False
    word = first[0]
    return any(_is_reporting(a, lexicons) and a.idx < q.start - 1 and a.sent == word.sent
               for a in word.ancestors)


def _until_quote(tokens: list[Token], marks: set[int]) -> list[Token]:
    """Tokens up to the next quotation mark (``marks``: where single ones stand, an
    apostrophe's twin): another quote's words are not attribution."""
    out = []
    for tok in tokens:
        if tok.text in OPENING or tok.text in CLOSING or tok.text == '"' or tok.idx in marks:
            break
        out.append(tok)
    return out


def _window(doc: Doc, q: QuoteSpan) -> Span | None:
    """The sentences from the one opening the quote to the one closing it."""
    first = doc.char_span(max(0, q.start - 1), q.start, alignment_mode="expand")
    last = doc.char_span(max(0, q.end - 1), min(len(doc_text(doc)), q.end + 1),
                         alignment_mode="expand")
    if first is None or last is None:
        return None
    start = first[0].sent.start
    end = last[-1].sent.end
    # A closing mark may end its sentence ("… possible.” said X"): take the next one too
    # when the words right after the mark are the attribution.
    if end < len(doc) and doc[end - 1].idx < q.end + 2 and end < len(doc):
        end = doc[end].sent.end
    shapes = vocabulary.load().shapes
    for _ in range(3):
        # "… spokesman Insp. Gen. Setyo Wasisto said": the parser ended the sentence
        # at a title's dot.
        last = doc[end - 2] if end >= 2 and doc[end - 1].text == "." else doc[end - 1]
        if end >= len(doc) or not doc[end - 1].text.endswith(".") \
                or not shapes.is_title(last.text):
            break
        end = doc[end].sent.end
    return doc[start:end]


def _opens_attribution(verb: Token, q: QuoteSpan) -> bool:
    """A reporting verb in a sentence after the one the quotation closes attributes
    it only when that sentence opens with it ("“….” said X.", "“….” The ministry
    said."), not in "“….” The government has yet to announce …"."""
    sentence = verb.sent
    if sentence.start_char < q.end or verb.i == sentence.start:
        return True
    subjects = [c for c in verb.children if c.dep_ in _SPEAKER_DEPS]
    held = {t.i for s in subjects for t in s.subtree}
    return all(t.i in held or t.is_punct or t.dep_ in ("aux", "auxpass")
               for t in sentence[:verb.i - sentence.start])


def _reports_its_own_words(verb: Token, q: QuoteSpan) -> bool:
    """True for a reporting verb in the sentence after the quotation that governs a
    clause of its own ("“…,” he said. Police chief X said the bomb exploded …"): it
    attributes those words, not the quotation."""
    quote_sentence_end = verb.doc.char_span(max(0, q.end - 1), q.end,
                                            alignment_mode="expand")
    if not quote_sentence_end or verb.i < quote_sentence_end[0].sent.end:
        return False
    return any(c.dep_ == "ccomp" and not q.start <= c.idx < q.end for c in verb.children)


def _is_reporting(token: Token, lexicons: Lexicons) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.lemma_.casefold() in lexicons.reporting_verbs


def _speaker_of(verb: Token, antecedents: Antecedents, lexicons: Lexicons, q: QuoteSpan,
                quoted: list[tuple[int, int]]) -> tuple[Entity | None, str | None] | None:
    quoted_person = _quoted_as_saying(verb, lexicons) or _passive_agent(verb)
    if quoted_person is not None:
        return _resolve_speaker(quoted_person, antecedents, lexicons, quoted)
    subjects = [c for c in verb.children if c.dep_ in _SPEAKER_DEPS]
    if not subjects and verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.i != verb.i:
        subjects = [c for c in verb.head.children if c.dep_ in _SPEAKER_DEPS]
    if verb.lemma_.casefold() in lexicons.addressee_verbs:
        # "Putin had been informed that …": the one spoken to is no speaker
        subjects = [s for s in subjects if s.dep_ != "nsubjpass" or s.head.i != verb.i]
        if not subjects and any(c.dep_ == "auxpass" for c in verb.children):
            return None
    if not subjects and q.end <= verb.idx <= q.end + 4:
        # "“…,” recalled Tony": the inverted subject the parser took for an object
        subjects = [c for c in verb.rights if c.left_edge.i == verb.i + 1
                    and c.pos_ in ("PROPN", "NOUN")
                    and c.dep_ in ("npadvmod", "dobj", "attr", "oprd")]
    # A subject inside the quotation means the verb belongs to the quoted words,
    # unless the parser also found one outside ("“The bus deviated,” Madbouly told
    # ...", parsed with two subjects): the nearest outside the marks is the speaker.
    outside = [s for s in subjects if not q.start <= s.idx < q.end]
    if not subjects and not q.start <= verb.idx < q.end:
        # the verb's (or, for "…, saying", its head's) subject parsed as something else
        governing = verb.head if verb.dep_ in ("conj", "advcl", "xcomp") else verb
        for i in sorted({v.i - 1 for v in (verb, governing) if v.i > 0}, reverse=True):
            word = verb.doc[i]
            named = _name_parsed_as_other(word, antecedents)
            if named is not None:
                return named, word.text
    if not outside:
        return _named_before_verb(verb, q, antecedents)
    subject = min(outside, key=lambda s: abs(s.i - verb.i))
    types = lexicons.pronouns.get(subject.lower_, ())
    if types == ("person",) and subject.idx >= q.end:
        # "X reminded that Y …. “… Two sentences. …,” he said": who spoke just before
        # the quotation opened, before whoever else the sentences inside it pass over;
        # no one when that was an unnamed source ("The source said …. “…,” he said").
        spoke = _last_speaker_before(q, antecedents, lexicons, quoted, subject.lower_)
        if spoke is not None:
            # an unnamed source keeps its words, so "he" is not read as the run's speaker
            return spoke[0], spoke[1] if spoke[0] is None else subject.text
        topic = _person_in_focus_before(q, antecedents, lexicons, quoted, subject.lower_)
        if topic is not None:
            return topic, subject.text
    found, text = _resolve_speaker(subject, antecedents, lexicons, quoted)
    if found is None and types and subject.idx >= q.end:
        # "“… Two sentences. …,” he told reporters": reach back from where the
        # quotation opens, not across the sentences inside it.
        found = antecedents.before(q.start, types, quoted)
    return found, text


def _quoted_as_saying(verb: Token, lexicons: Lexicons) -> Token | None:
    """The one quoted in "IRNA reported Zarif as saying", "sources quoted the man as
    saying “…”": the object of the verb that "as saying" hangs on, or None."""
    if verb.dep_ == "pcomp" and verb.head.lower_ == "as":
        governor = verb.head.head
    elif any(p.lower_ == "as" and any(c.dep_ == "pcomp" and _is_reporting(c, lexicons)
                                      for c in p.children)
             for p in verb.children if p.dep_ == "prep"):
        governor = verb
    else:
        return None
    return next((c for c in governor.children if c.dep_ == "dobj"), None)


def _name_parsed_as_other(word: Token, antecedents: Antecedents) -> Entity | None:
    """The speaker a name right before a reporting verb stands for when the parse
    made it no subject: an object ("In a tweet President Emmanuel Macron said"), an
    auxiliary ("IS claimed"), a modal ("“…,” May said": a surname read as a word)."""
    if not word.text[:1].isupper():
        return None
    named = antecedents.at(word.idx, word.idx + len(word))
    if named is not None and named.type in _SPEAKER_TYPES:
        return named
    if word.pos_ != "PROPN" and word.text.istitle():
        return _person_by_name_word([word], antecedents, any_word=True)
    return None


def _passive_agent(verb: Token) -> Token | None:
    """Who speaks in the passive: "described by Barack Obama as “…”", "was quoted by
    X"; None for an active verb."""
    passive = any(c.dep_ == "auxpass" for c in verb.children) or verb.dep_ == "acl" and any(
        c.dep_ == "prep" and c.lower_ == "as" for c in verb.children)  # "X, described … as"
    if not passive:
        return None
    return next((o for a in verb.children if a.dep_ == "agent"
                 for o in a.children if o.dep_ == "pobj"), None)


_NOUN_PHRASE_POS = ("DET", "NOUN", "PROPN", "ADJ", "PUNCT", "PART", "NUM", "ADP", "CCONJ")
_MAX_SUBJECT_WORDS = 12


def _named_before_verb(verb: Token, q: QuoteSpan, antecedents: Antecedents
                       ) -> tuple[Entity | None, str | None] | None:
    """“…,” the prosecutor's spokesman, Philippe Dulieu, told reporters — the parse
    hung the words between the quotation and the verb on the quoted words: a noun
    phrase there that names someone is the speaker."""
    doc = verb.doc
    between = [t for t in doc[:verb.i] if t.idx > q.end]
    if not between or len(between) > _MAX_SUBJECT_WORDS \
            or any(t.pos_ not in _NOUN_PHRASE_POS for t in between):
        return None
    words = doc[between[0].i:verb.i]
    for types in (("person",), ("organization", "armed_group", "state")):
        named = antecedents.in_span(words.start_char, words.end_char, types)
        if named:
            return named[-1], words.text.strip(" ,")
    return None


def _last_speaker_before(q: QuoteSpan, antecedents: Antecedents, lexicons: Lexicons,
                         quoted: list[tuple[int, int]], pronoun: str | None
                         ) -> tuple[Entity | None, str] | None:
    """Who spoke last before the quotation opens, in its sentence or the one before
    (one more for each "he said" passed on the way): the subject of the nearest
    reporting verb there or the object of "according to", a person or an unnamed
    source (``None`` with its words); None when nothing there says who spoke.
    ``pronoun``: the "he" or "she" the speaker must agree with; None for a quotation
    nothing attributes, when any person may have spoken it."""
    doc = antecedents.doc
    opening = doc.char_span(q.start, q.start + 1, alignment_mode="expand")
    if not opening:
        return None
    reach = 1
    i = opening[0].i
    while i > 0:
        i -= 1
        tok = doc[i]
        if tok.i == tok.sent.start:
            reach -= 1
            if reach < 0:
                break
        if any(a <= tok.idx < b for a, b in quoted):
            continue
        if _is_reporting(tok, lexicons):
            speakers = [c for c in tok.children if c.dep_ == "nsubj"]
        elif tok.lower_ == "to" and tok.i > 0 and doc[tok.i - 1].lower_ == "according":
            speakers = [c for c in tok.children if c.dep_ == "pobj"]
        else:
            continue
        for speaker in speakers:
            if speaker.lower_ in lexicons.pronouns:
                genders = lexicons.pronoun_genders
                if pronoun is not None \
                        and genders.get(speaker.lower_, "") != genders.get(pronoun, ""):
                    continue  # "… that he called X. “…,” she said": someone else
                meant = antecedents.resolve(speaker, quoted)
                if meant is not None and meant.type == "person":
                    return meant, speaker.text  # "X sounded a defiant note as he blamed …"
                # "He said …" with no one in reach: look one sentence further back
                reach = min(reach + 1, RUN_ON_PARAGRAPHS + 1)
                continue
            phrase = doc[speaker.left_edge.i:speaker.right_edge.i + 1]
            head = antecedents.at(speaker.idx, speaker.idx + len(speaker))
            named = [head] if head is not None else \
                _named_in(speaker, antecedents, ("person",))
            if named:
                if named[0].type == "person":
                    return named[0], phrase.text
                continue  # a body spoke: "he" is someone else
            if speaker.lemma_.casefold() in lexicons.anonymous_speakers \
                    or speaker.lower_ in lexicons.anonymous_speakers:
                return None, phrase.text
            if "person" in lexicons.descriptions.get(speaker.lemma_.casefold(), ()):
                # "The spokesman said: …": whoever that role stands for
                found, _ = _resolve_speaker(speaker, antecedents, lexicons, quoted)
                if found is not None and found in antecedents.in_span(
                        phrase.start_char, phrase.end_char):
                    return None, phrase.text  # "The SDF commander": someone unnamed
                if found is not None:
                    return found, phrase.text
    return None


def _person_in_focus_before(q: QuoteSpan, antecedents: Antecedents, lexicons: Lexicons,
                            quoted: list[tuple[int, int]], pronoun: str) -> Entity | None:
    """The person the sentence just before the quotation is about — the subject of
    its main verb, named or a role ("The mayor paid tribute to …. “…,” he said") —
    or None when that subject is no person, a pronoun, or someone's of the speaker's
    gender ("Her son Rafaat ran …. “…,” she said")."""
    doc = antecedents.doc
    opening = doc.char_span(q.start, q.start + 1, alignment_mode="expand")
    if not opening or opening[0].sent.start == 0:
        return None
    sentence = opening[0].sent
    if sentence.start_char < q.start - 2:  # the quotation opens inside its sentence
        return None
    before = doc[sentence.start - 1].sent
    if any(a <= before.root.idx < b for a, b in quoted):
        return None
    genders = lexicons.pronoun_genders
    for subject in (c for c in before.root.children if c.dep_ == "nsubj"):
        if subject.lower_ in lexicons.pronouns or any(
                t.dep_ == "poss" and genders.get(t.lower_) == genders.get(pronoun, "")
                for t in subject.subtree):
            return None
        named = _named_in(subject, antecedents, ("person",))
        if named:
            return named[0]
        if subject.pos_ == "NOUN" and definite(subject) \
                and "person" in lexicons.descriptions.get(subject.lemma_.casefold(), ()):
            found = antecedents.by_role(subject, quoted)
            return found if found is not None and found.type == "person" else None
    return None


def _named_in(subject: Token, antecedents: Antecedents, types: tuple[str, ...]
              ) -> list[Entity]:
    """The entities of ``types`` a subject phrase names, leaving out a person or a
    state whose it is ("Hajar's sister, who wished to be known as Rosmawati" names
    Rosmawati, not Hajar; "Denmark's security agency" is not Denmark) and a person a
    role noun serves ("a lawyer for Ocampo"). A body's part speaks for the body
    ("the police department's counterterrorism unit", "a spokesman for the army")."""
    owners = [t for c in subject.children if c.dep_ == "poss" for t in c.subtree]
    owned = {id(e) for t in owners for e in [antecedents.at(t.idx, t.idx + len(t))]
             if e is not None and e.type in ("person", "state")}
    if subject.pos_ == "NOUN":
        # "a lawyer for Ocampo", "the brother of the suspect": whom the role serves
        served = [p.doc[p.i + 1] for p in subject.children
                  if p.dep_ == "prep" and p.lower_ in ("for", "of") and p.i + 1 < len(p.doc)]
        owned |= {id(e) for t in served for e in [antecedents.at(t.idx, t.idx + len(t))]
                  if e is not None and e.type == "person"}
    start, end = subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge)
    return [e for e in antecedents.in_span(start, end, types) if id(e) not in owned]


def _resolve_speaker(subject: Token, antecedents: Antecedents, lexicons: Lexicons,
                     quoted: list[tuple[int, int]]) -> tuple[Entity | None, str | None]:
    subtree = list(subject.subtree)
    text = subject.doc[subtree[0].i:subtree[-1].i + 1].text
    start, end = subtree[0].idx, subtree[-1].idx + len(subtree[-1])
    # The subject's own name first ("Islamic State's propaganda outlet Amaq"), then a
    # named speaker inside the phrase: "Mr Clarke", "a spokesman, Ali Noor".
    for word in (subject, *(c for c in subject.children if c.dep_ == "appos")):
        own = antecedents.at(word.idx, word.idx + len(word))
        if own is not None and word.pos_ == "PROPN" \
                and own.type in ("person", "organization", "armed_group", "state"):
            return own, text
    people = _named_in(subject, antecedents, ("person",))
    if people:
        return people[0], text
    named = _named_in(subject, antecedents, ("organization", "armed_group", "state"))
    if named:
        return named[0], text
    if vocabulary.load().shapes.is_title(subject.text) and subtree[-1] is subject:
        # "said Brig. Gen. Juvymax Uy": the parse cut the name at a title's dot
        titled = antecedents.in_span(end, end + _NEAR_CHARS, ("person",))
        if titled:
            return titled[0], text
    lemma = subject.lemma_.casefold()
    if lemma in ("report", "statement", "study", "assessment") and subject.pos_ == "NOUN":
        author = _author_after(subject.doc.text, end, antecedents)
        if author is not None:
            return author, text
    if subject.pos_ == "NOUN" and definite(subject):
        # "the judge said" after "US District Judge Richard Berman"
        role = antecedents.by_role(subject, quoted)
        if role is not None:
            return role, text
    if subject.lower_ == "who" and subject.head.dep_ == "relcl":
        # "said police chief Evans, who added: “…”"
        noun = subject.head.head
        named = antecedents.at(noun.idx, noun.idx + len(noun))
        if named is not None:
            return named, text
    if subject.lower_ in vocabulary.load().shapes.local_bodies \
            and not any(c.dep_ in ("det", "poss", "amod", "compound") for c in subject.children):
        # "Police said": the police force the story named ("Italian police")
        named = antecedents.named_by_head(subject, quoted)
        if named is not None:
            return named, text
    if lemma in lexicons.anonymous_speakers or subject.lower_ in lexicons.anonymous_speakers:
        return None, text
    types = lexicons.pronouns.get(subject.lower_, ())
    found = None
    if types == ("person",):
        # "…,” she said: the person who spoke in this sentence or the one before,
        # else the one person named there, before the person the passage was
        # about three sentences back.
        found = antecedents.speaker_before(subject.idx, types, 1, quoted) \
            or antecedents.only_one_before(subject.idx, types, 1, quoted)
    found = found or antecedents.resolve(subject, quoted)
    if found is None and subject.pos_ == "PROPN":
        found = _person_by_name_word(subtree, antecedents) or _body_by_initials(subject,
                                                                                antecedents)
    return found, text


def _body_by_initials(word: Token, antecedents: Antecedents) -> Entity | None:
    """The one body whose name's initials the speaker word spells in any case ("the
    Ipac said" after "Institute for Policy Analysis of Conflict"), or None."""
    letters = word.text.upper()
    if not word.is_alpha or not 2 <= len(letters) <= 8:
        return None
    shapes = vocabulary.load().shapes
    bodies = [e for e in antecedents.by_id.values()
              if e.type in ("organization", "armed_group")
              and letters in acronym_of(re.findall(r"[^\W_]+", e.name), shapes)]
    return bodies[0] if len(bodies) == 1 else None


def _author_after(text: str, end: int, antecedents: Antecedents) -> Entity | None:
    """The body a report or statement is by, named just after it where the parse
    left it out of the subject ("a statement from the Interior Ministry said", "the
    report concluded, of ONU"), not a body the report speaks of ("the report said
    JAD …"): a few words between, one of them "by", "from" or "of"."""
    after = antecedents.in_span(end, end + _NEAR_CHARS, ("organization", "armed_group"))
    if not after:
        return None
    names = [n for n in (after[0].name, *after[0].aliases) if n in text[end:end + _NEAR_CHARS]]
    if not names:
        return None
    at = min(text.index(n, end) for n in names)
    between = re.findall(r"\w+", text[end:at].casefold())
    return after[0] if len(between) <= 3 and {"by", "from", "of"} & set(between) else None


def _person_by_name_word(words: list[Token], antecedents: Antecedents,
                         any_word: bool = False) -> Entity | None:
    """The one person whose name holds the speaker's name words ("Babel said" when
    the model missed "Babel"; "Mohd Fuzi" for "Mohd Fuzi Harun"), or None.
    ``any_word``: capitalised words of any part of speech count ("May said")."""
    names = {t.lower_ for t in words if (any_word or t.pos_ == "PROPN") and t.text[:1].isupper()}
    if not names:
        return None
    people = [e for e in antecedents.by_id.values() if e.type == "person"
              and all(_spelt_like(n, {w.casefold() for alias in (e.name, *e.aliases)
                                      for w in alias.split()}) for n in names)]
    return people[0] if len(people) == 1 else None


NAME_SPELLING = 85
"""rapidfuzz ratio (0–100) from which two name words are one name spelt two ways
("Albayalde", "Abayalde"); words of 5 letters or more only."""


def _spelt_like(word: str, words: set[str]) -> bool:
    if word in words:
        return True
    return len(word) >= 5 and any(len(w) >= 5 and fuzz.ratio(word, w) >= NAME_SPELLING
                                  for w in words)

"""Properties over generated input: the readers never raise, ``clean`` is idempotent
on news-like text, and every record ``extract`` makes is well formed (offsets in
range, ids that resolve, schema vocabulary, JSON round trip)."""
from __future__ import annotations

import json
import re
from datetime import date as Date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dossier import vocabulary
from dossier.assemble import extract
from dossier.clean import clean
from dossier.errors import InputError
from dossier.ingest import html, jsonl, text
from dossier.model import ENTITY_TYPES, Document, Record
from dossier.vocabulary import PREDICATES, QUALIFIERS

SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- strategies ---------------------------------------------------------------

_VOCAB = vocabulary.load()
NAMES = sorted({n for e in _VOCAB.entries.values() for n in e.all_names})
PEOPLE = ["Colin P. Clarke", "Seth G. Jones", "Shahab al-Muhajir", "Mr Clarke",
          "Gen. Ahmad Rahimi", "Amina Diallo"]
ODD = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u202d", "\u2066",
       "\u2069", "\u200f", "\u00a0", "\t", "\r\n", "\n\n", "â", "Ã©", "â€œ", "â€\x9d"]
QUOTES = [("“", "”"), ('"', '"'), ("‘", "’"), ("«", "»"), ("â", "â"), ("“", ""), ("", "”")]

name = st.one_of(
    st.sampled_from(NAMES), st.sampled_from(NAMES),
    st.tuples(st.sampled_from(NAMES), st.sampled_from([str.upper, str.lower, "{}'s".format,
                                                      "the {}".format, "{}-linked".format,
                                                      "{}\u200b".format, "({})".format]))
    .map(lambda nf: nf[1](nf[0])))
person = st.sampled_from(PEOPLE)
number = st.one_of(
    st.integers(0, 5_000_000).map(lambda n: f"{n:,}"),
    st.integers(0, 99_999).map(str),
    st.sampled_from(["a few hundred", "several thousand", "dozens", "hundreds", "1.5 million",
                     "10,00", "1,,500", "-3", "2k"]))
strength = st.one_of(
    st.builds("{} {} fighters".format,
              st.sampled_from(["", "around", "more than", "at least", "up to", "about"]), number),
    st.builds("between {} and {} members".format, number, number),
    st.builds("{} to {} militants".format, number, number))
date = st.one_of(
    st.integers(1900, 2100).map(str),
    st.builds("{} {}".format, st.sampled_from(["January", "March", "Aug.", "December"]),
              st.integers(1, 3000)),
    st.builds("{} {}, {}".format, st.sampled_from(["May", "June", "Sept."]),
              st.integers(0, 40), st.integers(1, 2100)),
    st.dates().map(str),
    st.sampled_from(["last year", "in March", "early June", "two years ago", "this year"]))


@st.composite
def quotation(draw):
    open_, close = draw(st.sampled_from(QUOTES))
    words = draw(st.sampled_from(["We will fight on", "They haven't gone away",
                                  "It is possible", "the group may have 2,000 fighters", ""]))
    verb = draw(st.sampled_from(["said", "told reporters", "warned", "according to"]))
    who = draw(st.one_of(person, name, st.sampled_from(["he", "she", "they", "the report"])))
    if draw(st.booleans()):
        return f"{open_}{words},{close} {who} {verb}."
    return f"{who} {verb}: {open_}{words}.{close}"


TEMPLATES = [
    "{n} emerged in {d}.",
    "{n} has {s} in {m}, {p} said.",
    "{p}, an analyst at {n}, said {m} is an affiliate of {o}.",
    "{n} pledged allegiance to {o} in {d}.",
    "{n} fought {o} near {m} on {d}.",
    "It is believed that {n} has {s}.",
    "{p} leads {n}. He said they work together with {o}.",
    "{n}, a breakaway faction of {o}, is based in {m}.",
    "The {n}-backed group clashed with {o}. Its ranks fell to {s} by {d}.",
    "Under the leadership of {p}, {n} operates in {m} and {o}.",
    "{n} and {o} operate as a triumvirate.",
    "A {n} commander, {p}, was killed in {d}.",
]


@st.composite
def sentence(draw):
    template = draw(st.sampled_from(TEMPLATES))
    return template.format(n=draw(name), o=draw(name), m=draw(name), p=draw(person),
                           s=draw(strength), d=draw(date))


piece = st.one_of(sentence(), sentence(), quotation(), date, strength, name,
                  st.sampled_from(ODD), st.text(max_size=12))
joiner = st.sampled_from([" ", " ", "\n", "\n\n", "", ". ", "\u200b"])


@st.composite
def news_text(draw, max_pieces=10):
    pieces = draw(st.lists(piece, min_size=1, max_size=max_pieces))
    return "".join(p + draw(joiner) for p in pieces)


encoded = st.tuples(news_text(), st.sampled_from(["utf-8", "utf-16", "utf-8-sig", "cp1252"])) \
    .map(lambda te: te[0].encode(te[1], errors="replace"))
tag = st.sampled_from(["p", "div", "article", "script", "style", "h1", "title", "nav",
                       "span", "br", "meta", "a", "!--", "![CDATA["])


@st.composite
def html_ish(draw):
    parts = ["<html>" if draw(st.booleans()) else ""]
    for _ in range(draw(st.integers(0, 8))):
        t = draw(tag)
        parts.append(f"<{t}>{draw(st.one_of(news_text(4), st.text(max_size=20)))}"
                     + (f"</{t}>" if draw(st.booleans()) else ""))
    return "".join(parts)


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6)
field_value = st.one_of(json_value, news_text(4), html_ish(), date)
json_line = st.dictionaries(
    st.sampled_from(["text", "html", "title", "url", "published", "id", ""]), field_value,
    max_size=5).map(json.dumps)


@st.composite
def jsonl_bytes(draw):
    lines = draw(st.lists(st.one_of(json_line, json_line, st.text(max_size=20)), max_size=4))
    sep = draw(st.sampled_from(["\n", "\r\n", "\n\n"]))
    return sep.join(lines).encode(draw(st.sampled_from(["utf-8", "utf-16"])), errors="replace")


# --- readers -------------------------------------------------------------------

def _read_all(reader, raw: bytes) -> None:
    for item in reader(raw, "fuzz"):
        assert isinstance(item, (Document, InputError)), item
        if isinstance(item, Document):
            assert item.raw  # a Document always carries the bytes it came from


@pytest.mark.parametrize("reader", [text.read, html.read, jsonl.read],
                         ids=["text", "html", "jsonl"])
@settings(max_examples=40, **SETTINGS)
@given(raw=st.one_of(st.binary(max_size=300), encoded,
                     html_ish().map(str.encode), jsonl_bytes()))
def test_readers_never_raise(reader, raw):
    _read_all(reader, raw)


@settings(max_examples=25, **SETTINGS)
@given(raw=jsonl_bytes())
def test_jsonl_reads_one_item_per_line(raw):
    items = list(jsonl.read(raw, "fuzz"))
    nonblank = [line for line in raw.splitlines() if line.strip()]
    assert len(items) == max(len(nonblank), 1)


# --- clean ---------------------------------------------------------------------

def _clean_or_none(raw):
    try:
        return clean(raw, "fuzz")
    except InputError:
        return None


@settings(max_examples=150, **SETTINGS)
@given(raw=st.one_of(st.binary(max_size=200), st.text(max_size=200), encoded, news_text()))
def test_clean_raises_only_input_error(raw):
    _clean_or_none(raw)


@settings(max_examples=150, **SETTINGS)
@given(raw=st.one_of(news_text(), encoded))
def test_clean_is_idempotent_on_news_text(raw):
    once = _clean_or_none(raw)
    if once is not None:
        assert clean(once.text).text == once.text


# --- extraction ----------------------------------------------------------------

def _spans(record: Record):
    """Every (what, [start, end]) offset pair of a record."""
    for e in record.entities:
        for m in e.mentions:
            yield f"entity {e.id}", m
    for r in record.relations:
        yield f"relation {r.predicate}", r.evidence
    for kind in ("quotes", "claims", "events"):
        for item in getattr(record, kind):
            yield kind, item.span
    for s in record.sentences:
        yield "sentence", s


_PRECISION = {4: "year", 7: "month", 10: "day"}


def _valid_date(value: str, precision: str | None = None) -> bool:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` naming a real day (of ``precision``)."""
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return False
    if precision and _PRECISION[len(value)] != precision:
        return False
    try:
        Date.fromisoformat((value + "-01-01")[:10])
    except ValueError:
        return False
    return True


def check_record(record: Record) -> None:
    """Assert the invariants of EXTRACTION_SCHEMA.md on one record."""
    n = len(record.text)
    for what, (start, end) in _spans(record):
        assert 0 <= start <= end <= n, (what, start, end, n)
    ids = [e.id for e in record.entities]
    assert len(ids) == len(set(ids))
    known = set(ids)
    for e in record.entities:
        assert e.type in ENTITY_TYPES, e
        assert e.mentions, e
        for start, end in e.mentions:
            assert record.text[start:end] in e.aliases, (e, start, end)
    for r in record.relations:
        assert r.predicate in PREDICATES, r
        assert {r.subject, r.object} <= known, r
        assert r.subject != r.object, r
        assert 0 <= r.confidence <= 1, r
        assert r.since is None or _valid_date(r.since), r
    for q in record.quotes:
        assert q.speaker is None or q.speaker in known, q
        assert q.text in record.text[slice(*q.span)], q
    for c in record.claims:
        assert c.subject in known, c
        assert {c.place, c.attributed_to} - {None} <= known, c
        assert c.qualifier in QUALIFIERS, c
        assert c.max is None or c.min <= c.max, c
        assert c.as_of is None or _valid_date(c.as_of) and len(c.as_of) <= 7, c
    for ev in record.events:
        assert set(ev.actors) <= known, ev
        assert _valid_date(ev.date, ev.precision), ev
        words = ev.description.removesuffix(" …").split()
        assert record.text[slice(*ev.span)].split()[:len(words)] == words, ev
    assert list(record.sentences) == sorted(record.sentences)
    data = record.to_dict()
    assert json.loads(json.dumps(data)) == data


def _extract(body: str, published: str | None = None) -> Record | None:
    try:
        return extract(Document(raw=body.encode("utf-8", "surrogatepass"), body=body,
                                published=published))[1]
    except InputError:
        return None


@settings(max_examples=400, **SETTINGS)
@given(body=st.one_of(news_text(), news_text(), st.text(max_size=120)),
       published=st.none() | st.dates().map(Date.isoformat))
@example(body="ISIS-K has between 2,000 and 3,000 fighters in Afghanistan, Colin P. Clarke said.",
         published=None)
@example(body="The Taliban emerged on February 30, 2021.", published=None)
@example(body="1900 'Amaq emerged in last year. ", published="1000-01-01")
def test_extract_record_is_well_formed(nlp, body, published):
    record = _extract(body, published)
    if record is not None:
        check_record(record)


def test_seed_record_is_well_formed(nlp, seed_path):
    _, record = extract(Document(raw=seed_path.read_bytes(), source=str(seed_path)))
    check_record(record)

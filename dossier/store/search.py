"""Full-text search over the stored texts: SQLite's FTS5 index, PostgreSQL's text
search index, a case-insensitive match elsewhere; and entities by the words of
their names. Words are always bound parameters: article text and queries never
become SQL.

A hit's snippet comes as parts, ``[(text, matched), ...]``: which words matched
is worked out here, in Python, from the query's words (folded as both indexes
fold them), never from markers put into the text, so no article text can forge
or break a highlight, and both backends mark alike.
"""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import and_, func, or_, select, text

from dossier.store import migrations
from dossier.store.base import DocumentRow, EntityRow
from dossier.store.columns import DOCUMENT_ROW, document_row
from dossier.store.schema import aliases, documents, entities
from dossier.vocabulary import name_key

MAX_TERMS = 8
"""Most search terms read from a query; the rest are ignored."""
_WORD = re.compile(r"[^\W_]+")  # a word as FTS5's unicode61 and pg_words see one

Parts = list[tuple[str, bool]]
"""A snippet as (text, matched) pieces, in order."""


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fold(word: str) -> str:
    """A word as both indexes compare it: accents off, casefolded."""
    word = unicodedata.normalize("NFKD", word)
    return "".join(c for c in word if not unicodedata.combining(c)).casefold()


def search_terms(words: str) -> list[str]:
    """The search terms of a query: its whitespace-separated parts that hold a
    letter or digit, control characters dropped (a NUL ends an FTS5 string
    early; a term with no letter or digit is ignored by both indexes)."""
    terms = ["".join(c for c in w if c.isprintable()) for w in words.split()]
    return [t for t in terms if any(c.isalnum() for c in t)][:MAX_TERMS]


def snippet_parts(snippet: str, terms: list[str]) -> Parts:
    """``snippet`` cut into (text, matched) parts: matched where the words of a
    term occur in a row, as the index matched them (a term is a phrase of its
    words; case and accents aside)."""
    tokens = [(m.start(), m.end(), _fold(m.group())) for m in _WORD.finditer(snippet)]
    folded = [t[2] for t in tokens]
    marked: list[tuple[int, int]] = []
    for term in terms:
        words = [_fold(w) for w in _WORD.findall(term)]
        n = len(words)
        for i in range(len(tokens) - n + 1 if n else 0):
            if folded[i:i + n] == words:
                marked.append((tokens[i][0], tokens[i + n - 1][1]))
    parts: Parts = []
    at = 0
    for start, end in sorted(marked):
        if end <= at:
            continue
        start = max(start, at)
        if start > at:
            parts.append((snippet[at:start], False))
        parts.append((snippet[start:end], True))
        at = end
    if at < len(snippet):
        parts.append((snippet[at:], False))
    return parts


def snippet_around(text: str, terms: list[str], words: int = 24) -> str:
    """About ``words`` words of ``text`` around the first place a term occurs
    (its start, if none does), with "…" where the text goes on."""
    tokens = list(_WORD.finditer(text))
    if not tokens:
        return text[:200]
    phrases = [p for p in ([_fold(w) for w in _WORD.findall(t)] for t in terms) if p]
    folded: list[str] = []
    hit = 0
    for i, token in enumerate(tokens):
        folded.append(_fold(token.group()))
        ends_here = [p for p in phrases if len(p) <= i + 1 and folded[i + 1 - len(p):] == p]
        if ends_here:
            hit = i + 1 - len(ends_here[0])
            break
    first = max(0, min(hit - words // 3, len(tokens) - words))
    last = min(len(tokens), first + words) - 1
    start, end = tokens[first].start(), tokens[last].end()
    return ("…" if first else "") + text[start:end] + ("…" if last < len(tokens) - 1 else "")


class Searching:
    """The search part of :class:`~dossier.store.sql.SQLStore`."""

    def search_documents(self, words: str, limit: int = 20) -> list[tuple[DocumentRow, str]]:
        """Documents holding every word of ``words``, best first, with a plain
        snippet (the first page of :meth:`search_document_page`)."""
        hits, _total = self.search_document_page(words, 0, limit)
        return [(d, "".join(piece for piece, _ in parts)) for d, parts in hits]

    def search_document_page(self, words: str, offset: int = 0, limit: int = 20
                             ) -> tuple[list[tuple[DocumentRow, Parts]], int]:
        """One page of the documents holding every word of ``words``, best first
        (ties by id, so pages never overlap), each with its snippet as parts; and
        how many documents match in all.

        Each whitespace-separated term is a phrase of its words (letters and
        digits; case and accents aside), and every term must occur. SQLite uses its
        FTS5 index, PostgreSQL its GIN text search index (migration 0004), other
        databases a case-insensitive match. The words are always bound parameters
        (each quoted as an FTS5 string, LIKE wildcards escaped): article text and
        queries never become SQL.
        """
        terms = search_terms(words)
        if not terms:
            return [], 0
        if self.engine.dialect.name == "sqlite":
            found, total = self._search_fts(terms, offset, limit)
        elif self.engine.dialect.name == "postgresql":
            found, total = self._search_pg(terms, offset, limit)
        else:
            found, total = self._search_like(terms, offset, limit)
        return [(d, snippet_parts(s.replace("\n", " "), terms)) for d, s in found], total

    def _search_like(self, terms: list[str], offset: int, limit: int
                     ) -> tuple[list[tuple[DocumentRow, str]], int]:
        """Other databases: every term as a case-insensitive substring."""
        matching = and_(*[documents.c.text.ilike(f"%{_like_escape(t)}%", escape="\\")
                          for t in terms])
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(documents)
                                 .where(matching)).scalar_one()
            rows = conn.execute(
                select(*DOCUMENT_ROW, documents.c.text).where(matching)
                .order_by(documents.c.id).offset(offset).limit(limit)).all()
        return [(document_row(r), snippet_around(r.text, terms)) for r in rows], total

    def _search_fts(self, terms: list[str], offset: int, limit: int
                    ) -> tuple[list[tuple[DocumentRow, str]], int]:
        match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
        statement = text(
            "SELECT d.id, d.source, d.title, d.published, d.published_estimate, d.ingested_at, "
            "snippet(documents_fts, 0, '', '', '…', 24) AS snip "
            "FROM documents_fts JOIN documents AS d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH :match ORDER BY rank, d.id LIMIT :limit OFFSET :offset")
        count = text("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH :match")
        with self.engine.connect() as conn:
            total = conn.execute(count, {"match": match}).scalar_one()
            rows = conn.execute(statement, {"match": match, "limit": limit,
                                            "offset": offset}).all()
        return [(document_row(r), r.snip) for r in rows], total

    def _search_pg(self, terms: list[str], offset: int, limit: int
                   ) -> tuple[list[tuple[DocumentRow, str]], int]:
        """PostgreSQL: each term a phrase query over the indexed words, all required,
        ranked by ts_rank (length-normalised). Snippets are cut here, as the index
        reads words: ts_headline parses the raw text and takes "<script>" for a
        tag, not a word, so it would miss such matches."""
        config = migrations.PG_SEARCH_CONFIG
        phrases = " && ".join(f"phraseto_tsquery('{config}', {migrations.pg_words(f':t{i}')})"
                              for i in range(len(terms)))
        vector = migrations.pg_search_vector("documents.text")
        matching = f"FROM documents, (SELECT {phrases} AS query) AS q WHERE {vector} @@ q.query "
        statement = text(
            "SELECT documents.id, documents.source, documents.title, documents.published, "
            "documents.published_estimate, documents.ingested_at, documents.text "
            f"{matching}ORDER BY ts_rank({vector}, q.query, 1) DESC, documents.id "
            "LIMIT :limit OFFSET :offset")
        params = {f"t{i}": t for i, t in enumerate(terms)}
        with self.engine.connect() as conn:
            total = conn.execute(text(f"SELECT count(*) {matching}"), params).scalar_one()
            rows = conn.execute(statement, params | {"limit": limit, "offset": offset}).all()
        return [(document_row(r), snippet_around(r.text, terms)) for r in rows], total

    def find_entities_containing(self, name: str, limit: int = 100) -> list[EntityRow]:
        """Entities with an alias holding the words of ``name`` in a row (case,
        accents and punctuation aside): "shabaab" finds "Harakat al-Shabaab
        al-Mujahideen"; "State" finds every "Islamic State ..." group. At most
        ``limit``, by name. Entities merged into another are not listed."""
        key = name_key(name)
        if not key:
            return []
        word = _like_escape(key)
        alias_key = aliases.c.alias_key
        holds = or_(alias_key == key, alias_key.like(f"{word} %", escape="\\"),
                    alias_key.like(f"% {word}", escape="\\"),
                    alias_key.like(f"% {word} %", escape="\\"))
        with self.engine.connect() as conn:
            ids = select(aliases.c.entity_id).where(holds).distinct()
            rows = conn.execute(
                select(entities)
                .where(and_(entities.c.id.in_(ids), entities.c.merged_into.is_(None)))
                .order_by(self._text_order(entities.c.name), entities.c.id)
                .limit(limit)).all()
        return [EntityRow(r.id, r.name, r.type, r.kb_id) for r in rows]

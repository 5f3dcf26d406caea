"""Full-text search over the stored texts: SQLite's FTS5 index, PostgreSQL's text
search index, a case-insensitive match elsewhere. Words are always bound
parameters: article text and queries never become SQL.
"""
from __future__ import annotations

from sqlalchemy import and_, select, text

from dossier.store import migrations
from dossier.store.base import DocumentRow
from dossier.store.columns import DOCUMENT_ROW, document_row
from dossier.store.schema import documents


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Searching:
    """The search part of :class:`~dossier.store.sql.SQLStore`."""

    def search_documents(self, words: str, limit: int = 20) -> list[tuple[DocumentRow, str]]:
        """Documents holding every word of ``words``, best first, with a snippet.

        Each whitespace-separated term is a phrase of its words (letters and
        digits; case and accents aside), and every term must occur. SQLite uses its
        FTS5 index, PostgreSQL its GIN text search index (migration 0004), other
        databases a case-insensitive match. The words are always bound parameters
        (each quoted as an FTS5 string, LIKE wildcards escaped): article text and
        queries never become SQL.
        """
        # Control characters (a NUL ends an FTS5 string early) are no search words;
        # nor is a term without a letter or digit, which both indexes ignore.
        terms = ["".join(c for c in w if c.isprintable()) for w in words.split()]
        terms = [t for t in terms if any(c.isalnum() for c in t)][:8]
        if not terms:
            return []
        if self.engine.dialect.name == "sqlite":
            return self._search_fts(terms, limit)
        if self.engine.dialect.name == "postgresql":
            return self._search_pg(terms, limit)
        conditions = [documents.c.text.ilike(f"%{_like_escape(t)}%", escape="\\")
                      for t in terms]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*DOCUMENT_ROW, documents.c.text)
                .where(and_(*conditions)).order_by(documents.c.id).limit(limit)).all()
        out = []
        for r in rows:
            at = r.text.casefold().find(terms[0].casefold())
            snippet = r.text[max(0, at - 80):at + 160].replace("\n", " ")
            out.append((document_row(r), snippet))
        return out

    def _search_fts(self, terms: list[str], limit: int) -> list[tuple[DocumentRow, str]]:
        match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
        statement = text(
            "SELECT d.id, d.source, d.title, d.published, d.published_estimate, d.ingested_at, "
            "snippet(documents_fts, 0, '', '', '…', 24) AS snip "
            "FROM documents_fts JOIN documents AS d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH :match ORDER BY rank, d.id LIMIT :limit")
        with self.engine.connect() as conn:
            rows = conn.execute(statement, {"match": match, "limit": limit}).all()
        return [(document_row(r), r.snip.replace("\n", " ")) for r in rows]

    def _search_pg(self, terms: list[str], limit: int) -> list[tuple[DocumentRow, str]]:
        """PostgreSQL: each term a phrase query over the indexed words, all required,
        ranked by ts_rank (length-normalised), snippets by ts_headline."""
        config = migrations.PG_SEARCH_CONFIG
        phrases = " && ".join(f"phraseto_tsquery('{config}', {migrations.pg_words(f':t{i}')})"
                              for i in range(len(terms)))
        vector = migrations.pg_search_vector("documents.text")
        statement = text(
            "SELECT documents.id, documents.source, documents.title, documents.published, "
            "documents.published_estimate, documents.ingested_at, documents.text, "
            f"ts_headline('{config}', documents.text, q.query, "
            "'StartSel=\"\", StopSel=\"\", MaxWords=24, MinWords=12, ShortWord=0, "
            "MaxFragments=1') AS snip "
            f"FROM documents, (SELECT {phrases} AS query) AS q "
            f"WHERE {vector} @@ q.query "
            f"ORDER BY ts_rank({vector}, q.query, 1) DESC, documents.id LIMIT :limit")
        params = {f"t{i}": t for i, t in enumerate(terms)} | {"limit": limit}
        with self.engine.connect() as conn:
            rows = conn.execute(statement, params).all()
        out = []
        for r in rows:
            at = r.text.find(r.snip)
            snippet = ("…" if at > 0 else "") + r.snip + \
                ("…" if 0 <= at and at + len(r.snip) < len(r.text) else "")
            out.append((document_row(r), snippet.replace("\n", " ")))
        return out

"""The queries behind stories: near copies of one article found at ingest.

The signatures and bands are made in :mod:`dossier.stories`; this module files
them and sets each document's story.
"""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from dossier.stories import SAME_STORY, bands, signature, similarity
from dossier.store.schema import documents, story_bands


CANDIDATES = 50
"""Most earlier documents a new one is compared with: those sharing the most bands
(a corpus of near-identical boilerplate must not make each ingest compare with all)."""


def assign(conn: Connection, document_id: str, text: str) -> str:
    """Sign a stored document, file its bands, and set its story: that of the most
    similar earlier document above :data:`SAME_STORY`, else its own. Returns the
    story id."""
    sig = signature(text)
    story = document_id
    if sig is not None:
        keys = bands(sig)
        shared = func.count().label("shared")
        candidates = (select(story_bands.c.document_id)
                      .where(story_bands.c.band.in_(keys))
                      .group_by(story_bands.c.document_id)
                      .order_by(shared.desc(), story_bands.c.document_id)
                      .limit(CANDIDATES))
        best = 0.0
        for other, other_story, other_sig in conn.execute(
                select(documents.c.id, documents.c.story_id, documents.c.signature)
                .where(documents.c.id.in_(candidates)).order_by(documents.c.id)):
            if other == document_id or other_sig is None:
                continue
            score = similarity(sig, other_sig)
            if score >= SAME_STORY and score > best:
                best, story = score, other_story or other
        conn.execute(story_bands.insert(), [{"band": k, "document_id": document_id}
                                            for k in dict.fromkeys(keys)])
    conn.execute(update(documents).where(documents.c.id == document_id)
                 .values(story_id=story, signature=sig))
    return story

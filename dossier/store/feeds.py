"""Feed items the store has met (``dossier watch``), by GUID and by URL.

An item is known once it was stored (or found stored: the same bytes), or once
reading it failed ``max_attempts`` times; a failure short of that is counted and
the item is tried again at the next poll. GUIDs count within their feed (some
feeds number their items 1, 2, 3...); URLs count across feeds, since one article
linked from two feeds is one article.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from dossier.errors import StorageError
from dossier.store.columns import chunks, now
from dossier.store.schema import feed_items


def item_keys(feed: str, guid: str | None, url: str | None) -> list[tuple[str, str, str]]:
    """``(key, kind, value)`` for the GUID and the URL of an item (either may be None)."""
    keys = []
    if guid:
        keys.append((_digest("guid", feed, guid), "guid", guid))
    if url:
        keys.append((_digest("url", url), "url", url))
    return keys


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


class FeedItems:
    """The feed-item part of :class:`~dossier.store.sql.SQLStore`."""

    def seen_feed_items(self, feed: str, items: list[tuple[str | None, str | None]],
                        max_attempts: int = 3) -> list[bool]:
        """For each ``(guid, url)`` of ``feed``'s items, whether it is known: its
        GUID (in this feed) or its URL was stored, or failed ``max_attempts`` times."""
        wanted = {key: index for index, (guid, url) in enumerate(items)
                  for key, _, _ in item_keys(feed, guid, url)}
        known: set[str] = set()
        with self.engine.connect() as conn:
            for keys in chunks(set(wanted)):
                known.update(conn.scalars(select(feed_items.c.key).where(
                    feed_items.c.key.in_(keys),
                    (feed_items.c.document_id.is_not(None))
                    | (feed_items.c.attempts >= max_attempts))))
        seen = [False] * len(items)
        for key in known:
            seen[wanted[key]] = True
        return seen

    def record_feed_item(self, feed: str, guid: str | None, url: str | None,
                         document_id: str | None) -> None:
        """Remember an item of ``feed`` by its GUID and URL: stored as
        ``document_id``, or, with None, one more failed attempt to read it."""
        keys = item_keys(feed, guid, url)
        if not keys:
            return
        at = now()
        try:
            with self._writing() as conn:
                for key, kind, value in keys:
                    row = conn.execute(select(feed_items.c.attempts, feed_items.c.document_id)
                                       .where(feed_items.c.key == key)).first()
                    if row is None:
                        conn.execute(feed_items.insert().values(
                            key=key, kind=kind, value=value, feed=feed,
                            document_id=document_id, attempts=0 if document_id else 1,
                            first_seen=at, last_seen=at))
                        continue
                    change = ({"document_id": document_id} if document_id
                              else {"attempts": row.attempts + 1})
                    conn.execute(feed_items.update().where(feed_items.c.key == key)
                                 .values(last_seen=at, **change))
        except SQLAlchemyError as exc:
            raise StorageError(f"{feed}: could not record feed item "
                               f"{guid or url}: {exc.orig or exc}") from exc

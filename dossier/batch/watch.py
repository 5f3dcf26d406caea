"""Watching feeds: poll them, ingest the items not met before, wait, again.

An item is new unless the store knows it (:mod:`dossier.store.feeds`): by its
GUID within its feed, or by its link in any feed. Known items are skipped before
anything is fetched, so a poll of an unchanged feed costs one request per feed.
A new item is read (its own text, or its link fetched; :mod:`dossier.ingest.feeds`)
and goes through the ingest loop (:func:`~dossier.batch.ingest.ingest_items`),
which also skips a document whose bytes are stored already (its id is their
sha256). The item is recorded as met once its batch has committed, so Ctrl-C or a
crash loses at most the batch in flight, and a restart picks up where the last
commit ended.

An item that cannot be read or extracted is recorded as a failed attempt and
tried again at the next poll, up to ``MAX_ATTEMPTS`` times; a feed that cannot
be fetched is reported and polled again next time.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dossier.batch.ingest import BATCH_SIZE, IngestReport, ingest_items
from dossier.errors import InputError
from dossier.ingest import feeds
from dossier.model import Document
from dossier.store.base import Store

MAX_ATTEMPTS = 3
"""Polls in which an item may fail before it is given up (and no longer tried)."""
MIN_INTERVAL_SECONDS = 1.0

_INTERVAL = re.compile(r"(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr)?", re.I)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600}


def parse_interval(value: str) -> float:
    """Seconds in an interval written ``30s``, ``15m``, ``1h`` or a bare number of
    seconds; ValueError for anything else or for less than ``MIN_INTERVAL_SECONDS``."""
    match = _INTERVAL.fullmatch(value.strip())
    if not match:
        raise ValueError(f"not an interval: {value!r} (write e.g. 30s, 15m or 1h)")
    seconds = float(match.group(1)) * _UNIT_SECONDS[(match.group(2) or "s").lower()]
    if seconds < MIN_INTERVAL_SECONDS:
        raise ValueError(f"interval too short: {value!r} (at least {MIN_INTERVAL_SECONDS:g} s)")
    return seconds


@dataclass
class PollReport:
    """What one poll did: items met in the feeds, those skipped as known, and
    the ingest report of the new ones (stored, already stored, failed)."""

    number: int = 1
    feeds: int = 0
    feeds_failed: int = 0
    items: int = 0
    known: int = 0
    ingest: IngestReport = field(default_factory=IngestReport)

    @property
    def counts(self) -> dict[str, int]:
        return {"feeds": self.feeds, "feeds_failed": self.feeds_failed, "items": self.items,
                "known": self.known, **self.ingest.counts}


def feed_key(source: str) -> str:
    """How the store names a feed: its URL, or its file's absolute path (so that
    ``watch feed.rss`` and ``watch ./feed.rss`` are one feed)."""
    return source if feeds.is_url(source) else str(Path(source).resolve())


def poll(sources: Iterable[str], store: Store, engine=None, allow_private: bool = False,
         batch_size: int = BATCH_SIZE, max_attempts: int = MAX_ATTEMPTS,
         on_failure: Callable[[InputError], None] | None = None) -> PollReport:
    """Poll each feed in ``sources`` (URLs or files) once and ingest its new items.

    engine: where extraction runs (default: this process).
    allow_private: let feed URLs and item links reach private addresses.
    max_attempts: failed reads after which an item is no longer tried.
    on_failure(error): for each feed or item that could not be read or stored.
    """
    report = PollReport()
    pending: dict[str, feeds.FeedItem] = {}  # document label → its item, until stored

    def failed(error: InputError) -> None:
        item = pending.pop(error.source, None)
        if item is not None:
            store.record_feed_item(feed_key(item.feed), item.guid, item.link, None)
        if on_failure:
            on_failure(error)

    def done(document: Document, _stored: bool) -> None:
        item = pending.pop(document.label, None)
        if item is not None:
            store.record_feed_item(feed_key(item.feed), item.guid, item.link, document.id)

    def new_documents() -> Iterator[Document | InputError]:
        met: set[str] = set()  # links and GUIDs met earlier in this poll
        for source in sources:
            report.feeds += 1
            try:
                items = feeds.load(source, allow_private)
            except InputError as exc:
                report.feeds_failed += 1
                yield exc
                continue
            report.items += len(items)
            known = store.seen_feed_items(feed_key(source), [(i.guid, i.link) for i in items],
                                          max_attempts)
            for item, seen in zip(items, known):
                keys = {k for k in (item.link, f"{source}\n{item.guid}" if item.guid else None)
                        if k}
                if seen or keys & met:
                    report.known += 1
                    continue
                met |= keys
                try:
                    document = feeds.item_document(item, allow_private)
                except InputError as exc:
                    store.record_feed_item(feed_key(item.feed), item.guid, item.link, None)
                    yield exc
                    continue
                pending[document.label] = item
                yield document

    report.ingest = ingest_items(new_documents(), store, engine=engine, batch_size=batch_size,
                                 on_failure=failed, on_done=done)
    return report


def watch(sources: list[str], store: Store, every: float, once: bool = False, engine=None,
          allow_private: bool = False, on_poll: Callable[[PollReport], None] | None = None,
          on_failure: Callable[[InputError], None] | None = None,
          sleep: Callable[[float], None] = time.sleep) -> PollReport:
    """Poll ``sources`` every ``every`` seconds until interrupted (Ctrl-C raises
    KeyboardInterrupt out of here; what was committed stays); with ``once``,
    poll once and return that poll's report.

    on_poll(report) is called after each poll; the rest as for :func:`poll`.
    """
    number = 0
    while True:
        number += 1
        started = time.monotonic()
        report = poll(sources, store, engine=engine, allow_private=allow_private,
                      on_failure=on_failure)
        report.number = number
        if on_poll:
            on_poll(report)
        if once:
            return report
        sleep(max(0.0, every - (time.monotonic() - started)))


__all__ = ["watch", "poll", "parse_interval", "feed_key", "PollReport", "MAX_ATTEMPTS"]

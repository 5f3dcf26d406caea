"""STIX ids kept in the store: one random UUIDv4 per exported object, made the
first time it is exported and reused ever after.

STIX 2.1 wants UUIDv4 for domain and relationship objects; keeping them here is
what makes a second export of the same knowledge carry the same ids. An entity
is keyed by its id (a merged entity's statements move to the one it was merged
into, whose id stays); a statement by its identity (``assertions.identity``),
which survives ``dossier reprocess``; a document by its content hash.
"""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dossier.store.columns import chunks, now
from dossier.store.schema import stix_ids


class StixIds:
    """The STIX-id part of :class:`~dossier.store.sql.SQLStore`."""

    def stix_ids(self, wanted: dict[str, str]) -> dict[str, str]:
        """``key -> STIX id`` for each ``key -> STIX type`` in ``wanted``: the kept
        id, else a new ``type--uuid4`` that is kept from now on."""
        found: dict[str, str] = {}
        with self.engine.begin() as conn:
            for keys in chunks(set(wanted)):
                for key, kept in conn.execute(select(stix_ids.c.key, stix_ids.c.stix_id)
                                              .where(stix_ids.c.key.in_(keys))):
                    found[key] = kept
            new = [{"key": key, "stix_id": f"{kind}--{uuid.uuid4()}", "created_at": now()}
                   for key, kind in wanted.items() if key not in found]
            if new:
                try:
                    with conn.begin_nested():
                        conn.execute(stix_ids.insert(), new)
                except IntegrityError:  # another export kept some of them first
                    for row in new:
                        kept = conn.scalar(select(stix_ids.c.stix_id)
                                           .where(stix_ids.c.key == row["key"]))
                        if kept is None:
                            conn.execute(stix_ids.insert(), [row])
                            kept = row["stix_id"]
                        found[row["key"]] = kept
                else:
                    found.update((row["key"], row["stix_id"]) for row in new)
        return found

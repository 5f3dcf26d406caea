"""The timeline: dated statements, oldest first, a page at a time, each with the
sentence that states it.

What it lists (``kind``): ``event`` (the default) is a dated happening with its
actors (EXTRACTION_SCHEMA.md, "Events"); events carry no type of their own, so
``kind`` chooses among the kinds of dated statement instead: ``claim``, a
strength figure dated by its as-of date, and ``relation``, a tie dated by when
it began ("since"). Statements with no such date are left out of the dated
timeline and counted (``undated_total``); ``undated=True`` lists them instead.

Where the work is done: the kind, entity and date filters, the counts, the
order and the page are SQL (:meth:`~dossier.store.base.Store.timeline_rows`),
and only the page's statements are read in full, so a timeline of thousands
costs a page's worth of reading. Finding the entities a ``q`` names and
writing descriptions and links happen here.
"""
from __future__ import annotations

from urllib.parse import urlencode

from dossier.query.names import find
from dossier.store.base import EntityRow, Store

TIMELINE_KINDS = ("event", "claim", "relation")
DEFAULT_KINDS = ("event",)
PER_PAGE = 50
MAX_PER_PAGE = 200
NAME_MATCHES = 20
"""Most entities a ``q`` no alias equals may pick by the words of their names."""


def timeline(store: Store, group: str | None = None, year: str | None = None, *,
             entity: int | None = None, q: str | None = None, date_from: str | None = None,
             date_to: str | None = None, kinds: list[str] | tuple[str, ...] | None = None,
             page: int = 1, per_page: int = PER_PAGE, undated: bool = False) -> dict:
    """One page of the timeline, with its filters, counts and links.

    group: the old name of ``q`` (kept for old links). year: ``YYYY``, the old
        way of saying ``date_from = date_to = year``.
    entity: an entity id: its statements only.
    q: any alias of an entity, gazetteer aliases too ("ISIS" finds the Islamic
        State); when no alias is ``q``, the entities whose aliases hold its words
        ("shabaab"). Its statements only; ``filters.matched`` lists whom it named.
    date_from, date_to: ``YYYY[-MM[-DD]]``, inclusive (``to=2015`` takes all of
        2015; an event dated only ``2015`` is within ``from=2015-06``).
    kinds: of ``TIMELINE_KINDS``; default ``["event"]``.
    page, per_page: from 1; ``PER_PAGE`` rows a page, at most ``MAX_PER_PAGE``.
    undated: list the statements with no date instead (date bounds ignored).

    Returns ``rows`` (date, kind, description, actors ``[{id, name, type}]``,
    ``sentence`` (the sentence stating it), ``evidence`` (the cited span),
    document_id, span, sources, stories, hedged), ``total`` (rows over all
    pages), ``page``, ``pages``, ``per_page``, ``dated_total``,
    ``undated_total``, ``filters`` and ``links`` (``prev``, ``next``,
    ``dated``, ``undated``: query strings starting ``?``, or None).
    """
    q = (q if q is not None else group) or None
    if year:
        date_from, date_to = date_from or year, date_to or year
    kinds = tuple(k for k in TIMELINE_KINDS if k in (kinds or DEFAULT_KINDS)) or DEFAULT_KINDS
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    matched, matched_by = _named(store, entity, q)
    found = store.timeline_rows(
        kinds, None if entity is None and q is None else {e.id for e in matched},
        date_from, date_to, undated, (page - 1) * per_page, per_page)
    total = found["undated" if undated else "dated"]
    pages = -(-total // per_page)
    filters = {"entity": entity, "q": q, "from": date_from, "to": date_to,
               "kind": list(kinds), "undated": undated}
    return {"rows": [_row(r) for r in found["rows"]], "total": total, "page": page,
            "pages": pages, "per_page": per_page, "dated_total": found["dated"],
            "undated_total": found["undated"],
            "filters": filters | {"matched": [{"id": e.id, "name": e.name, "type": e.type}
                                              for e in matched],
                                  "matched_by": matched_by},
            "links": _links(filters, per_page, page, pages)}


def _named(store: Store, entity: int | None, q: str | None
           ) -> tuple[list[EntityRow], str | None]:
    """The entities the filters name, and how: by ``id``, by ``alias``, or by the
    ``words`` of their names."""
    if entity is not None:
        row = store.entity(entity)
        return ([row], "id") if row else ([], None)
    if q is None:
        return [], None
    exact = find(store, q)
    if exact:
        return exact, "alias"
    by_words = store.find_entities_containing(q, NAME_MATCHES)
    return by_words, "words" if by_words else None


def _row(r: dict) -> dict:
    """A timeline row from a store row: what the page shows."""
    value = r["value"]
    return {"date": r["date"], "kind": r["kind"], "description": _description(r),
            "precision": value.get("precision"), "actors": r["actors"],
            "sentence": r["sentence"], "evidence": r["evidence"],
            "document_id": r["document_id"], "span": r["span"], "sources": r["sources"],
            "stories": r["stories"], "hedged": r["hedged"], "assertion_id": r["assertion_id"]}


def _description(r: dict) -> str:
    """What happened, in a few words: an event's own description, a strength
    figure, or who began which tie with whom."""
    value = r["value"]
    if r["kind"] == "event":
        return value.get("description") or r["evidence"]
    names = {a["id"]: a["name"] for a in r["actors"]}
    if r["kind"] == "claim":
        low, high = value.get("min"), value.get("max")
        figure = " to ".join(f"{n:,}" for n in (low, high) if n is not None)
        qualifier = f"{value['qualifier']} " if value.get("qualifier") else ""
        who = names.get(r["subject_id"], "")
        return f"{who} strength: {qualifier}{figure}".strip()
    predicate = (r["predicate"] or "").replace("_", " ")
    return " ".join(x for x in (names.get(r["subject_id"]), predicate,
                                names.get(r["object_id"])) if x)


def _links(filters: dict, per_page: int, page: int, pages: int) -> dict:
    """Query strings (``?...``) for the previous and next page and for the dated
    and undated lists, keeping every other filter."""
    pairs = [(k, filters[k]) for k in ("entity", "q", "from", "to") if filters[k] is not None]
    if filters["kind"] != list(DEFAULT_KINDS):
        pairs += [("kind", k) for k in filters["kind"]]
    if per_page != PER_PAGE:
        pairs.append(("per_page", per_page))
    listed = pairs + ([("undated", 1)] if filters["undated"] else [])

    def at(n: int) -> str:
        return "?" + urlencode(listed + ([("page", n)] if n > 1 else []))

    return {"prev": at(page - 1) if page > 1 else None,
            "next": at(page + 1) if page < pages else None,
            "dated": "?" + urlencode(pairs), "undated": "?" + urlencode(pairs + [("undated", 1)])}

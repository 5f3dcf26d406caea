"""CSV: one file per table (entities, relations, claims, events, quotes, sources),
with a header row, UTF-8, loadable by pandas or a spreadsheet."""
from __future__ import annotations

import csv
from pathlib import Path

from dossier.store.base import Store

ASSERTION_FIELDS = {
    "relation": ["subject_id", "predicate", "object_id", "valid_from"],
    "claim": ["subject_id", "min", "max", "qualifier", "as_of", "place", "attributed_to"],
    "event": ["valid_from", "precision", "actors", "description"],
    "quote": ["subject_id", "object_id", "speaker_text", "text"],
}
TABLE_NAMES = {"relation": "relations", "claim": "claims", "event": "events", "quote": "quotes"}


def export(store: Store, path: Path, ids: set[int] | None = None) -> list[Path]:
    """Write the tables into the folder ``path``; return the files written."""
    path.mkdir(parents=True, exist_ok=True)
    written = [_write(path / "entities.csv", ["id", "name", "type", "kb_id", "aliases"],
                      ([e.id, e.name, e.type, e.kb_id or "", "; ".join(aliases)]
                       for e, aliases in store.all_entities(ids=ids)))]
    rows = store.assertion_rows(touching=ids)
    for kind, fields in ASSERTION_FIELDS.items():
        items = [a for a in rows if a["kind"] == kind]
        written.append(_write(
            path / f"{TABLE_NAMES[kind]}.csv", ["assertion_id", *fields, "sources"],
            ([a["id"], *(_cell(a, f) for f in fields), len(a["sources"])] for a in items)))
    written.append(_write(
        path / "sources.csv",
        ["assertion_id", "kind", "document_id", "document_source", "span_start", "span_end",
         "report_time", "hedged", "confidence", "extractor_version", "produced_by", "evidence"],
        ([a["id"], a["kind"], s["document_id"], s["document_source"] or "", *s["span"],
          s["report_time"] or "", s["hedged"], s["confidence"] if s["confidence"] is not None
          else "", s["extractor_version"], s["produced_by"] or "", s["evidence"]]
         for a in rows for s in a["sources"])))
    return written


def _cell(assertion: dict, field: str):
    if field in assertion:
        value = assertion[field]
    else:
        value = assertion["value"].get(field)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else value


def _write(path: Path, header: list[str], rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path

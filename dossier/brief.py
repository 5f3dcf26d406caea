"""Group briefings: a profile in prose and tables, every statement with a citation.

``briefing(store, entity)`` gathers the profile (aliases, ties, leaders, strength
over time, timeline, quotes, conflicts) and numbers each source sentence once;
``to_markdown`` and ``to_html`` render it. The HTML is a single self-contained
page (Jinja2, autoescaped: article text is untrusted) with the strength
estimates drawn as an inline SVG chart.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

from jinja2 import Environment, select_autoescape

from dossier.conflicts import find_conflicts
from dossier.query.profiles import RELATION_SECTIONS
from dossier.store.base import ESTIMATED, UNDATED, EntityRow, Store

@dataclass
class Line:
    """One statement of the briefing and the citations that support it."""

    text: str
    since: str | None = None
    citations: list[int] = field(default_factory=list)


@dataclass
class Briefing:
    entity: EntityRow
    aliases: list[str]
    sections: list[tuple[str, list[Line]]]
    strength: list[dict]
    timeline: list[Line]
    quotes: list[Line]
    conflicts: list[Line]
    citations: list[dict]  # number - 1 → {"evidence", "document", "date"}


class _Citations:
    def __init__(self):
        self.items: list[dict] = []
        self.index: dict[tuple, int] = {}

    def cite(self, source: dict) -> int:
        key = (source["document_id"], tuple(source["span"]))
        if key not in self.index:
            date = source["report_time"] or UNDATED
            if source.get("report_time_estimated"):
                date += ESTIMATED  # publication date unknown: estimated from the text
            self.items.append({"evidence": source["evidence"],
                               "document": source["document_source"] or source["document_id"],
                               "date": date})
            self.index[key] = len(self.items)
        return self.index[key]


def briefing(store: Store, entity: EntityRow) -> Briefing:
    """Gather the briefing of one entity from the store."""
    about = store.assertion_rows(touching={entity.id})
    named = {entity.id} | {i for a in about for i in (
        a["subject_id"], a["object_id"], a["value"].get("place"),
        a["value"].get("attributed_to"), *a["value"].get("actors", [])) if isinstance(i, int)}
    known = store.all_entities(ids=named)
    names = {e.id: e.name for e, _ in known}
    aliases = next((a for e, a in known if e.id == entity.id), [])
    cites = _Citations()
    relations = [a for a in about if a["kind"] == "relation"]
    sections = []
    for _key, title, predicate, side in RELATION_SECTIONS:
        lines = []
        for a in relations:
            if a["predicate"] != predicate:
                continue
            if side is not None and a[f"{side}_id"] != entity.id:
                continue
            other = a["object_id"] if a["subject_id"] == entity.id else a["subject_id"]
            lines.append(Line(names[other], a["valid_from"],
                              [cites.cite(s) for s in a["sources"]]))
        if lines:
            sections.append((title, lines))
    strength = []
    for a in about:
        if a["kind"] != "claim" or a["subject_id"] != entity.id:
            continue
        v = a["value"]
        first = min(a["sources"], key=lambda s: s["report_time"] or "9999")
        date = v.get("as_of") or first["report_time"]
        dated_by = "as of" if v.get("as_of") else (
            "reported (estimated)" if first.get("report_time_estimated") else
            "reported" if date else "undated")
        strength.append({"min": v["min"], "max": v.get("max"), "qualifier": v.get("qualifier"),
                         "date": date, "dated_by": dated_by,
                         "place": names.get(v.get("place")) or "",
                         "according_to": names.get(v.get("attributed_to")) or "",
                         "citations": [cites.cite(s) for s in a["sources"]]})
    # By date; the undated apart, after the dated.
    strength.sort(key=lambda c: (c["date"] is None, c["date"] or ""))
    timeline = sorted(
        (Line(a["value"].get("description", ""), a["valid_from"],
              [cites.cite(s) for s in a["sources"]])
         for a in about if a["kind"] == "event"),
        key=lambda line: line.since or "")
    quotes = [Line(a["value"].get("text", ""), None, [cites.cite(s) for s in a["sources"]])
              for a in about if a["kind"] == "quote"]
    conflicts = [Line(c.summary, None, [cites.cite(s) for a in c.assertions
                                        for s in a["sources"]])
                 for c in find_conflicts(store, entity.id)]
    return Briefing(entity, aliases, sections, strength, timeline, quotes, conflicts,
                    cites.items)


def _refs(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def to_markdown(b: Briefing) -> str:
    """The briefing as Markdown."""
    out = [f"# {b.entity.name}", "",
           f"*{b.entity.type.replace('_', ' ')}*; also known as: "
           f"{', '.join(a for a in b.aliases if a != b.entity.name) or '—'}", ""]
    for title, lines in b.sections:
        out += [f"## {title}", ""]
        out += [f"- {line.text}" + (f" (since {line.since})" if line.since else "")
                + f" {_refs(line.citations)}" for line in lines]
        out.append("")
    if b.strength:
        out += ["## Strength estimates", "",
                "| date | estimate | place | according to | sources |", "|---|---|---|---|---|"]
        for c in b.strength:
            figure = f"{c['min']:,}" + (f"–{c['max']:,}" if c["max"] else "")
            qualifier = f"{c['qualifier']} " if c["qualifier"] else ""
            out.append(f"| {c['date'] or 'undated'} ({c['dated_by']}) | {qualifier}{figure} | "
                       f"{c['place']} | {c['according_to']} | {_refs(c['citations'])} |")
        out.append("")
    for title, lines in (("Timeline", b.timeline), ("Quotes", b.quotes),
                         ("Conflicting reports", b.conflicts)):
        if lines:
            out += [f"## {title}", ""]
            out += [f"- {line.since + ': ' if line.since else ''}{line.text} "
                    f"{_refs(line.citations)}" for line in lines]
            out.append("")
    out += ["## Sources", "", "Dates are publication dates; * marks the date Dossier read a "
            "source whose publication date is unknown.", ""]
    out += [f"{n}. “{c['evidence']}” — {c['document']}, {c['date']}"
            for n, c in enumerate(b.citations, 1)]
    return "\n".join(out) + "\n"


def strength_chart(strength: list[dict], width: int = 560, height: int = 180) -> list[dict]:
    """Bars of the strength chart: one per dated estimate, its range as a band."""
    dated = [c for c in strength if c["date"]]
    if not dated:
        return []
    top = max((c["max"] or c["min"]) for c in dated) or 1
    step = width / len(dated)
    bars = []
    for i, c in enumerate(dated):
        high = c["max"] or c["min"]
        y_high = height - 20 - (height - 40) * high / top
        y_low = height - 20 - (height - 40) * c["min"] / top
        bars.append({"x": i * step + step * 0.25, "w": step * 0.5, "y": y_high,
                     "h": max(2.0, y_low - y_high), "label": c["date"],
                     "value": f"{c['min']:,}" + (f"–{c['max']:,}" if c["max"] else ""),
                     "ly": height - 5})
    return bars


def to_html(b: Briefing) -> str:
    """The briefing as one self-contained HTML page."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.from_string(resources.files("dossier").joinpath(
        "templates", "brief.html").read_text("utf-8"))
    return template.render(b=b, bars=strength_chart(b.strength))

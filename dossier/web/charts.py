"""The strength chart of a profile: estimates over time as SVG geometry.

Computed here and drawn by the template (attributes only: the CSP forbids inline
styles). Dates run along a year scale; each source of an estimate is one mark at
its date; a range is a band from its low to its high figure; "more than" and "at
least" are open upwards, "up to" downwards; hedged estimates are drawn hollow.
"""
from __future__ import annotations

import math

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 36
OPEN_UP = {"more than", "at least"}
OPEN_DOWN = {"up to"}


def year_fraction(date: str) -> float:
    """'2019', '2019-07' or '2019-07-14' as a point on a year scale."""
    parts = [int(p) for p in date.split("-")[:3]]
    if len(parts) == 1:
        return parts[0] + 0.5  # a year alone: its middle
    day = parts[2] if len(parts) == 3 else 15
    return parts[0] + (parts[1] - 1) / 12 + (day - 1) / 365


def _nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 × 10^k) that cuts ``span`` into about ``ticks`` parts."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _figure(estimate: dict) -> str:
    figure = f"{estimate['min']:,}" + (f"–{estimate['max']:,}" if estimate["max"] else "")
    return f"{estimate['qualifier']} {figure}" if estimate["qualifier"] else figure


def strength_chart(estimates: list[dict]) -> dict | None:
    """Axes, ticks and marks for the dated marks of ``estimates`` (as
    :func:`dossier.query.profiles.profile_page` gives them); None when none is dated."""
    points = [(e, m) for e in estimates for m in e["marks"] if m["date"]]
    if not points:
        return None
    xs = [year_fraction(m["date"]) for _, m in points]
    low, high = math.floor(min(xs)), math.floor(max(xs)) + 1  # whole years
    top_value = max(max(e["max"] or e["min"], e["min"] * (1.4 if e["qualifier"] in OPEN_UP
                                                           else 1)) for e, _ in points)
    step = _nice_step(top_value * 1.05)
    y_max = step * math.ceil(top_value * 1.05 / step)

    def x_of(year: float) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (year - low) / (high - low), 1)

    def y_of(value: float) -> float:
        return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / y_max, 1)

    year_step = max(1, math.ceil((high - low) / 10))
    x_ticks = [{"x": x_of(year), "label": str(year)}
               for year in range(math.ceil(low), math.floor(high) + 1, year_step)]
    y_ticks = [{"y": y_of(v * step), "label": f"{int(v * step):,}"}
               for v in range(0, int(round(y_max / step)) + 1)]
    marks = []
    for e, m in points:
        kind = ("open_up" if e["qualifier"] in OPEN_UP else
                "open_down" if e["qualifier"] in OPEN_DOWN else
                "range" if e["max"] else "point")
        y = y_of(e["max"] if kind == "range" else e["min"])
        y2 = {"range": y_of(e["min"]), "open_up": TOP, "open_down": y_of(0)}.get(kind, y)
        marks.append({"kind": kind, "x": x_of(year_fraction(m["date"])), "y": y, "y2": y2,
                      "hedged": e["hedged"],
                      "label": f"{m['date']}: {_figure(e)} ({m['dated_by']})",
                      "href": f"/document/{m['document_id']}?span={m['span'][0]}-{m['span'][1]}"})
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
            "top": TOP, "bottom": HEIGHT - BOTTOM, "x_ticks": x_ticks, "y_ticks": y_ticks,
            "marks": marks}

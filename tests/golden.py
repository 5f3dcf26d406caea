"""Golden records: the full extraction record of reference articles, checked in.

The article text itself is not copied into the project: golden files hold the
record without its ``text`` (offsets still point into the text the test reads
from ``../shared``). Regenerate after a deliberate change and review the diff:

    .venv/bin/python tests/golden.py --update
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
ARTICLES = {"seed-isis-k-kabul": ROOT.parent / "shared" / "corpus" / "seed-isis-k-kabul.txt"}


def current(name: str) -> dict:
    """The record Dossier extracts now, without its text, with a stable source."""
    from dossier.assemble import extract
    from dossier.ingest import read_file

    document = next(read_file(ARTICLES[name]))
    record = extract(document)[1].to_dict()
    record.pop("text")
    record["document"]["source"] = f"shared/corpus/{ARTICLES[name].name}"
    return record


def stored(name: str) -> dict:
    return json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))


def update() -> None:
    for name in ARTICLES:
        (GOLDEN / f"{name}.json").write_text(
            json.dumps(current(name), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {GOLDEN / name}.json")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if "--update" in sys.argv:
        update()
    else:
        print(__doc__)

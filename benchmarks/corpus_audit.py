"""The knowledge base on a real corpus: ingest it, then print the health report.

    .venv/bin/python benchmarks/corpus_audit.py [--db kb.db] [--json OUT] [PATH ...]

Ingests the unlabelled corpus with ``dev/`` and ``train/`` (by default: the
``../shared`` folders beside the project; any files or folders may be given)
into a fresh SQLite store, then prints ``dossier audit``'s table: likely
duplicate entities, fragment names, type disagreements, relations on one hedged
source, conflicts by kind, undated and estimated sources, repeated stories. With
``--json`` the findings are also written to a file, for a before/after diff.
An existing ``--db`` is reused as it is (a rerun only audits).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEFAULT_INPUTS = [SHARED / "corpus" / "tnc-unlabelled.jsonl", SHARED / "dev", SHARED / "train"]

from dossier.audit import audit  # noqa: E402
from dossier.batch.ingest import ingest  # noqa: E402
from dossier.store import open_store  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULT_INPUTS)
    parser.add_argument("--db", type=Path, default=Path("corpus-audit.db"))
    parser.add_argument("--json", type=Path, help="also write the findings here")
    parser.add_argument("--examples", type=int, default=5)
    args = parser.parse_args()
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    fresh = not args.db.exists()
    store = open_store(str(args.db))
    if fresh:
        started = time.perf_counter()
        report = ingest([str(p) for p in args.paths], store)
        print(f"ingested {report.counts['stored']} documents "
              f"({report.counts['failed']} failed, {report.counts['duplicates']} duplicates) "
              f"in {time.perf_counter() - started:.0f} s into {args.db}")
    findings = audit(store, args.examples)
    store.close()
    width = max(len(f.check) for f in findings)
    print(f"{'check':<{width}}  {'count':>6}  {'of':>6}  share")
    for f in findings:
        print(f"{f.check:<{width}}  {f.count:>6}  {f.out_of:>6}  {f.share:6.1%}")
    for f in findings:
        if f.examples:
            print(f"\n{f.check}, worst first:")
            for line in f.examples:
                print(f"  - {line}")
    if args.json:
        args.json.write_text(json.dumps([f.to_dict() for f in findings], indent=1,
                                        ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

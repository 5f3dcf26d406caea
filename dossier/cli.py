"""The ``dossier`` command: thin wrappers over importable functions.

Known errors (:class:`~dossier.errors.DossierError`) become one clean line on
stderr and a non-zero exit; anything else keeps its traceback.
"""
from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text
from rich.table import Table

from dossier.errors import DossierError, InputError
from dossier.store.base import UNDATED

app = typer.Typer(help="Dossier: a sourced, time-aware record of armed groups from the news.",
                  no_args_is_help=True, add_completion=False)
out = Console()
err = Console(stderr=True)

DbOption = Annotated[Optional[str], typer.Option(
    "--db", help="SQLAlchemy URL or SQLite path (default: $DOSSIER_DB or ./dossier.db).")]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(code)


def _existing_store(db: Optional[str]):
    """Open a store that must already exist (commands that read or correct)."""
    from dossier.store import open_store

    try:
        return open_store(db, create=False)
    except DossierError as exc:
        raise _fail(str(exc))


class _RateColumn(ProgressColumn):
    """Documents per second over the run so far."""

    def render(self, task) -> Text:
        rate = task.completed / task.elapsed if task.elapsed else 0.0
        return Text(f"{rate:,.1f} docs/s", style="progress.data.speed")


def _progress(rate: bool = False) -> Progress:
    """A progress bar on stderr, shown only on a terminal; with ``rate``, also
    documents per second and the time left."""
    columns = [TextColumn("[progress.description]{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn()]
    if rate:
        columns += [_RateColumn(), TextColumn("ETA"), TimeRemainingColumn()]
    return Progress(*columns, console=err, disable=not err.is_terminal)


def _not_found(store, name: str) -> typer.Exit:
    """The error for an unknown name, with "did you mean" hints."""
    from dossier import query

    hints = query.suggestions(store, name)
    return _fail(f"no entity known as {name!r}." +
                 (f" Did you mean: {', '.join(hints)}?" if hints else ""))


def _one_entity(store, name: str):
    """The one entity known by ``name``; a clean error when none or several are."""
    from dossier import query

    found = query.find(store, name)
    if not found:
        raise _not_found(store, name)
    if len(found) > 1:
        raise _fail(f"{name!r} names {len(found)} entities: " + ", ".join(
            f"{e.name} ({e.type}, id {e.id})" for e in found))
    return found[0]


@app.command("extract")
def extract_cli(
    file: Annotated[str, typer.Argument(help="Article file (.txt, .html, .jsonl) or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the record as JSON.")] = False,
) -> None:
    """Extract the record of one article (EXTRACTION_SCHEMA.md); touches no store."""
    from dossier.assemble import extract
    from dossier.ingest import read_paths

    produced = 0
    for item in read_paths([file]):
        if isinstance(item, InputError):
            err.print(f"[red]skipped[/red] {escape(str(item))}")
            continue
        try:
            cleaned, record = extract(item)
        except InputError as exc:
            err.print(f"[red]skipped[/red] {escape(str(exc))}")
            continue
        produced += 1
        if as_json:
            sys.stdout.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        else:
            _print_record(record, cleaned.repairs)
    if not produced:
        raise typer.Exit(1)


def _print_record(record, repairs: dict[str, int]) -> None:
    title = record.document.get("title") or record.document.get("source")
    out.print(f"[bold]{escape(str(title))}[/bold]")
    out.print(f"repairs: {escape(json.dumps(repairs))}")
    table = Table("id", "type", "name", "aliases", "mentions")
    for e in record.entities:
        table.add_row(e.id, e.type, escape(e.name), escape("; ".join(e.aliases)),
                      str(len(e.mentions)))
    out.print(table)


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]

TimeLimitOption = Annotated[Optional[float], typer.Option(
    "--time-limit", min=0, help="Seconds one document may take to extract; past it the "
                                "document is reported and the run goes on (default: "
                                "pipeline.cfg, 60; 0: none).")]

EXIT_SOME_FAILED = 3
"""Exit status of an ingest or reprocess that stored documents but lost some."""


AllowPrivateOption = Annotated[bool, typer.Option(
    "--allow-private-hosts", help="Let URLs, feeds and their links reach loopback, private "
                                  "and other non-public addresses (refused by default).")]


@app.command("ingest")
def ingest_cli(
    paths: Annotated[Optional[list[str]], typer.Argument(
        help="Files (.txt, .html, .jsonl, .rss, .atom, ...), directories (recursive), "
             "http(s) URLs of articles or feeds, or - for stdin.")] = None,
    urls: Annotated[Optional[Path], typer.Option(
        "--urls", help="A file of URLs, one a line (blank lines and # comments skipped); "
                       "each is fetched and read as an article, or as a feed if it is one.")
    ] = None,
    allow_private: AllowPrivateOption = False,
    db: DbOption = None,
    workers: Annotated[int, typer.Option(
        "--workers", "-w", min=0, help="Extraction processes beside the one that reads and "
                                       "writes (0: all in one), or Ray actors.")] = 1,
    engine: Annotated[str, typer.Option(
        help="Where extraction runs: local (this machine) or ray.")] = "local",
    address: Annotated[Optional[str], typer.Option(
        help="Ray cluster to join (auto or ray://host:10001); default: a private "
             "instance on this machine.")] = None,
    batch_size: Annotated[int, typer.Option(
        "--batch-size", min=1, help="Documents per unit of work and per transaction.")] = 32,
    time_limit: TimeLimitOption = None,
) -> None:
    """Read articles, extract them and store the records (reruns skip what is stored).

    Exit status: 0 when every document was stored (or already was), 3 when some
    failed (each is named, and recorded in the store), 1 when none was stored,
    130 on Ctrl-C (committed batches stay; a rerun resumes).
    """
    from dossier.batch import ENGINES, open_engine
    from dossier.batch.ingest import ingest
    from dossier.ingest.urls import url_list
    from dossier.store import open_store

    if engine not in ENGINES:
        raise _fail(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    sources = list(paths or [])
    try:
        sources += url_list(urls) if urls else []
    except InputError as exc:
        raise _fail(str(exc))
    if not sources:
        raise _fail("nothing to ingest: give files, folders, URLs or - for stdin, "
                    "or --urls FILE" + (f" ({urls} lists no URLs)" if urls else ""))
    try:
        store = open_store(db)
        runner = open_engine(engine, workers, address, time_limit)
    except DossierError as exc:
        raise _fail(str(exc))
    try:
        with _progress(rate=True) as progress:
            task = progress.add_task("ingesting", total=None)

            def on_progress(done: int, total: int | None) -> None:
                progress.update(task, completed=done, total=total)

            def on_failure(error: InputError) -> None:
                progress.console.print(f"[red]skipped[/red] {escape(str(error))}")

            report = ingest(sources, store, engine=runner, batch_size=batch_size,
                            on_progress=on_progress, on_failure=on_failure,
                            allow_private=allow_private)
    except KeyboardInterrupt:
        raise _interrupted(runner, store)
    except DossierError as exc:  # the run itself cannot go on (a worker cannot start)
        raise _fail(f"{exc}; committed batches are kept, rerun to resume")
    finally:
        runner.close()
    counts = store.counts()
    out.print(f"stored {report.counts['stored']} new, {report.counts['duplicates']} already "
              f"stored, {report.counts['failed']} failed; the store now holds "
              f"{counts['documents']} documents and {counts['entities']} entities "
              f"({escape(store.url)})")
    if any(report.repairs.values()):
        out.print("text repairs: " + ", ".join(f"{kind.replace('_', ' ')} {n}"
                                               for kind, n in report.repairs.items() if n))
    _print_failure_reasons(report)
    store.close()
    _exit_on_failures(report)


@app.command("watch")
def watch_cli(
    feeds: Annotated[list[str], typer.Argument(help="Feeds to poll: http(s) URLs or files.")],
    every: Annotated[str, typer.Option(
        "--every", help="Time between polls: 30s, 15m, 1h (a bare number is seconds).")
    ] = "15m",
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit.")] = False,
    allow_private: AllowPrivateOption = False,
    db: DbOption = None,
    workers: Annotated[int, typer.Option(
        "--workers", "-w", min=0, help="Extraction processes beside the one that polls and "
                                       "writes (0: all in one).")] = 1,
    time_limit: TimeLimitOption = None,
) -> None:
    """Poll feeds and ingest their new items, one line per poll (Ctrl-C stops).

    An item is new unless its GUID (in its feed), its link or its bytes were met
    before, in this run or an earlier one (the store remembers them). An item
    that fails is tried again at the next polls, three times in all. With
    --once, exit status as for ingest, but a poll with nothing new is a
    success: 0, 3 when a feed or an item failed, 1 when no feed could be read;
    130 on Ctrl-C (what was committed stays).
    """
    from datetime import datetime

    from dossier.batch import open_engine
    from dossier.batch.watch import parse_interval, watch
    from dossier.store import open_store

    try:
        seconds = parse_interval(every)
    except ValueError as exc:
        raise _fail(f"--every: {exc}")
    try:
        store = open_store(db)
        runner = open_engine("local", workers, time_limit=time_limit)
    except DossierError as exc:
        raise _fail(str(exc))

    def on_failure(error: InputError) -> None:
        err.print(f"[red]skipped[/red] {escape(str(error))}")

    def on_poll(report) -> None:
        c = report.counts
        feeds_part = f"{c['feeds']} feeds" + (f" ({c['feeds_failed']} unreadable)"
                                              if c["feeds_failed"] else "")
        out.print(f"{datetime.now():%Y-%m-%d %H:%M:%S} poll {report.number}: {feeds_part}, "
                  f"{c['items']} items, {c['known']} met before; stored {c['stored']} new, "
                  f"{c['duplicates']} already stored, {c['failed']} failed; the store holds "
                  f"{store.counts()['documents']} documents")

    try:
        report = watch(feeds, store, seconds, once=once, engine=runner,
                       allow_private=allow_private, on_poll=on_poll, on_failure=on_failure)
    except KeyboardInterrupt:
        raise _interrupted(runner, store)
    except DossierError as exc:
        raise _fail(f"{exc}; what was committed is kept, run again to resume")
    finally:
        runner.close()
    store.close()
    if report.feeds_failed == report.feeds:
        raise typer.Exit(1)
    if report.ingest.counts["failed"]:
        raise typer.Exit(EXIT_SOME_FAILED)


def _exit_on_failures(report) -> None:
    """Exit 1 when nothing was stored, 3 when some documents failed; else return."""
    if not report.ok:
        raise typer.Exit(1)
    if report.counts["failed"]:
        raise typer.Exit(EXIT_SOME_FAILED)


def _print_failure_reasons(report) -> None:
    """How many documents failed, by reason, most common first."""
    if report.reasons:
        out.print("failed: " + "; ".join(f"{n} {escape(reason)}"
                                         for reason, n in report.reasons.most_common()))


def _interrupted(runner, store) -> typer.Exit:
    """Ctrl-C: stop the workers, keep what was committed, say how to go on."""
    runner.close()
    documents = store.counts()["documents"]
    store.close()
    err.print(f"interrupted: the store holds {documents} documents (every committed batch); "
              "run the same command again to resume")
    return typer.Exit(130)


@app.command("reprocess")
def reprocess_cli(
    db: DbOption = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=0,
                                         help="Extraction processes (0: in this one).")] = 1,
    time_limit: TimeLimitOption = None,
) -> None:
    """Re-extract every stored document with the current extractors (no re-ingest).

    A document that fails keeps what was extracted from it before. Exit status
    as for ``ingest``.
    """
    from dossier.batch import open_engine
    from dossier.batch.ingest import reprocess
    store = _existing_store(db)
    runner = open_engine("local", workers, time_limit=time_limit)
    try:
        with _progress(rate=True) as progress:
            task = progress.add_task("reprocessing", total=None)
            report = reprocess(store, engine=runner, on_progress=lambda d, t: progress.update(
                task, completed=d, total=t), on_failure=lambda e: progress.console.print(
                f"[red]skipped[/red] {escape(str(e))}"))
    except KeyboardInterrupt:
        raise _interrupted(runner, store)
    finally:
        runner.close()
    counts = store.counts()
    out.print(f"reprocessed {report.counts['stored']} documents, {report.counts['failed']} "
              f"failed; {counts['entities']} entities")
    _print_failure_reasons(report)
    store.close()
    _exit_on_failures(report)


@app.command("show")
def show_cli(
    name: Annotated[str, typer.Argument(help="Any name or alias of the entity.")],
    db: DbOption = None,
    sentences: Annotated[int, typer.Option(help="How many sentences to show.")] = 10,
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", help="What held at YYYY[-MM[-DD]]: valid time where known, else "
                        "report time.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Print the profile of an entity found by any of its aliases."""
    from dossier import query
    store = _existing_store(db)
    found = query.find(store, name)
    if not found:
        raise _not_found(store, name)
    if as_json:
        profiles = [query.profile(store, e, sentences=sentences, as_of=as_of).to_dict()
                    for e in found]
        sys.stdout.write(json.dumps(profiles, ensure_ascii=False) + "\n")
        store.close()
        return
    for entity in found:
        _print_profile(query.profile(store, entity, sentences=sentences, as_of=as_of))
        if as_of:
            out.print(f"[dim]as of {escape(as_of)}: by valid time where the sources give one, "
                      "else by report time[/dim]")
    store.close()


def _print_profile(p) -> None:
    e = p.entity
    out.rule(f"[bold]{escape(e.name)}[/bold]  ({e.type})")
    out.print(f"[bold]aliases[/bold]: {escape(', '.join(f'{a} ({n})' for a, n in p.aliases))}")
    out.print(f"[bold]seen[/bold]: {p.document_count} document(s), first "
              f"{p.first_seen or UNDATED}, last {p.last_seen or UNDATED}")
    if p.document_count > len(p.documents):
        out.print(f"[dim]the latest {len(p.documents)}:[/dim]")
    docs = Table("date", "title / source", "mentions", box=None)
    for d in p.documents:
        docs.add_row(d.date, escape(d.title or d.source or d.id[:12]), str(d.mentions))
    out.print(docs)
    if p.co_mentioned:
        out.print("[bold]most often mentioned with[/bold]: " + escape(", ".join(
            f"{other.name} ({other.type}, {n} doc{'s' if n > 1 else ''})"
            for other, n in p.co_mentioned)))
    _print_assertions(p)
    out.print("[bold]sentences[/bold]:")
    for _doc_id, sentence in p.sentences:
        out.print(f"  • {escape(sentence)}")


def _reported(fact: dict) -> str:
    """When a fact was reported (its first and last report, estimated dates marked,
    or "undated"); then how many sources and independent stories state it."""
    when = fact["when"]
    stories = f", {fact['stories']} stories" if fact["stories"] != fact["sources_total"] else ""
    return (f"{when}; {fact['sources_total']} source{'s' if fact['sources_total'] > 1 else ''}"
            f"{stories}; confidence {fact['confidence'] or 0:.2f}")


def _print_assertions(p) -> None:
    """Each distinct fact of a profile once: relations by section, strength
    estimates by date (undated apart), quotes and the timeline."""
    from dossier.query.profiles import relation_sections

    facts = p.facts()
    for _key, title, rows in relation_sections(p.entity.id, facts):
        out.print(f"[bold]{title.lower()}[/bold]:")
        for f in rows:
            other = f["other"]["name"]
            hedge = " (hedged)" if f["hedged"] else ""
            since = f" (since {f['valid_from']})" if f["valid_from"] else ""
            out.print(f"  • {escape(str(other))}{since}{hedge} — "
                      f"“{escape(f['sources'][0]['evidence'][:160])}” [{_reported(f)}]")
    claims = [f for f in facts if f["kind"] == "claim"]
    if claims:
        out.print("[bold]strength estimates[/bold]:")
        dated = sorted((f for f in claims if f["value"].get("as_of") or f["first_reported"]),
                       key=lambda f: f["value"].get("as_of") or f["first_reported"])
        for f in dated + [f for f in claims if f not in dated]:
            v = f["value"]
            figure = f"{v.get('min'):,}" + (f"–{v['max']:,}" if v.get("max") else "")
            qual = f"{v['qualifier']} " if v.get("qualifier") else ""
            as_of = f"as of {v['as_of']}; " if v.get("as_of") else ""
            out.print(f"  • {qual}{figure} ({as_of}{_reported(f)}) — "
                      f"“{escape(f['sources'][0]['evidence'][:160])}”")
    quotes = [f for f in facts if f["kind"] == "quote"]
    if quotes:
        out.print("[bold]quotes[/bold] (by it, or naming it):")
        for f in quotes:
            who = "by" if f["subject_id"] == p.entity.id else f"about, said by {f['subject']}"
            out.print(f"  • “{escape(f['value'].get('text', '')[:200])}” "
                      f"({escape(str(who))}; {_reported(f)})")
    events = sorted((f for f in facts if f["kind"] == "event"),
                    key=lambda f: f["valid_from"] or "")
    if events:
        out.print("[bold]timeline[/bold]:")
        for f in events:
            out.print(f"  • {f['valid_from']}: {escape(f['value'].get('description', ''))}"
                      f" [{_reported(f)}]")


@app.command("eval")
def eval_cli(
    directory: Annotated[Path, typer.Argument(
        help="Folder of NAME.txt with NAME.gold.json, or of packed corpus annotations "
             "(with --corpus).")],
    corpus: Annotated[Optional[Path], typer.Option(
        help="Read DIRECTORY as annotations packed as offsets into this corpus JSONL "
             "(training/annotations/*; ../shared/corpus/tnc-unlabelled.jsonl).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    save: Annotated[Optional[Path], typer.Option(
        help="Also write each NAME.json here (and, with --corpus, NAME.txt and "
             "NAME.gold.json, for ../shared/tools/score.py).")] = None,
    details: Annotated[bool, typer.Option(
        "--details", help="List each document's missed, spurious and mistyped entities.")] = False,
) -> None:
    """Score `dossier extract` against gold annotations: P/R/F1 of entities (plain and
    typed), relations, quotes and their speakers, strength claims and events."""
    from dossier import evaluate
    from dossier.assemble import extract
    from dossier.learn.annotations import read_annotations, read_corpus
    from dossier.learn.corpus import read_folder

    if corpus is not None:
        if not corpus.is_file():
            raise _fail(f"{corpus}: no such corpus file")
        items = list(read_annotations(directory, read_corpus(corpus)))
    else:
        items = list(read_folder(directory))
    if not items:
        raise _fail(f"{directory}: no annotated texts found" if corpus is not None
                    else f"{directory}: no NAME.txt with NAME.gold.json beside it")
    if save:
        save.mkdir(parents=True, exist_ok=True)
    card = evaluate.Scorecard()
    for item in items:
        pred = extract(item.document)[1].to_dict()
        if save:
            (save / f"{item.name}.json").write_text(json.dumps(pred, ensure_ascii=False), "utf-8")
            if corpus is not None:
                (save / f"{item.name}.txt").write_bytes(item.document.raw)
                (save / f"{item.name}.gold.json").write_text(
                    json.dumps(item.gold, ensure_ascii=False), "utf-8")
        evaluate.score(item.gold, pred, card)
        if details:
            _print_errors(item.name, evaluate.entity_errors(item.gold, pred))
    scores = card.as_dict()
    if as_json:
        print(json.dumps(scores))
        return
    for part, s in scores.items():
        out.print(f"{part:16s} P {s['p']:.2f}  R {s['r']:.2f}  F1 {s['f1']:.2f}  "
                  f"(pred {s['pred']}, gold {s['gold']})")


def _print_errors(name: str, errors) -> None:
    out.print(f"[bold]{escape(name)}[/bold]")
    for label, items in (("missed", errors.missed), ("spurious", errors.spurious),
                         ("mistyped", [f"{n}: {p} (gold {g})" for n, p, g in errors.mistyped])):
        if items:
            out.print(f"  {label}: {escape('; '.join(items))}")


@app.command("train")
def train_cli(
    shared: Annotated[Path, typer.Option(
        help="Folder holding dev/ and train/ (NAME.txt + NAME.gold.json) and corpus/.")
    ] = Path("../shared"),
    annotations: Annotated[Optional[list[Path]], typer.Option(
        "--annotations", help="Folders of corpus annotations kept as offsets (training only).")
    ] = None,
    folds: Annotated[int, typer.Option(help="Cross-validation folds (0: skip).")] = 5,
    out_dir: Annotated[Optional[Path], typer.Option(
        "--out", help="Write entity_types.npz, relations.npz and their cards here (the "
                      "package's are in dossier/models).")
    ] = None,
    limit: Annotated[Optional[int], typer.Option(help="Use at most this many texts of each kind.")
                     ] = None,
    second_reader: Annotated[Path, typer.Option(
        help="A second reader's annotations of some corpus texts (the silver error rate).")
    ] = Path("training/annotations/second-reader"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Rebuild the entity type and relation models from annotated text; report the
    candidate ceiling, k-fold cross-validation by document (rules alone vs with the
    models) and dev scores."""
    from dossier.learn.build import build

    if annotations is None:
        annotations = [Path("training/annotations/silver")]
    with err.status("training") as status:
        report = build(shared, [a for a in annotations if a.is_dir()], folds, out_dir, limit,
                       say=lambda message: status.update(escape(message)),
                       second_reader=second_reader if second_reader.is_dir() else None)
    if as_json:
        print(json.dumps({**report.as_dict(), "entity_types": report.entity_types}))
        return
    _print_training(report)


def _print_training(report) -> None:
    data = report.data
    out.print(f"texts: {data['scored_texts']} scored (cross-validated), {data['extra_texts']} "
              f"extra for training; {data['candidates']} candidate pairs, "
              f"{data['positive_candidates']} positive")
    if report.silver_agreement:
        a = report.silver_agreement
        out.print(f"silver error rate: a second reader on {a['texts']} texts agrees at F1 "
                  f"entities {a['entities_typed']:.2f}, relations {a['relations']:.2f}, "
                  f"quote speakers {a['quote_speakers']:.2f}")
    types = report.entity_types
    typed_cv = types.get("cross_validated", {})
    _print_scores("entities typed", "entities_typed", (
        ("rules, cross-validated", typed_cv.get("rules")),
        ("rules + type model, cross-validated", typed_cv.get("learned")),
        ("rules, dev", report.dev.get("rules")),
        ("rules + type model, dev", report.dev.get("learned"))))
    if "sha256" in types.get("model", {}):
        out.print(f"type model written: sha256 {types['model']['sha256'][:16]}…, "
                  f"{types['model']['bytes']:,} bytes")
    ceiling = report.ceiling
    out.print(f"candidate ceiling {ceiling['within_reach']:.2f} of {ceiling['relations']} "
              "annotated relations; losses:")
    for cause, n in ceiling["causes"].items():
        out.print(f"  {cause:34s} {n}")
    _print_scores("relations", "relations", (
        ("rules, cross-validated", report.cross_validated.get("rules")),
        ("rules + models, cross-validated", report.cross_validated.get("learned")),
        ("rules, dev", report.dev.get("rules")),
        ("rules + models, dev", report.dev.get("learned"))))
    for predicate, s in report.cross_validated.get("per_predicate", {}).items():
        out.print(f"  {predicate:14s} P {s['p']:.2f} R {s['r']:.2f} F1 {s['f1']:.2f} "
                  f"(gold {s['gold']})")
    if "sha256" in report.model:
        out.print(f"relation model written: sha256 {report.model['sha256'][:16]}…, "
                  f"{report.model['bytes']:,} bytes")


def _print_scores(title: str, part: str, rows) -> None:
    """One part's P / R / F1 under each system that has a scorecard."""
    table = Table(title, "P", "R", "F1")
    for label, card in rows:
        if card:
            r = card[part]
            table.add_row(label, f"{r['p']:.2f}", f"{r['r']:.2f}", f"{r['f1']:.2f}")
    out.print(table)


@app.command("demo")
def demo_cli(
    db: DbOption = None,
    name: Annotated[str, typer.Option(help="Entity whose profile to print.")] = "ISKP",
) -> None:
    """Ingest the bundled sample articles and print a profile."""
    samples = resources.files("dossier").joinpath("samples", "articles")
    ingest_cli([str(samples)], db=db)
    show_cli(name, db=db, sentences=10, as_of=None)


@app.command("export")
def export_cli(
    output: Annotated[Path, typer.Argument(help="File to write (a folder for csv).")],
    fmt: Annotated[str, typer.Option("--format", "-f",
                                     help="stix, graphml, gexf, csv or jsonl.")] = "jsonl",
    around: Annotated[Optional[str], typer.Option(
        help="Only this entity and those within --depth relations of it.")] = None,
    depth: Annotated[int, typer.Option(min=1, max=3, help="With --around.")] = 1,
    tlp: Annotated[str, typer.Option(
        help="TLP 2.0 marking of a STIX bundle: clear, green, amber, amber+strict, red.")
    ] = "clear",
    db: DbOption = None,
) -> None:
    """Export the knowledge base for other tools (STIX 2.1, GraphML, GEXF, CSV, JSONL),
    or one entity's neighbourhood."""
    from dossier.export import export, neighbourhood

    try:
        store = _existing_store(db)
        ids = neighbourhood(store, _one_entity(store, around).id, depth) if around else None
        written = export(store, fmt, output, ids, tlp)
    except DossierError as exc:
        raise _fail(str(exc))
    for path in written:
        out.print(f"wrote {escape(str(path))}")
    store.close()


@app.command("graph")
def graph_cli(
    around: Annotated[Optional[str], typer.Option(help="Only entities near this one.")] = None,
    depth: Annotated[int, typer.Option(help="How many relations away from --around.")] = 1,
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", help="Only relations that held at YYYY[-MM[-DD]].")] = None,
    output: Annotated[Optional[Path], typer.Option(
        help="Write GraphML here instead of printing the edges.")] = None,
    db: DbOption = None,
) -> None:
    """The relation graph: print its edges, or write it as GraphML."""
    import networkx as nx

    from dossier.graph import build_graph
    store = _existing_store(db)
    center = None
    if around:
        center = _one_entity(store, around).id
    graph = build_graph(store, around=center, depth=depth, as_of=as_of)
    if output:
        nx.write_graphml(graph, output)
        out.print(f"wrote {escape(str(output))}: {graph.number_of_nodes()} entities, "
                  f"{graph.number_of_edges()} relations")
        return
    table = Table("subject", "predicate", "object", "since", "sources", "reported", box=None)
    for s, o, data in sorted(graph.edges(data=True),
                             key=lambda e: (graph.nodes[e[0]]["name"], e[2]["predicate"])):
        table.add_row(escape(graph.nodes[s]["name"]), data["predicate"],
                      escape(graph.nodes[o]["name"]), data["since"], str(data["sources"]),
                      data["first_reported"])
    out.print(table)
    store.close()


@app.command("brief")
def brief_cli(
    name: Annotated[str, typer.Argument(help="Any name or alias of the group.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="md or html.")] = "md",
    output: Annotated[Optional[Path], typer.Option(help="Write here instead of stdout.")] = None,
    db: DbOption = None,
) -> None:
    """Write a group briefing with numbered citations to its source sentences."""
    from dossier.brief import briefing, to_html, to_markdown

    if fmt not in ("md", "html"):
        raise _fail(f"unknown briefing format {fmt!r}; choose md or html")
    store = _existing_store(db)
    b = briefing(store, _one_entity(store, name))
    text = to_html(b) if fmt == "html" else to_markdown(b)
    if output:
        output.write_text(text, encoding="utf-8")
        out.print(f"wrote {escape(str(output))}")
    else:
        sys.stdout.write(text)
    store.close()


@app.command("merge")
def merge_cli(
    into: Annotated[str, typer.Argument(help="The entity that stays.")],
    other: Annotated[str, typer.Argument(help="The entity merged into it.")],
    note: Annotated[str, typer.Option(help="Why (kept with the correction).")] = "",
    db: DbOption = None,
) -> None:
    """Merge two entities that are one; recorded and re-applied on every ingest."""
    store = _existing_store(db)
    a, b = _one_entity(store, into), _one_entity(store, other)
    try:
        correction = store.merge(a.id, b.id, note)
    except DossierError as exc:
        raise _fail(str(exc))
    out.print(f"merged {escape(b.name)} into {escape(a.name)} (correction {correction}; "
              f"`dossier undo {correction}` reverses it)")
    store.close()


@app.command("split")
def split_cli(
    name: Annotated[str, typer.Argument(help="The entity an alias wrongly joined.")],
    alias: Annotated[str, typer.Option(help="The alias to give an entity of its own.")],
    note: Annotated[str, typer.Option(help="Why (kept with the correction).")] = "",
    db: DbOption = None,
) -> None:
    """Give an alias an entity of its own; recorded and re-applied on every ingest."""
    store = _existing_store(db)
    entity = _one_entity(store, name)
    try:
        new_id = store.split(entity.id, alias, note)
    except DossierError as exc:
        raise _fail(str(exc))
    out.print(f"{escape(alias)} split from {escape(entity.name)} as entity {new_id}")
    store.close()


@app.command("reject")
def reject_cli(
    assertion: Annotated[int, typer.Argument(
        help="The statement's id (a fact's \"id\" in `dossier show NAME --json`).")],
    note: Annotated[str, typer.Option(help="Why (kept with the correction).")] = "",
    db: DbOption = None,
) -> None:
    """Mark a statement wrong: kept, hidden from profiles, graphs and exports, and
    hidden again after every reprocess; `dossier undo` brings it back."""
    from dossier.query.corrections import statement_names, statement_summary
    store = _existing_store(db)
    try:
        correction = store.reject(assertion, note)
    except DossierError as exc:
        raise _fail(str(exc))
    shown = store.statement(assertion)
    out.print(f"marked statement {assertion} wrong: "
              f"{escape(statement_summary(shown, statement_names(store, shown)))} "
              f"(correction {correction}; `dossier undo {correction}` brings it back)")
    store.close()


@app.command("undo")
def undo_cli(
    correction: Annotated[int, typer.Argument(help="Correction number (see `corrections`).")],
    db: DbOption = None,
) -> None:
    """Reverse a correction: a merge or split, then rebuild the extractions without
    it; a statement marked wrong is shown again."""
    from dossier.corrections import undo
    store = _existing_store(db)
    undone = undo(store, correction)
    if undone is None:
        raise _fail(f"no active correction {correction}")
    rebuilt = " and rebuilt the extractions" if undone["rebuilt"] else ""
    out.print(f"undid {undone['action']} {correction}{rebuilt}")
    store.close()


@app.command("corrections")
def corrections_cli(db: DbOption = None) -> None:
    """List the user's merges, splits and statements marked wrong."""
    from dossier.query.corrections import corrections
    store = _existing_store(db)
    table = Table("#", "action", "entity", "other", "alias", "statement", "undone", "when",
                  box=None)
    for c in corrections(store):
        statement = c["statement"]["summary"] if c["statement"] else (
            "(no document states it any more)" if c["action"] == "reject" else "")
        table.add_row(str(c["id"]), c["action"],
                      *(str(c[k]["id"]) if c[k] else "" for k in ("entity", "other")),
                      escape(c["alias"] or ""), escape(statement),
                      "yes" if c["undone"] else "", c["created_at"])
    out.print(table)
    store.close()


@app.command("conflicts")
def conflicts_cli(
    name: Annotated[Optional[str], typer.Argument(help="Only conflicts about this entity.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List assertions that cannot both hold, side by side with their sources."""
    from dossier.conflicts import find_conflicts
    store = _existing_store(db)
    entity_id = None
    if name:
        entity_id = _one_entity(store, name).id
    items = find_conflicts(store, entity_id)
    if as_json:
        sys.stdout.write(json.dumps([c.to_dict() for c in items], ensure_ascii=False) + "\n")
        store.close()
        return
    if not items:
        out.print("no conflicts")
    for c in items:
        out.rule(f"[bold]{c.kind}[/bold]: {escape(c.summary)}")
        for a in c.assertions:
            for src in a["sources"]:
                out.print(f"  • [{src['report_time'] or 'undated'}] “{escape(src['evidence'][:200])}”"
                          f" ({escape(str(src['document_source'] or src['document_id'][:12]))})")
    store.close()


@app.command("audit")
def audit_cli(
    db: DbOption = None,
    examples: Annotated[int, typer.Option(min=0, help="Worst examples shown per check.")] = 5,
    as_json: JsonOption = False,
) -> None:
    """What to check in a knowledge base: likely duplicate entities, fragment names,
    type disagreements, facts on one hedged source, conflicts, undated sources."""
    from dossier.audit import audit
    store = _existing_store(db)
    findings = audit(store, examples)
    store.close()
    if as_json:
        sys.stdout.write(json.dumps([f.to_dict() for f in findings], ensure_ascii=False) + "\n")
        return
    table = Table("check", "count", "of", "share", "what", box=None)
    for f in findings:
        table.add_row(f.check, str(f.count), str(f.out_of), f"{f.share:.1%}", f.what)
    out.print(table)
    for f in findings:
        if f.examples:
            out.print(f"[bold]{escape(f.check)}[/bold], worst first:")
            for line in f.examples:
                out.print(f"  • {escape(line)}")


@app.command("serve")
def serve_cli(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to bind; loopback unless you say so.")] =
    "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    allow_private_hosts: Annotated[bool, typer.Option(
        "--allow-private-hosts", help="Let feeds and URLs added in the browser reach "
                                      "loopback and private addresses.")] = False,
) -> None:
    """Serve the web app; writing (ingest, corrections) needs DOSSIER_TOKEN in the
    environment."""
    import os

    import uvicorn

    from dossier.web.app import create_app

    app_ = create_app(db, token=os.environ.get("DOSSIER_TOKEN") or None,
                      allow_private_hosts=allow_private_hosts)
    out.print(f"Dossier on http://{host}:{port}/ "
              f"({'writable with the token' if os.environ.get('DOSSIER_TOKEN') else 'read-only'})")
    uvicorn.run(app_, host=host, port=port, log_level="warning")


def main() -> None:
    """Entry point of the ``dossier`` command."""
    try:
        app()
    except DossierError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        sys.exit(1)


if __name__ == "__main__":
    main()

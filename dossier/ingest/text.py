"""Plain-text articles: the bytes are the document; a headline and a dateline
date are read off the top of the text when it has them."""
from __future__ import annotations

import re
from collections.abc import Iterator

from dossier.clean import clean
from dossier.errors import InputError
from dossier.ingest.dates import dateline_date
from dossier.model import Document

MAX_TITLE_CHARS = 200


def read(raw: bytes, source: str) -> Iterator[Document | InputError]:
    """One Document from a text file, or an InputError saying why not."""
    try:
        cleaned = clean(raw, source)
    except InputError as exc:
        yield exc
        return
    title, body = split_headline(cleaned.text)
    yield Document(raw=raw, source=source, title=title,
                   published=dateline_date(body or cleaned.text), kind="text")


def split_headline(text: str) -> tuple[str | None, str]:
    """A first line standing alone above a blank line, short and unpunctuated, is a headline."""
    first, sep, rest = text.partition("\n\n")
    if sep and "\n" not in first and len(first) <= MAX_TITLE_CHARS \
            and not re.search(r"[.!”\"]$", first.strip()):
        return first.strip(), rest
    return None, text

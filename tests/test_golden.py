"""The seed article's full record matches the checked-in golden record."""
from __future__ import annotations

import pytest

import golden


@pytest.mark.parametrize("name", sorted(golden.ARTICLES))
def test_record_matches_golden(name):
    if not golden.ARTICLES[name].exists():
        pytest.skip(f"article not found at {golden.ARTICLES[name]}")
    now, then = golden.current(name), golden.stored(name)
    for part in ("document", "entities", "relations", "quotes", "claims", "events"):
        assert now[part] == then[part], (f"{part} changed; review and run "
                                         "`python tests/golden.py --update`")

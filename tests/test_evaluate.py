"""eval: Dossier's scorer agrees with the reference scorer on the shared dev set."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from dossier import evaluate
from dossier.cli import app

SCORER = "tools/score.py"


@pytest.fixture(scope="module")
def dev_scores(dev_dir, tmp_path_factory):
    """Run `dossier eval --save` once; return its scores and the saved predictions."""
    out = tmp_path_factory.mktemp("pred")
    result = CliRunner().invoke(app, ["eval", str(dev_dir), "--json", "--save", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1]), out


def test_eval_agrees_with_reference_scorer(dev_dir, dev_scores):
    ours, pred_dir = dev_scores
    scorer = dev_dir.parent / SCORER
    if not scorer.exists():
        pytest.skip(f"reference scorer not found at {scorer}")
    ref = json.loads(subprocess.run([sys.executable, str(scorer), str(dev_dir), str(pred_dir),
                                     "--json"], capture_output=True, text=True,
                                    check=True).stdout)
    for part in evaluate.PARTS:
        assert ours[part] == ref[part], part


def test_dev_entity_typed_f1_target(dev_scores):
    ours, _ = dev_scores
    assert ours["entities_typed"]["f1"] >= 0.85


@pytest.mark.parametrize("pred_entities, expected", [
    # one exact hit, typed right
    ([{"id": "e1", "name": "Taliban", "type": "armed_group", "aliases": []}], (1, 1)),
    # alias-tolerant: matched through an alias, wrong type counts only plain
    ([{"id": "e1", "name": "x", "type": "organization", "aliases": ["the Taliban's"]}], (1, 0)),
    # a second prediction of the same gold entity is a false positive
    ([{"id": "e1", "name": "Taliban", "type": "armed_group", "aliases": []},
      {"id": "e2", "name": "Taliban", "type": "armed_group", "aliases": []}], (1, 1)),
    ([], (0, 0)),
])
def test_entity_matching_rules(pred_entities, expected):
    gold = {"entities": [{"name": "Taliban", "type": "armed_group", "aliases": ["Taliban"]},
                         {"name": "Kabul", "type": "place", "aliases": []}]}
    card = evaluate.score(gold, {"entities": pred_entities})
    assert (card.parts["entities"].tp, card.parts["entities_typed"].tp) == expected
    assert card.parts["entities"].predicted == len(pred_entities)
    assert card.parts["entities"].gold == 2


def test_entity_errors_lists_misses_and_spurious():
    gold = {"entities": [{"name": "Taliban", "type": "armed_group", "aliases": []},
                         {"name": "Kabul", "type": "place", "aliases": []}]}
    pred = {"entities": [{"id": "e1", "name": "Taliban", "type": "organization", "aliases": []},
                         {"id": "e2", "name": "Herat", "type": "place", "aliases": []}]}
    errors = evaluate.entity_errors(gold, pred)
    assert errors.missed == ["Kabul (place)"]
    assert errors.spurious == ["Herat (place)"]
    assert errors.mistyped == [("Taliban", "organization", "armed_group")]

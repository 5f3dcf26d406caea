"""Cross-document resolution, its guards, and user merges and splits that survive
re-ingest and reprocess."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from dossier import query
from dossier.batch.ingest import ingest, reprocess
from dossier.cli import app
from dossier.resolve import distinct, fuzzy_candidate


@pytest.mark.parametrize("a, b, apart", [
    ("isis", "isis k", True),
    ("taliban", "pakistani taliban", True),
    ("al qaeda", "al qaeda in the arabian peninsula", True),
    ("abu mohammed al jolani", "abu mohammad al julani", False),
    ("jemaah islamiyah", "jemaah islamiyah", False),
])
def test_distinct_names(a, b, apart):
    assert distinct(a, b) is apart


@pytest.mark.parametrize("key, known, expected", [
    ("abu mohammad al julani", {"abu mohammed al jolani": 7}, 7),
    ("isis k", {"isis": 1}, None),
    ("hurras al din", {"hurras al deen": 3}, None),  # below the threshold: stays apart
    ("ahmed diriye", {"ahmed omar": 5}, None),
    ("joan smithson", {"john smithson": 9}, None),  # short given names differ: two people
])
def test_fuzzy_candidate(key, known, expected):
    assert fuzzy_candidate(key, known) == expected


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_spellings_resolve_and_branches_stay_apart(store, tmp_path):
    write(tmp_path, "a.txt", "Abu Mohammed al-Jolani leads Hayat Tahrir al-Sham. ISIS and ISIS-K "
                             "are rivals of the Taliban.")
    write(tmp_path, "b.txt", "Abu Mohammad al-Julani spoke in Idlib. The Pakistani Taliban "
                             "attacked a post.")
    ingest([str(tmp_path)], store)
    jolani = query.find(store, "Abu Mohammed al-Jolani")
    assert jolani and jolani == query.find(store, "Abu Mohammad al-Julani")
    assert query.find(store, "ISIS")[0].id != query.find(store, "ISIS-K")[0].id
    assert query.find(store, "Taliban")[0].id != query.find(store, "Pakistani Taliban")[0].id


def test_merge_split_survive_reingest_and_reprocess(store, tmp_path):
    write(tmp_path, "a.txt", "Fighters of the Black Banner Brigade attacked the town, said "
                             "Amina Farouk.")
    write(tmp_path, "b.txt", "The Black Flag Brigade denied the attack.")
    ingest([str(tmp_path)], store)
    banner = query.find(store, "Black Banner Brigade")[0]
    flag = query.find(store, "Black Flag Brigade")[0]
    assert banner.id != flag.id
    correction = store.merge(banner.id, flag.id, "same group, two translations")
    assert query.find(store, "Black Flag Brigade")[0].id == banner.id

    write(tmp_path, "c.txt", "The Black Flag Brigade claimed a second attack.")
    ingest([str(tmp_path)], store)  # a new article under the merged name
    reprocess(store)
    assert query.find(store, "Black Flag Brigade")[0].id == banner.id
    assert len(query.profile(store, banner).documents) == 3

    new_id = store.split(banner.id, "Black Flag Brigade", "they are different after all")
    reprocess(store)
    assert query.find(store, "Black Flag Brigade")[0].id == new_id
    assert query.find(store, "Black Banner Brigade")[0].id == banner.id
    assert [c["action"] for c in store.corrections()] == ["merge", "split"]
    assert store.undo_correction(correction)["action"] == "merge"
    assert store.undo_correction(correction) is None


def test_merge_and_undo_commands(backend_url, samples_dir):
    url = backend_url
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(samples_dir / "02-al-shabaab-atmis.txt"),
                               "--db", url]).exit_code == 0
    result = runner.invoke(app, ["merge", "Hodan Warsame", "Ahmed Diriye", "--db", url])
    assert result.exit_code == 0, result.output
    assert "correction 1" in result.stdout
    shown = runner.invoke(app, ["show", "Ahmed Diriye", "--db", url], env={"COLUMNS": "200"})
    assert "Hodan Warsame" in shown.stdout
    assert runner.invoke(app, ["undo", "1", "--db", url]).exit_code == 0
    listed = runner.invoke(app, ["corrections", "--db", url], env={"COLUMNS": "200"})
    assert "merge" in listed.stdout and "yes" in listed.stdout
    assert runner.invoke(app, ["undo", "1", "--db", url]).exit_code != 0


def test_surname_alone_joins_the_one_person_of_that_name(store, tmp_path):
    write(tmp_path, "a.txt", "President Rodrigo Duterte visited Marawi on Monday.")
    write(tmp_path, "b.txt", "Duterte said the siege was over.")
    write(tmp_path, "c.txt", "Maria Santos and Pedro Santos met. Santos left early.")
    write(tmp_path, "d.txt", "Santos declined to comment.")
    ingest([str(tmp_path)], store)
    assert query.find(store, "Duterte") == query.find(store, "Rodrigo Duterte")
    # Two known people share the surname: a bare "Santos" elsewhere stays its own.
    people = {e.id for e in query.find(store, "Maria Santos") + query.find(store, "Pedro Santos")}
    assert [e for e in query.find(store, "Santos") if e.id not in people]


def test_acronym_and_long_form_across_articles(store, tmp_path):
    write(tmp_path, "a.txt", "Analysts at the Institute for Conflict Research and Analysis "
                             "published a study.")
    write(tmp_path, "b.txt", "ICRA said the ceasefire would not hold.")
    ingest([str(tmp_path)], store)
    assert query.find(store, "ICRA") == query.find(
        store, "Institute for Conflict Research and Analysis")

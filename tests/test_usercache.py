"""What newsflow keeps in the user cache answers exactly like what it stands for: the
unpacked language model like py3langid's loader, a stored rule plan like a fresh one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from bench.pages import page_html
from extractors import langid_model
from extractors.boilerplate import clean_lines, load_ruleset
from extractors.boilerplate.plan import Plan, build_plan, plan_key
from extractors.html import parse_html
from tests.conftest import REPO, SEEDS

TEXTS = [
    "Officials said the talks would resume on Monday after a week of delays.",
    "Die Regierung hat am Montag neue Gespräche über den Haushalt angekündigt.",
    "Le gouvernement a annoncé lundi de nouvelles négociations sur le budget.",
    "Правительство в понедельник объявило о новых переговорах по бюджету.",
    "El gobierno anunció el lunes nuevas negociaciones sobre el presupuesto.",
]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("NEWSFLOW_CACHE_DIR", str(folder))
    return folder


def stock() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def test_first_use_unpacks_into_the_cache_and_answers_like_py3langid(cache: Path) -> None:
    cached = langid_model.identifier()
    [unpacked] = cache.glob("langid-*.npz")
    assert unpacked.stat().st_size > 30_000_000  # the model itself, not a stub
    assert [cached.classify(t) for t in TEXTS] == [stock().classify(t) for t in TEXTS]


def test_a_later_use_reads_the_cached_file(cache: Path) -> None:
    langid_model.identifier()
    [unpacked] = cache.glob("langid-*.npz")
    before = unpacked.stat().st_mtime_ns
    again = langid_model.identifier()
    assert unpacked.stat().st_mtime_ns == before
    assert again.classify(TEXTS[1]) == stock().classify(TEXTS[1])


def test_a_torn_cache_file_falls_back_to_the_packed_model(cache: Path) -> None:
    langid_model.identifier()
    [unpacked] = cache.glob("langid-*.npz")
    unpacked.write_bytes(unpacked.read_bytes()[:1000])
    assert langid_model.identifier().classify(TEXTS[2]) == stock().classify(TEXTS[2])


def test_an_unwritable_cache_falls_back_to_the_packed_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NEWSFLOW_CACHE_DIR", str(blocker / "cache"))
    assert langid_model.cached_model() is None
    assert langid_model.identifier().classify(TEXTS[3]) == stock().classify(TEXTS[3])


def _rules() -> tuple:
    return load_ruleset().rules_for(None)


def _page_lines() -> list[tuple[str, ...]]:
    # Generated news pages (nav, share bars, promos, teasers) and the seeds' own text.
    pages = [parse_html(page_html(index)).lines for index in range(60)]
    seeds = [tuple(path.read_text(encoding="utf-8").splitlines()) for path in SEEDS.glob("*")]
    return pages + seeds


def test_a_stored_plan_cleans_exactly_like_a_fresh_one(cache: Path) -> None:
    rules = _rules()
    build_plan.cache_clear()
    build_plan(rules)  # built and stored
    [stored] = cache.glob("plan-*.pickle")
    build_plan.cache_clear()
    read_back = build_plan(rules)
    assert stored.stat().st_size > 10_000 and isinstance(read_back, Plan)
    ruleset = load_ruleset()
    fresh = [clean_lines(lines, ruleset, source_id="seeds") for lines in _page_lines()]
    ruleset._plans[None] = read_back  # the same rule set, planned from the stored copy
    ruleset._plans["seeds"] = read_back
    again = [clean_lines(lines, ruleset, source_id="seeds") for lines in _page_lines()]
    assert again == fresh
    assert any(result.removals for result in fresh)  # the rules did remove something


def test_the_plan_key_is_the_same_in_another_process(cache: Path) -> None:
    code = "from extractors.boilerplate import load_ruleset; from extractors.boilerplate.plan "
    code += "import plan_key; print(plan_key(load_ruleset().rules_for(None)))"
    other = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert other.stdout.strip() == plan_key(_rules())


def test_a_torn_plan_file_is_built_again(cache: Path) -> None:
    rules = _rules()
    cache.mkdir(parents=True)
    (cache / f"plan-{plan_key(rules)}.pickle").write_bytes(b"\x80\x05torn")
    build_plan.cache_clear()
    assert isinstance(build_plan(rules), Plan)
    build_plan.cache_clear()

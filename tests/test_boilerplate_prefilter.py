"""The speed-ups of the boilerplate engine change nothing: prefilters never miss a match.

Lines are generated from each rule pattern itself (so every pattern is exercised with
lines it matches, in case variants `re.IGNORECASE` allows), then checked against the
pattern's gate and the plan's candidate index. `match_form` and `fold` are checked against
the definitions they replaced.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from extractors.boilerplate import load_ruleset
from extractors.boilerplate.gates import Gated, Line
from extractors.boilerplate.prefilter import fold, fold_char, parse, sre
from extractors.boilerplate.rules import LineRule, match_form

SAMPLE = "aAzZ09_ ,.-!?'\"«»éÉßıİſKµΣσςιΙЖжєЄ\u00a0:;()*/$€₽"
EXTRA_CASES: dict[str, str] = {"i": "ıİI", "s": "ſS", "k": "KK", "σ": "Σς", "ι": "Ιͅ"}


def variants(char: str) -> str:
    return char + char.upper() + char.lower() + EXTRA_CASES.get(char.lower(), "")


def generate(items: Iterable[Any], rng: random.Random) -> str:
    return "".join(_item(op, av, rng) for op, av in items)


def _item(op: Any, av: Any, rng: random.Random) -> str:
    if op is sre.LITERAL:
        return rng.choice(variants(chr(av)))
    if op is sre.IN:
        literals = [chr(code) for kind, code in av if kind is sre.LITERAL]
        return rng.choice(variants(rng.choice(literals))) if literals else rng.choice(SAMPLE)
    if op is sre.BRANCH:
        return generate(rng.choice(av[1]), rng)
    if op is sre.SUBPATTERN:
        return generate(av[3], rng)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        least, most, body = av
        return "".join(generate(body, rng) for _ in range(rng.randint(least, min(most, least + 2))))
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return ""
    return rng.choice(SAMPLE)


def matching_lines(pattern: re.Pattern[str], whole: bool, rng: random.Random) -> Iterator[str]:
    tree = parse(pattern)
    for _ in range(30):
        text = generate(tree, rng)
        if not whole:
            text = rng.choice(["", "x ", "Said «", "ι "]) + text + rng.choice(["", " y", "ι"])
        if pattern.fullmatch(text) if whole else pattern.search(text):
            yield text


def unsound(patterns: Gated, whole: bool, rng: random.Random) -> list[str]:
    return [
        text
        for pattern, gate in patterns
        for text in matching_lines(pattern, whole, rng)
        if not gate.admits(Line(text).folded)
    ]


RULESET = load_ruleset()


@pytest.mark.parametrize("rule", RULESET.rules, ids=lambda rule: rule.info.name)
def test_gates_admit_every_line_their_pattern_matches(rule: Any) -> None:
    rng = random.Random(rule.info.name)
    if isinstance(rule, LineRule):
        missed = unsound(rule.gates, rule.whole_line, rng) + unsound(rule.unless_gates, False, rng)
    else:
        start, end = rule.anchor_gates
        missed = unsound(start, True, rng) + unsound(end, True, rng)
    assert missed == []


@pytest.mark.parametrize("rule", RULESET.rules, ids=lambda rule: rule.info.name)
def test_plan_makes_every_matching_line_a_candidate(rule: Any) -> None:
    plan, rng = RULESET.plan_for(None), random.Random(rule.info.name + "plan")
    if isinstance(rule, LineRule):
        bit = 1 << plan.line_rules.index(rule)
        patterns, whole = rule.patterns, rule.whole_line
        texts = [t for p in patterns for t in matching_lines(p, whole, rng)]
        texts = [t for t in texts if whole or all(p.search(t) for p in patterns)]
    else:
        bit = plan.block_bit(plan.block_rules.index(rule))
        texts = [t for p in (*rule.start, *rule.end) for t in matching_lines(p, True, rng)]
    assert [t for t in texts if not plan.candidates(Line(t).folded) & bit] == []


_OLD_SPACES = re.compile(r"\s+")
_OLD_LEADING = re.compile(r"^[\s»›>•·*▶►▸→➤■□◆●|–—-]+")
_OLD_TRAILING = re.compile(r"[\s.,;:!…·|»›>→▶►–—-]+$")
_OLD_QUOTES = str.maketrans("’‘ʼ‛`‹›“”„‟«»", "'" * 7 + '"' * 6)


def old_match_form(line: str) -> str:
    text = _OLD_SPACES.sub(" ", unicodedata.normalize("NFKC", line)).strip()
    return _OLD_TRAILING.sub("", _OLD_LEADING.sub("", text)).translate(_OLD_QUOTES)


def test_match_form_is_what_it_was() -> None:
    rng = random.Random(5)
    alphabet = SAMPLE + "\t\n\u2003\u3000’‘`“”„«»‹›•▶→—–|>.…!"
    lines = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    assert [match_form(line) for line in lines] == [old_match_form(line) for line in lines]


def test_fold_is_how_ignorecase_compares_characters() -> None:
    text = "".join(map(chr, range(0x20, 0x3000)))
    assert fold(text) == "".join(map(fold_char, text))
    for char in "ıİſKµΣςιͅ":
        same = [c for c in text if re.fullmatch(re.escape(char), c, re.IGNORECASE)]
        assert {fold_char(c) for c in same} == {fold_char(char)}

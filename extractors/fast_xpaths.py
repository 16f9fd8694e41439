"""trafilatura's XPaths, rewritten to select the same nodes at less than half the cost.

trafilatura prunes and searches every page with a few dozen XPaths; on newsflow's path
they were about a third of a page's extraction (issue 7). Two shapes in them are slow in
libxml2, and each has an exact rewrite:

- `re:test(@class, 'x')` is EXSLT, which lxml runs as a Python callback for every element
  the path visits, with the attribute or without. Where 'x' cannot match the empty string
  the test is false without the attribute, so `((@class) and re:test(@class, 'x'))`
  selects the same nodes and skips the callback for elements that lack it.
- `.//*[self::div or self::section][more]` evaluates two node tests per element of the
  page; `(.//div|.//section)[more]` walks the page once per name, in C. A union comes back
  in document order, as the step did; the rewrite is made only where no predicate of
  that step asks for a position (whose meaning would change).

Each rewritten XPath replaces the original in every loaded trafilatura module (lists in
place, since functions bind them as default arguments too). tests/test_fast_xpaths.py
checks that each selects what the original does, and that extraction is unchanged.
"""

from __future__ import annotations

import re
import sys
from types import ModuleType

from lxml.etree import XPath

REGEXP_NS = "http://exslt.org/regular-expressions"
# re:test(ATTRIBUTES, 'pattern'[, 'flags']), ATTRIBUTES one attribute or a union of them.
_RE_TEST = re.compile(
    r"re:test\(\s*(?P<attributes>@[\w-]+(?:\s*\|\s*@[\w-]+)*)\s*,"
    r"\s*(?P<pattern>'[^']*'|\"[^\"]*\")\s*(?:,\s*(?P<flags>'[^']*'|\"[^\"]*\")\s*)?\)"
)
# A path opening with .//* or //* whose only predicate is a list of self:: name tests.
_NAME_STEP = re.compile(
    r"^(?P<open>\s*\(?\s*)(?P<axis>\.?//)\*\[\s*(?P<names>self::[\w-]+(?:\s+or\s+self::[\w-]+)*)\s*\]"
)
_POSITIONAL = re.compile(r"position\s*\(|last\s*\(|^\s*[\d.]+\s*$")

_originals: dict[str, str] = {}  # rewritten path -> the path trafilatura wrote


def faster(path: str) -> str:
    """`path` with both rewrites applied where they are exact."""
    return unioned(guarded(path))


def guarded(path: str) -> str:
    """Every re:test on attributes guarded by their presence, where that is exact."""
    return _RE_TEST.sub(_guard_call, path)


def _guard_call(call: re.Match[str]) -> str:
    pattern, flags = call["pattern"][1:-1], (call["flags"] or "''")[1:-1]
    if _may_match_empty(pattern, flags):
        return call[0]  # an element without the attribute could pass: keep the callback
    present = " or ".join(name.strip() for name in call["attributes"].split("|"))
    return f"(({present}) and {call[0]})"


def _may_match_empty(pattern: str, flags: str) -> bool:
    # lxml compiles EXSLT patterns with Python's re; 'i' is the only flag re:test reads.
    try:
        compiled = re.compile(pattern, re.IGNORECASE if "i" in flags else 0)
    except re.error:
        return True  # not ours to judge: leave it as trafilatura wrote it
    return compiled.search("") is not None


def unioned(path: str) -> str:
    """A leading `.//*[self::a or self::b]` as `(.//a|.//b)`, where that is exact."""
    step = _NAME_STEP.match(path)
    if step is None:
        return path
    rest = path[step.end() :]
    if any(_POSITIONAL.search(predicate) for predicate in _predicates(rest)):
        return path
    names = [test.strip().removeprefix("self::") for test in step["names"].split(" or ")]
    union = "|".join(f"{step['axis']}{name}" for name in names)
    return f"{step['open']}({union}){rest}"


def _predicates(text: str) -> list[str]:
    """The bracketed predicates at the start of `text` (a step's further predicates)."""
    found, index = [], 0
    while (index := _skip_space(text, index)) < len(text) and text[index] == "[":
        end = _closing_bracket(text, index)
        found.append(text[index + 1 : end])
        index = end + 1
    return found


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def _closing_bracket(text: str, start: int) -> int:
    depth, quote = 0, ""
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[]":
            depth += 1 if char == "[" else -1
            if depth == 0:
                return index
    raise ValueError(f"unbalanced predicate in XPath {text!r}")


def speed_up_trafilatura() -> int:
    """Swap the rewritten XPaths into the loaded trafilatura modules; how many changed."""
    # id of an original -> (original, replacement); holding the original keeps its id unique
    made: dict[int, tuple[XPath, XPath]] = {}
    for module in _trafilatura_modules():
        _swap_in_module(module, made)
    return sum(original is not replacement for original, replacement in made.values())


def original_paths() -> dict[str, str]:
    """Each rewritten path swapped in, with the one trafilatura wrote (for the tests)."""
    return dict(_originals)


def _trafilatura_modules() -> list[ModuleType]:
    import trafilatura  # noqa: F401  (loads the modules that hold the XPaths)

    names = [name for name in sys.modules if name.split(".")[0] == "trafilatura"]
    return [sys.modules[name] for name in sorted(names)]


def _swap_in_module(module: ModuleType, made: dict[int, tuple[XPath, XPath]]) -> None:
    for name, value in list(vars(module).items()):
        if isinstance(value, XPath):
            setattr(module, name, _replacement(value, made))
        elif isinstance(value, list) and value and all(isinstance(v, XPath) for v in value):
            value[:] = [_replacement(xpath, made) for xpath in value]


def _replacement(xpath: XPath, made: dict[int, tuple[XPath, XPath]]) -> XPath:
    if xpath.path in _originals:
        return xpath  # swapped in by an earlier call
    if id(xpath) not in made:  # else seen through another module
        path = faster(xpath.path)
        replacement = xpath if path == xpath.path else XPath(path, namespaces={"re": REGEXP_NS})
        made[id(xpath)] = (xpath, replacement)
        if replacement is not xpath:
            _originals[path] = xpath.path
    return made[id(xpath)][1]

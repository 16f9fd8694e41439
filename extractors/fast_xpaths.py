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
place, so every module holding the same list sees it); one that does not compile keeps
the original. Both rewrites are judged from the text of the path, conservatively; what
makes them exact for the XPaths they touch is the pinned trafilatura version together with
tests/test_fast_xpaths.py, which checks that each selects what the original does and that
extraction is unchanged.
"""

from __future__ import annotations

import re
import sys
from types import ModuleType

from lxml.etree import XPath, XPathSyntaxError

REGEXP_NS = "http://exslt.org/regular-expressions"
# re:test(ATTRIBUTES, 'pattern'[, 'flags']), ATTRIBUTES one attribute or a union of them.
_RE_TEST = re.compile(
    r"(?<![\w:.-])re:test\(\s*(?P<attributes>@[\w-]+(?:\s*\|\s*@[\w-]+)*)\s*,"
    r"\s*(?P<pattern>'[^']*'|\"[^\"]*\")\s*(?:,\s*(?P<flags>'[^']*'|\"[^\"]*\")\s*)?\)"
)
# A path opening with .//* or //* whose only predicate is a list of self:: name tests.
_NAME_STEP = re.compile(
    r"^(?P<open>\s*\(?\s*)(?P<axis>\.?//)\*\[\s*(?P<names>self::[\w-]+(?:\s+or\s+self::[\w-]+)*)\s*\]"
)
# What could make a predicate a number (a position): digits, variables, arithmetic and the
# functions returning numbers; read with quoted strings and names removed.
_NUMERIC = re.compile(
    r"\d|\$|[+*]|\sdiv\s|\smod\s|\s-\s|\)\s*-|"
    r"\b(?:position|last|count|number|sum|floor|ceiling|round|string-length)\s*\("
)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NAME = re.compile(r"[A-Za-z_][\w.-]*+(?:::[A-Za-z_][\w.-]*+)?(?!\s*\()")

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
    guard = f"(({present}) and "
    if call.string[: call.start()].endswith(guard):
        return call[0]  # guarded already
    return f"{guard}{call[0]})"


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
    if any(_may_be_numeric(predicate) for predicate in _predicates(rest)):
        return path
    names = [test.strip().removeprefix("self::") for test in step["names"].split(" or ")]
    union = "|".join(f"{step['axis']}{name}" for name in names)
    return f"{step['open']}({union}){rest}"


def _may_be_numeric(predicate: str) -> bool:
    # Names may hold digits (h1) and so may strings; functions keep their "(" (not names).
    return bool(_NUMERIC.search(_NAME.sub(" ", _QUOTED.sub(" ", predicate))))


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

    names = [name for name in list(sys.modules) if name.split(".")[0] == "trafilatura"]
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
        replacement = _compiled(faster(xpath.path), xpath)
        made[id(xpath)] = (xpath, replacement)
        if replacement is not xpath:
            _originals[replacement.path] = xpath.path
    return made[id(xpath)][1]


def _compiled(path: str, original: XPath) -> XPath:
    if path == original.path:
        return original
    try:
        return XPath(path, namespaces={"re": REGEXP_NS})
    except XPathSyntaxError:  # a shape the rewrites misread: trafilatura's own stays
        return original

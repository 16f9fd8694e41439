"""Boilerplate stripping: calls to action and other non-article lines out of article bodies.

Rules are data (`rules/*.toml`, see `rulefile.py` for the format); `clean_lines` applies a
`RuleSet` to one body and reports every removal, so nothing is lost without a trace.
"""

from extractors.boilerplate.engine import clean_lines
from extractors.boilerplate.ruleset import RULES_VERSION, RuleSet, load_ruleset
from extractors.boilerplate.templates import learn_templates, normalise_line, template_counts

__all__ = [
    "RULES_VERSION",
    "RuleSet",
    "clean_lines",
    "learn_templates",
    "load_ruleset",
    "normalise_line",
    "template_counts",
]

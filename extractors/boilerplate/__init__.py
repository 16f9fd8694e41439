"""Boilerplate stripping: calls to action and other non-article lines out of article bodies.

Rules are data (`rules/*.toml`, see `rulefile.py` for the format); `clean_lines` applies a
`RuleSet` to one body and reports every removal, so nothing is lost without a trace.

Cleaning must cost little next to trafilatura, so a rule set is indexed once per source
(`plan.py`): each line first meets prefilters derived from the rule patterns themselves
(`prefilter.py`, `required.py`, `literal_index.py`), and a pattern only runs on a line that
could match it; the results are exactly those of running every pattern.
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

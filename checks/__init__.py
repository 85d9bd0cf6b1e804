"""The apology checker: reads a learner's apology to a customer and reports,
rule by rule, what breaks the handbook's principles.

    >>> from checks import check
    >>> check("I'm sorry, but the courier lost it.", "en").passed
    False
"""
from .engine import MAX_CHARS, CheckInputError, analyse, check, word_count
from .report import Finding, Report
from .rules import LANGUAGES, RuleDataError, catalogue, language
from .scenarios import all_scenarios, scenario, scenario_ids

__version__ = "0.1.0"
__all__ = ["check", "analyse", "Report", "Finding", "CheckInputError", "RuleDataError", "LANGUAGES",
           "MAX_CHARS", "catalogue", "language", "scenario", "scenario_ids", "all_scenarios",
           "word_count"]

"""sheets-sync: one source of truth for LLM-eval results, in two-way sync with Google Sheets."""

__version__ = "0.1.0"

"""Shared test set-up. Tests run in the default language, Simplified Chinese."""

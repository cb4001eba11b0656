"""Skin recovery tracker: log how side effects fade after a skin treatment."""

__version__ = "0.1.0"

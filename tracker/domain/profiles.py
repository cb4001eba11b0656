"""Whose data: the profile every database starts with."""

DEFAULT_PROFILE = "default"

"""Whose data: the profile every database starts with."""

DEFAULT_PROFILE = "default"


def profile_sentence(profile: str) -> str:
    """Whose record a reminder is for, said only when it is not the default profile's."""
    return "" if profile == DEFAULT_PROFILE else f"For {profile}'s record."

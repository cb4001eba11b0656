"""Whose data: the profile every database starts with."""

DEFAULT_PROFILE = "default"


def profile_option(profile: str) -> str:
    """What a command line needs to reach this profile ("--profile anna "): nothing for the
    default one, so that most people's reminders name the plain command."""
    return "" if profile == DEFAULT_PROFILE else f"--profile {profile} "


def profile_sentence(profile: str) -> str:
    """Whose record a reminder is for, said only when it is not the default profile's."""
    return "" if profile == DEFAULT_PROFILE else f"For {profile}'s record."

"""Data files shipped with the program."""

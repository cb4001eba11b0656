"""Use cases: each opens one database transaction and returns plain records."""

"""Use cases: each works in the unit of work its face opened (the Store it is given) and
returns plain records."""

"""Storage: the ORM models, the engine and the schema's revision check."""

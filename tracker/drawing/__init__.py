"""Charts and the report: the only code that imports matplotlib."""

"""Pure rules over plain records: no database, no drawing, no command line, no clock."""

"""Discovery: which files to check and which functions in them Lambda calls."""

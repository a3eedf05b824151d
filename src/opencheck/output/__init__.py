"""Everything that leaves opencheck: the one file writer, the secret and inert-text guard, a closed stdout, and
the stderr lines that say what was written."""

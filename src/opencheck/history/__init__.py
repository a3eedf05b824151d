"""`opencheck history`: a model evaluated at each of its revisions, and what changed between them."""

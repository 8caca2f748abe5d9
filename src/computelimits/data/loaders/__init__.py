"""One module per data source; each parses the upstream format into tidy tables."""

"""Open data: registry of pinned upstream files, loaders, and the four tidy tables
(results, compute, hardware, grid)."""

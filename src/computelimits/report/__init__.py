"""The HTML report of the whole study (`computelimits reproduce`)."""

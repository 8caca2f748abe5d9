"""One module per registered forecast model (:mod:`..registry`)."""

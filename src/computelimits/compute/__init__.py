"""Training compute (the paper's hardware burden and network operations), and what it costs
in dollars, energy and CO2; a pre-flight estimator; FLOP counting for PyTorch models."""

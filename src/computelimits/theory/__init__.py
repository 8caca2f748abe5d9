"""The theory experiment: Oracle, Expert, Flexible and Regularized models learning a sparse
linear model, their accuracy and their compute as the data grow."""

from computelimits.theory.config import MODELS, TheoryConfig, log_grid
from computelimits.theory.experiment import TheoryResult, simulate

__all__ = ["MODELS", "TheoryConfig", "TheoryResult", "log_grid", "simulate"]

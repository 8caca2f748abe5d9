""":class:`computelimits.scaling.study.ForecastStudy` speaks the results vocabulary: its
evaluation table is the field ``table`` and ``summary()`` returns a
:class:`~computelimits.results.Summary`, as every results object's does."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd

from computelimits.results import Summary
from computelimits.scaling.study import ForecastStudy


def _study() -> ForecastStudy:
    table = pd.DataFrame({"benchmark": ["pooled (2)", "mmlu"], "model": ["nested", "time"],
                          "forward_coverage": [0.93, 0.9]})
    pooled = pd.DataFrame({"model": ["nested", "compute_only"],
                           "forward_coverage": [0.9312, 0.71], "inverse_medae_oom": [0.4412, 1.2]})
    outlooks = pd.DataFrame({"benchmark": ["mmlu", "gsm8k"], "usd_now": [4.4e7, 1.2e8]})
    return ForecastStudy(evaluation=table.head(1), table=table, pooled=pooled,
                         pool_name="pooled (2)", published=pd.DataFrame(),
                         rates=pd.DataFrame(), outlooks=outlooks,
                         extrapolations=pd.DataFrame(),
                         default_model={"model": "time_shrunk", "reason": "lowest score"})


def test_the_evaluation_table_is_a_field_and_summary_a_method():
    names = [f.name for f in dataclasses.fields(ForecastStudy)]
    assert "table" in names and "summary" not in names
    s = _study().summary()
    assert isinstance(s, Summary)
    text = str(s)
    assert "2 benchmark outlooks" in text and "default model: time_shrunk (lowest score)" in text
    assert "nested (pooled (2)): 95% intervals covered 93% of later results" in text
    assert "0.44 orders of magnitude" in text
    assert not re.search(r"\de[+-]?\d", text)
    assert s.to_frame().equals(_study().outlooks)
    assert "<table" in _study()._repr_html_()
    assert repr(_study()).startswith("<ForecastStudy: 2 benchmark outlooks")

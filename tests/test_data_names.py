"""The alias table: every row names a model that exists on both sides, exactly once."""

from __future__ import annotations

from computelimits.data.names import aliases, model_key


def test_aliases_parse_and_are_not_redundant():
    table = aliases()
    assert len(table) >= 10
    for (source, key), (target, note) in table.items():
        assert source and key and target and note
        # an alias for names that already share a key would be dead weight
        assert key != model_key(target), (source, key)


def test_every_alias_names_existing_models(mirror):
    from computelimits.data.catalog import resolve_catalog
    from computelimits.data.loaders.epoch_models import load_compute

    results = resolve_catalog().results()
    epoch = load_compute()
    for (source, key), (target, _) in aliases().items():
        rows = results[(results["source"] == source) & (results["model_key"] == key)]
        assert len(rows) > 0, f"{source}: no result with key {key!r}"
        hits = epoch[epoch["model_key"] == model_key(target)]
        assert len(hits) == 1, f"{target!r}: {len(hits)} Epoch records"


def test_aliases_are_used_by_the_join(mirror):
    from computelimits.data.catalog import resolve_catalog
    from computelimits.data.join import join_compute

    cat = resolve_catalog()
    jr = join_compute(cat.results("imagenet"), cat.compute())
    t = jr.table
    row = t[(t["source"] == "pwc-imagenet-2019") & (t["model"] == "Inception V1")].iloc[0]
    assert row["match_rule"] == "alias" and row["compute_model"] == "GoogLeNet / InceptionV1"

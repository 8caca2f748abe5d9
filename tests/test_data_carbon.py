"""Carbon-side loaders: Electricity Maps 2024, Green Algorithms, ML CO2 Impact.

Counts and values are checked against the shared mirror (COMPUTELIMITS_DATA); malformed inputs
are small synthetic files in tmp_path.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _helpers import write_file
from computelimits.data.loaders import electricity_maps as em
from computelimits.data.loaders import green_algorithms as ga
from computelimits.data.loaders import mlco2 as ml
from computelimits.data.registry import SOURCES
from computelimits.data.schema import SCHEMAS
from computelimits.errors import InputError


def _row(df: pd.DataFrame, col: str, value) -> pd.Series:
    hit = df[df[col] == value]
    assert len(hit) == 1, (col, value, len(hit))
    return hit.iloc[0]


def _raises(match_all: list[str], fn, *args, **kw) -> str:
    with pytest.raises(InputError) as exc:
        fn(*args, **kw)
    msg = str(exc.value)
    for part in match_all:
        assert part in msg, (part, msg)
    return msg


# ============================================================== Electricity Maps 2024

EM_HEADER = ",".join(em.COLUMNS) + ",Citation\n"


def _em_line(zone="FR", direct="20.5", life="40.1", cfe="95.0", re_="30.0",
             when="2024-01-01 00:00:00", country="France", name="France"):
    return f"{when},{country},{name},{zone},{direct},{life},{cfe},{re_},Electricity Maps " \
           "Estimation,cite\n"


@pytest.fixture(scope="module")
def em_zones(mirror):
    return em.load_zones()


def test_em_counts_kinds_and_years(em_zones):
    z = em_zones
    assert len(z) == 352 and z["zone"].is_unique  # README: 352 rows
    ids = z["zone"]
    assert (z["kind"] == "world").sum() == 1 and _row(z, "zone", "GLOBAL")["kind"] == "world"
    assert (z["kind"] == "country").sum() == ids.str.fullmatch(r"[A-Z]{2}").sum() == 205
    assert (z["kind"] == "zone").sum() == 146
    assert z["year"].value_counts().to_dict() == {2024: 351, 2023: 1}  # README: one 2023 row
    assert _row(z, "year", 2023)["zone"] == "GLOBAL"
    assert z["country"].nunique() == 209  # README: 209 countries


def test_em_specific_rows(em_zones):
    z = em_zones
    kr = _row(z, "zone", "KR")  # data row 1: KR,360.97,422.73,36.39,3.44
    assert kr["source_row"] == 1 and kr["name"] == "South Korea"
    assert kr["gco2e_per_kwh"] == pytest.approx(360.97)
    assert kr["gco2e_per_kwh_lifecycle"] == pytest.approx(422.73)
    assert kr["cfe_fraction"] == pytest.approx(0.3639) and kr["re_fraction"] == pytest.approx(
        0.0344)
    qc = _row(z, "zone", "CA-QC")  # data row 2: Canada,Québec,CA-QC,5.48,35.04,98.65,96.4
    assert (qc["source_row"], qc["name"], qc["country"], qc["kind"]) == (2, "Québec", "Canada",
                                                                         "zone")
    assert qc["gco2e_per_kwh"] == pytest.approx(5.48) and qc["re_fraction"] == pytest.approx(
        0.964)
    na = _row(z, "zone", "NA")  # data row 45: Namibia's zone id is "NA", not a blank
    assert (na["source_row"], na["name"], na["kind"]) == (45, "Namibia", "country")
    assert na["gco2e_per_kwh"] == pytest.approx(10.9)
    glob = _row(z, "zone", "GLOBAL")  # the 2023 row: 480 direct and life-cycle, no shares
    assert glob["gco2e_per_kwh"] == glob["gco2e_per_kwh_lifecycle"] == 480
    assert np.isnan(glob["cfe_fraction"]) and not glob["estimated"]
    assert "ember-energy.org" in glob["data_source"]


def test_em_units_and_ranges(em_zones):
    z = em_zones
    # README: direct 0 … 758, life cycle 15 … 862 gCO2eq/kWh.
    assert z["gco2e_per_kwh"].min() == 0 and 758 <= z["gco2e_per_kwh"].max() < 759
    assert 15 <= z["gco2e_per_kwh_lifecycle"].min() < 16
    assert 861 < z["gco2e_per_kwh_lifecycle"].max() <= 862
    for col in ("cfe_fraction", "re_fraction"):
        v = z[col].dropna()
        assert len(v) == 351 and v.between(0, 1).all()
    both = z.dropna(subset=["cfe_fraction", "re_fraction"])
    assert (both["re_fraction"] <= both["cfe_fraction"] + 1e-12).all()  # renewables ⊂ carbon-free
    # Kept as published: five zones have life-cycle below direct intensity.
    below = z[z["gco2e_per_kwh_lifecycle"] < z["gco2e_per_kwh"]]["zone"]
    assert sorted(below) == sorted(["RU-1", "PR", "JP-SK", "BO", "GB-ORK"])
    assert z["estimated"].sum() == z["data_source"].str.contains("Estimation").sum()


def test_em_grid_schema_and_attribution(mirror):
    g = em.load_grid()
    assert list(g.columns) == list(SCHEMAS["grid"])
    assert len(g) == 352 and g["pue"].isna().all()
    assert g.attrs["attribution"] == [SOURCES["electricity-maps-2024"].attribution]
    assert (g["source"] == em.SOURCE).all() and (g["source_file"] == em.FILE).all()
    assert list(g["source_row"]) == list(range(1, 353))


def test_em_synthetic_ok_and_percent_strings(tmp_path):
    p = write_file(tmp_path / "em.csv", EM_HEADER + _em_line() + _em_line(
        zone="US-CAL-CISO", cfe="77.0%", re_="", country="United States", name="CAISO"))
    z = em._parse(p)
    assert list(z["kind"]) == ["country", "zone"]
    assert z["cfe_fraction"].tolist() == pytest.approx([0.95, 0.77])
    assert np.isnan(z["re_fraction"].iloc[1])


@pytest.mark.parametrize(("body", "parts"), [
    (_em_line(direct="abc"), ["row 1", em.COL_DIRECT, "'abc'"]),
    (_em_line() + _em_line(zone="DE", direct="-3"), ["row 2", em.COL_DIRECT, "negative"]),
    (_em_line(direct=""), ["row 1", em.COL_DIRECT, "blank"]),
    (_em_line(cfe="101"), ["row 1", em.COL_CFE, "over 100%"]),
    (_em_line(when="Jan 2024"), ["row 1", em.COL_TIME, "cannot parse"]),
    (_em_line(when="2024-07-01 00:00:00"), ["row 1", em.COL_TIME, "start of a year"]),
    (_em_line() + _em_line(), ["row 2", em.COL_ID, "repeats row 1"]),
    (_em_line(zone=""), ["row 1", em.COL_ID, "blank"]),
    (_em_line() + "2024-01-01 00:00:00,Germany,Germany,DE,3", ["row 2", "fields", "truncated"]),
])
def test_em_malformed_rows(tmp_path, body, parts):
    p = write_file(tmp_path / "em.csv", EM_HEADER + body)
    _raises([str(p), *parts], em._parse, p)


def test_em_renamed_column_names_the_expected_one(tmp_path):
    # The ASCII "CO2" spelling is not the upstream name (which has a subscript two).
    header = EM_HEADER.replace("gCO\u2082eq/kWh (direct)", "gCO2eq/kWh (direct)")
    p = write_file(tmp_path / "em.csv", header + _em_line())
    msg = _raises([str(p), "missing column", "closest found"], em._parse, p)
    assert repr(em.COL_DIRECT) in msg


def test_em_through_a_modified_mirror(tmp_path, monkeypatch):
    folder = tmp_path / em.SOURCE
    folder.mkdir()
    write_file(folder / em.FILE, EM_HEADER + _em_line(life="-1"))
    monkeypatch.setenv("COMPUTELIMITS_DATA", str(tmp_path))
    _raises([em.FILE, "row 1", em.COL_LIFECYCLE], em.load_grid, strict=False)
    _raises(["strict mode"], em.load_grid, strict=True)


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789", min_size=1, max_size=12))
def test_em_zone_kind_law(zone):
    kind = em.zone_kind(zone)
    if zone == "GLOBAL":
        assert kind == "world"
    else:
        assert (kind == "country") == bool(re.fullmatch(r"[A-Z]{2}", zone))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 2000, allow_nan=False), st.floats(0, 100)),
                min_size=1, max_size=6))
def test_em_values_round_trip(pairs):
    """Whatever non-negative intensity and percent share is written comes back (share/100)."""
    lines = "".join(_em_line(zone=f"Z{i}", direct=repr(d), cfe=repr(c), re_=repr(c / 2))
                    for i, (d, c) in enumerate(pairs))
    with tempfile.TemporaryDirectory() as d:
        z = em._parse(write_file(Path(d) / "em.csv", EM_HEADER + lines))
    assert z["gco2e_per_kwh"].tolist() == [p[0] for p in pairs]
    assert z["cfe_fraction"].tolist() == pytest.approx([p[1] / 100 for p in pairs])


# ============================================================== Green Algorithms

GA = Path("green-algorithms")
CI_HEAD = ("index,,,,in gCO2e/kWh,,\"Country, Region or World\",\n"
           "location,continentName,countryName,regionName,carbonIntensity,Type,source,comments\n")
CLOUD_HEAD = (",,must match CI-aggregated$location,,,,> 1,\n"
              "provider,Name,location,Extra_details,location_freeForm,source_datacentre,PUE,"
              "source_PUE\n")


@pytest.fixture(scope="module")
def ga_grid(mirror):
    return ga.load_grid()


def test_ga_counts(ga_grid):
    g = ga_grid
    counts = g["kind"].value_counts().to_dict()
    # README: CI 131 (World 1, Country 53, Region 77); 6 PUE defaults; 78 data centres.
    assert counts == {"world": 1, "country": 53, "region": 77, "pue-default": 6,
                      "cloud-region": 78}
    ci = g[g["source_file"] == ga.CI_FILE]
    assert len(ci) == 131 and ci["zone"].is_unique
    cloud = g[g["kind"] == "cloud-region"]
    provider = cloud["name"].str.split(" ").str[0]
    assert provider.value_counts().to_dict() == {"azure": 54, "gcp": 24}
    assert list(g.columns) == list(SCHEMAS["grid"])
    assert g.attrs["attribution"] == [SOURCES["green-algorithms"].attribution]


def test_ga_ci_values_units_and_years(ga_grid):
    ci = ga_grid[ga_grid["source_file"] == ga.CI_FILE]
    world = _row(ci, "zone", "WORLD")  # data row 1: WORLD,…,475,World,…,Data from 2019
    assert (world["source_row"], world["name"], world["year"]) == (1, "World", 2019)
    assert world["gco2e_per_kwh"] == 475 and pd.isna(world["country"])
    il = _row(ci, "zone", "IL")  # data row 3: comments "Data from April 2022"
    assert (il["year"], il["name"], il["kind"]) == (2022, "Israel", "country")
    fr = _row(ci, "zone", "FR")  # data row 27: 51.28, "(data from 2020)" in source
    assert fr["gco2e_per_kwh"] == pytest.approx(51.28) and fr["year"] == 2020
    qc = _row(ci, "zone", "CA-QC")  # region row: name = regionName, country = countryName
    assert (qc["name"], qc["country"], qc["kind"]) == ("Quebec", "Canada", "region")
    assert qc["gco2e_per_kwh"] == pytest.approx(1.5) and qc["year"] == 2019
    # README: 0.13 … 1,060 gCO2e/kWh (Iceland, Victoria).
    assert _row(ci, "zone", "IS")["gco2e_per_kwh"] == ci["gco2e_per_kwh"].min() == 0.13
    assert _row(ci, "zone", "AU-VIC")["gco2e_per_kwh"] == ci["gco2e_per_kwh"].max() == 1060
    assert ci["year"].isna().sum() == 3  # TW, GB, CA state no "data from YYYY"
    rep = ga_grid.attrs["repairs"]
    assert rep[f"{ga.CI_FILE}: no data year stated (year left empty)"] == 3
    # 3 rows state the year in comments (WORLD, IL, UY), 3 nowhere, the rest in source.
    assert rep[f"{ga.CI_FILE}: year read from the source column"] == 131 - 3 - 3


def test_ga_cloud_rows_look_up_ci_by_location(mirror):
    folder = mirror / GA
    ci = ga._parse_ci(folder / ga.CI_FILE)
    cloud = ga._parse_cloud(folder / ga.CLOUD_FILE, ci)
    assert len(cloud) == 78
    by_loc = ci.set_index("zone")
    have = cloud.dropna(subset=["location"])
    assert len(have) == 77  # Azure "Qatar Central" has a blank location
    assert (have["gco2e_per_kwh"].to_numpy()
            == by_loc.loc[have["location"], "gco2e_per_kwh"].to_numpy()).all()
    assert (have["country"].to_numpy() == by_loc.loc[have["location"], "country"]
            .to_numpy()).all()
    west1 = _row(cloud, "zone", "us-west1")  # data row 1: gcp,us-west1,US-OR,…,1.11
    assert (west1["source_row"], west1["location"], west1["pue"]) == (1, "US-OR", 1.11)
    assert west1["gco2e_per_kwh"] == _row(ci, "zone", "US-OR")["gco2e_per_kwh"] == 163.15
    assert west1["name"] == "gcp us-west1 (Oregon)"
    qatar = _row(cloud, "zone", "Qatar Central")
    assert np.isnan(qatar["gco2e_per_kwh"]) and pd.isna(qatar["country"])
    assert cloud["pue"].notna().sum() == 7 and (cloud["pue"].dropna() >= 1).all()


def test_ga_pue_defaults(ga_grid):
    pue = ga_grid[ga_grid["kind"] == "pue-default"]
    assert pue["zone"].tolist() == ["Unknown", "gcp", "aws", "azure", "OVHcloud", "Oracle"]
    assert ga.default_pue() == 1.56  # README: default 1.56 (Uptime Institute 2024)
    value, source = ga.pue_defaults()["Unknown"]
    assert value == 1.56 and "uptimeinstitute" in source and "2024" in source
    assert _row(pue, "zone", "OVHcloud")["pue"] == 1.09  # data row 5


def test_ga_tdp(mirror):
    t = ga.load_tdp()
    assert list(t.columns) == list(SCHEMAS["hardware"])
    gpu, cpu = t[t["source_file"] == ga.GPU_FILE], t[t["source_file"] == ga.CPU_FILE]
    assert (len(gpu), len(cpu)) == (22, 95)  # README: 22 GPU rows, 95 CPU rows
    assert gpu["type"].value_counts().to_dict() == {"GPU": 19, "TPU": 3}
    assert (cpu["type"] == "CPU").all()
    v100 = _row(gpu, "chip", "NVIDIA Tesla V100")  # TDP_gpu.csv data row 16: 300 W
    assert (v100["source_row"], v100["tdp_w"]) == (16, 300)
    epyc = _row(cpu, "chip", "AMD EPYC 7763")  # TDP_cpu.csv data row 8: 280 W
    assert (epyc["source_row"], epyc["tdp_w"]) == (8, 280)
    assert _row(gpu, "chip", "Any")["tdp_w"] == 200  # from TDP_per_core (counted)
    assert np.isnan(_row(cpu, "chip", "Any")["tdp_w"])
    assert t.attrs["repairs"][
        f"{ga.GPU_FILE}: blank TDP taken from TDP_per_core (one GPU = one core)"] == 1
    assert t["tdp_w"].dropna().between(1, 1000).all()


def test_ga_reference_values(mirror):
    ref = ga.reference_values()
    assert len(ref) == 13  # README: 13 rows
    assert ref["memoryPower"][0] == 0.3725 and "W/GB" in ref["memoryPower"][1]
    assert ref["treeYear"][0] == 11000


def test_ga_header_lines(tmp_path):
    # Units line missing: the first line holds the names.
    p = write_file(tmp_path / "ci1.csv", CI_HEAD.split("\n", 1)[1] + "FR,Europe,France,Any,51,"
                   "Country,x,\n")
    _raises([str(p), "two header lines"], ga._parse_ci, p)
    # Names line missing: the units line is followed by data.
    p = write_file(tmp_path / "ci2.csv", CI_HEAD.split("\n", 1)[0] + "\nFR,Europe,France,Any,51,"
                   "Country,x,\n")
    _raises([str(p), "missing column", "'location'"], ga._parse_ci, p)
    # A renamed column names the expected one and the closest found.
    p = write_file(tmp_path / "ci3.csv", CI_HEAD.replace("carbonIntensity", "carbon_intensity")
                   + "FR,Europe,France,Any,51,Country,x,\n")
    _raises([str(p), "'carbonIntensity'", "closest found"], ga._parse_ci, p)


@pytest.mark.parametrize(("rows", "parts"), [
    ("FR,Europe,France,Any,lots,Country,x,\n", ["row 1", "carbonIntensity", "'lots'"]),
    ("FR,Europe,France,Any,51,Country,x,\nDE,Europe,Germany,Any,-2,Country,x,\n",
     ["row 2", "carbonIntensity", "negative"]),
    ("FR,Europe,France,Any,,Country,x,\n", ["row 1", "carbonIntensity", "blank"]),
    ("FR,Europe,France,Any,51,Nation,x,\n", ["row 1", "Type", "'Nation'"]),
    ("FR,Europe,France,Any,51,Country,x,\nFR,Europe,France,Any,52,Country,y,\n",
     ["row 2", "location", "repeats row 1"]),
    ("FR,Europe,France,Any,51,Country,x,\nDE,Europe,Germ", ["row 2", "fields", "truncated"]),
])
def test_ga_ci_malformed(tmp_path, rows, parts):
    p = write_file(tmp_path / "ci.csv", CI_HEAD + rows)
    _raises([str(p), *parts], ga._parse_ci, p)


def test_ga_cloud_malformed(tmp_path):
    ci = ga._parse_ci(write_file(tmp_path / "ci.csv", CI_HEAD + "FR,Europe,France,Any,51,Country,"
                                                                "x,Data from 2020\n"))
    p = write_file(tmp_path / "c1.csv", CLOUD_HEAD + "gcp,eu-1,FR,,Paris,x,1.1,y\n"
                   "gcp,eu-2,XX,,Nowhere,x,,\n")
    _raises([str(p), "row 2", "'location'", "'XX'"], ga._parse_cloud, p, ci)
    p = write_file(tmp_path / "c2.csv", CLOUD_HEAD + "gcp,eu-1,FR,,Paris,x,0.9,y\n")
    _raises([str(p), "row 1", "'PUE'", "below 1"], ga._parse_cloud, p, ci)
    p = write_file(tmp_path / "c3.csv", CLOUD_HEAD + "gcp,eu-1,FR,,Paris,x,1.1,y\n"
                   "gcp,eu-1,FR,,Paris,x,1.2,y\n")
    _raises([str(p), "row 2", "duplicate of row 1"], ga._parse_cloud, p, ci)
    # An exact repeat is dropped and counted; the kept row keeps its physical row number.
    p = write_file(tmp_path / "c4.csv", CLOUD_HEAD + "gcp,eu-1,FR,,Paris,x,1.1,y\n"
                   "gcp,eu-1,FR,,Paris,x,1.1,y\ngcp,eu-2,FR,,Lyon,x,,\n")
    c = ga._parse_cloud(p, ci)
    assert c["source_row"].tolist() == [1, 3] and c["year"].tolist() == [2020, 2020]
    assert c.attrs["repairs"][f"exact duplicate {ga.CLOUD_FILE} rows dropped"] == 1


def test_ga_pue_and_tdp_malformed(tmp_path):
    p = write_file(tmp_path / "pue.csv", "index,>1,\nprovider,PUE,source\nUnknown,0.8,x\n")
    _raises([str(p), "row 1", "'PUE'", "below 1"], ga._parse_pue, p)
    p = write_file(tmp_path / "pue2.csv", "index,>1,\nprovider,PUE,source\nUnknown,1.5%,x\n")
    _raises([str(p), "row 1", "'PUE'", "'1.5%'"], ga._parse_pue, p)
    p = write_file(tmp_path / "tdp.csv", "index,in Watt,,\nmodel,TDP,n_cores,TDP_per_core\n"
                   "X,0,4,0\n")
    _raises([str(p), "row 1", "'TDP'", "positive"], ga._parse_tdp, p, "CPU", "TDP_cpu.csv")


def test_ga_default_pue_needs_unknown(tmp_path, monkeypatch):
    folder = tmp_path / ga.SOURCE
    folder.mkdir()
    write_file(folder / ga.PUE_FILE, "index,>1,\nprovider,PUE,source\naws,1.2,x\n")
    monkeypatch.setenv("COMPUTELIMITS_DATA", str(tmp_path))
    _raises([ga.PUE_FILE, "'Unknown'"], ga.default_pue, strict=False)


@given(st.integers(1900, 2099), st.sampled_from(["", "April ", "june "]),
       st.sampled_from(["Data from", "data from", "(data from"]),
       st.text(alphabet="0123456789 ()-", max_size=20))
def test_ga_year_of_law(year, month, lead, tail):
    """Any "data from [Month] YYYY" yields YYYY; the first text that has one wins; a text
    without the phrase yields None, however many digits it holds."""
    assert ga.year_of(f"{lead} {month}{year}") == year
    assert ga.year_of(None, "", f"x {lead} {month}{year} {tail}") == year
    assert ga.year_of(f"{tail} {lead} {month}{year}", "data from 1950") == year
    assert ga.year_of(tail) is None


# ============================================================== ML CO2 Impact

GPU_HEAD = "name,type,tdp_watts,TFLOPS32, TFLOPS16,GFLOPS32/W,GFLOPS16/W,memory,source\n"
IMPACT_HEAD = ("provider,providerName,offsetRatio,region,regionName,country,state,city,impact,"
               "source,PUE,PUE source,comment\n")


@pytest.fixture(scope="module")
def ml_hardware(mirror):
    return ml.load_hardware()


@pytest.fixture(scope="module")
def ml_grid(mirror):
    return ml.load_grid()


def test_ml_hardware_counts_and_values(ml_hardware):
    h = ml_hardware
    assert list(h.columns) == list(SCHEMAS["hardware"])
    assert len(h) == 48  # README: 48 rows (38 GPU, 8 CPU, 2 TPU)
    assert h["type"].value_counts().to_dict() == {"GPU": 38, "CPU": 8, "TPU": 2}
    h100 = _row(h, "chip", "H100 SXM")  # data row 1: 700 W, 989, 1979
    assert (h100["source_row"], h100["tdp_w"]) == (1, 700)
    assert h100["fp32_flops"] == 989e12 and h100["fp16_flops"] == 1979e12
    t4 = _row(h, "chip", "T4")  # data row 18: 70 W, 8.141 / 65.13 TFLOPS
    assert (t4["source_row"], t4["tdp_w"]) == (18, 70)
    assert t4["fp32_flops"] == pytest.approx(8.141e12) and t4["fp16_flops"] == pytest.approx(
        65.13e12)
    k6000 = _row(h, "chip", "Quadro K6000")  # " TFLOPS16" is NaN in the file
    assert np.isnan(k6000["fp16_flops"])
    assert _row(h, "chip", "L40S")["fp16_flops"] == pytest.approx(362.05e12)  # row 45
    assert _row(h, "chip", "AMD EPYC 7763")["type"] == "CPU"
    assert h["tdp_w"].between(1, 1000).all()
    assert h.attrs["attribution"] == [SOURCES["mlco2-impact"].attribution]


def test_ml_tpu_power_is_noted(ml_hardware):
    h = ml_hardware
    tpu = h[h["type"] == "TPU"]
    assert tpu["tdp_w"].tolist() == [221, 283]  # measured averages (Patterson et al.)
    notes = [n for n in h.attrs["notes"] if "not a TDP" in n]
    assert len(notes) == 2 and all(c in " ".join(notes) for c in tpu["chip"])


def test_ml_short_a10g_record_is_realigned(ml_hardware):
    a10g = _row(ml_hardware, "chip", "A10G")  # data row 5 (line 6): 8 fields for 9 columns
    assert (a10g["source_row"], a10g["tdp_w"]) == (5, 150)
    assert a10g["fp32_flops"] == pytest.approx(31.52e12) and np.isnan(a10g["fp16_flops"])
    assert any("A10G" in n and "line 6" in n for n in ml_hardware.attrs["notes"])
    assert sum(ml_hardware.attrs["repairs"].values()) == 1


def test_ml_grid(ml_grid):
    g = ml_grid
    assert list(g.columns) == list(SCHEMAS["grid"])
    assert len(g) == 82 and g["zone"].is_unique and (g["kind"] == "cloud-region").all()
    provider = g["name"].str.split(" ").str[0]
    # README: Azure 32, AWS 22, GCP 21, CoreWeave 3, OVH 2, Scaleway 1, Seeweb 1.
    assert provider.value_counts().to_dict() == {"azure": 32, "aws": 22, "gcp": 21,
                                                 "coreweave": 3, "ovh": 2, "scaleway": 1,
                                                 "seeweb": 1}
    e1 = _row(g, "zone", "us-east-1")  # data row 23: aws,…,0,us-east-1,US East (N. Virginia)
    assert (e1["source_row"], e1["name"], e1["country"]) == (
        23, "aws us-east-1 (US East (N. Virginia))", "USA")
    assert e1["gco2e_per_kwh"] == 367.8 and np.isnan(e1["pue"])
    # offsetRatio 100 (aws us-west-2, row 26) is not applied: the grid intensity stays.
    assert _row(g, "zone", "us-west-2")["gco2e_per_kwh"] == 297.6
    assert _row(g, "zone", "asia-east1")["name"] == "gcp asia-east1 (Changhua County)"
    assert _row(g, "zone", "asia-east1")["pue"] == 1.12
    scw = _row(g, "zone", "Paris")  # row 78: Scaleway has no region id (counted)
    assert scw["source_row"] == 78
    assert g.attrs["repairs"][f"{ml.IMPACT_FILE}: blank region id, regionName used as zone"] == 1
    # README: 0 … 1009 gCO2eq/kWh; PUE on 10 rows.
    assert _row(g, "zone", "fro2")["gco2e_per_kwh"] == g["gco2e_per_kwh"].min() == 0
    assert _row(g, "zone", "southafricanorth")["gco2e_per_kwh"] == g["gco2e_per_kwh"].max()
    assert g["gco2e_per_kwh"].max() == 1009
    assert g["pue"].notna().sum() == 10 and (g["pue"].dropna() >= 1).all()
    assert g["year"].isna().all()


def test_ml_instances(mirror):
    i = ml.load_instances()
    assert len(i) == 14  # README: 14 rows
    assert (i["provider"] == "aws").all() and i["instance"].is_unique
    k80 = _row(i, "instance", "p2.xlarge")  # data row 5: " Tesla K80" (leading space)
    assert (k80["source_row"], k80["gpu"], k80["chip"]) == (5, "Tesla K80", "Tesla K80")
    v100 = _row(i, "instance", "p3.2xlarge")  # "Tesla V100" has no exact gpus.csv row
    assert v100["gpu"] == "Tesla V100" and pd.isna(v100["chip"])
    assert i["chip"].notna().sum() == 10


def _gpu(name="X1", kind="gpu", tdp="250", t32="10", t16="20", extra=",,,16,src"):
    return f"{name},{kind},{tdp},{t32},{t16}{extra}\n"


def test_ml_fp16_header_needs_its_leading_space(tmp_path):
    p = write_file(tmp_path / "gpus.csv", GPU_HEAD.replace(" TFLOPS16", "TFLOPS16") + _gpu())
    _raises([str(p), "missing column", "' TFLOPS16'", "closest found"], ml._parse_gpus, p)


@pytest.mark.parametrize(("rows", "parts"), [
    (_gpu(tdp="abc"), ["row 1", "'tdp_watts'", "'abc'"]),
    (_gpu(tdp="0"), ["row 1", "'tdp_watts'", "positive"]),
    (_gpu(tdp=""), ["row 1", "'tdp_watts'", "blank"]),
    (_gpu(t32="-1"), ["row 1", "'TFLOPS32'", "negative"]),
    (_gpu(kind="fpga"), ["row 1", "'type'", "'fpga'"]),
    (_gpu() + _gpu(), ["row 2", "'name'", "repeats row 1"]),
    # One field short, but a number sits where the omitted field could be: not re-aligned.
    (_gpu() + "X2,gpu,150,31.52,7,,24,src\n", ["row 2", "8 fields", "truncated"]),
    (_gpu() + "X2,gpu,15", ["row 2", "fields", "truncated"]),
])
def test_ml_gpus_malformed(tmp_path, rows, parts):
    p = write_file(tmp_path / "gpus.csv", GPU_HEAD + rows)
    _raises([str(p), *parts], ml._parse_gpus, p)


def test_ml_gpus_missing_values_and_notes(tmp_path):
    p = write_file(tmp_path / "gpus.csv", GPU_HEAD + _gpu(t32="NaN", t16="unk")
                   + _gpu(name="X2", kind="tpu", t16="", extra=",,,, not TDP - measured"))
    h = ml._parse_gpus(p)
    assert np.isnan(h["fp32_flops"]).sum() == 1 and np.isnan(h["fp16_flops"]).all()
    assert h["type"].tolist() == ["GPU", "TPU"] and len(h.attrs["notes"]) == 1


@pytest.mark.parametrize(("rows", "parts"), [
    ("aws,AWS,0,r1,R1,USA,,C,-5,x,,,\n", ["row 1", "'impact'", "negative"]),
    ("aws,AWS,0,r1,R1,USA,,C,lots,x,,,\n", ["row 1", "'impact'", "'lots'"]),
    ("aws,AWS,0,r1,R1,USA,,C,5,x,0.5,,\n", ["row 1", "'PUE'", "below 1"]),
    ("aws,AWS,0,r1,R1,USA,,C,5,x,,,\ngcp,GCP,0,r1,R2,USA,,C,6,x,,,\n",
     ["row 2", "'region'", "repeats row 1"]),
    ("aws,AWS,0,,,USA,,C,5,x,,,\n", ["row 1", "'region'", "neither"]),
    ("aws,AWS,0,r1,R1,USA,,C,5,x,,,\naws,AWS,0,r2,R2,US", ["row 2", "fields", "truncated"]),
])
def test_ml_impact_malformed(tmp_path, rows, parts):
    p = write_file(tmp_path / "impact.csv", IMPACT_HEAD + rows)
    _raises([str(p), *parts], ml._parse_impact, p)


def test_ml_impact_renamed_column(tmp_path):
    p = write_file(tmp_path / "impact.csv", IMPACT_HEAD.replace(",impact,", ",intensity,")
                   + "aws,AWS,0,r1,R1,USA,,C,5,x,,,\n")
    _raises([str(p), "missing column", "'impact'"], ml._parse_impact, p)


def test_ml_through_a_modified_mirror(tmp_path, mirror, monkeypatch):
    folder = tmp_path / ml.SOURCE
    folder.mkdir()
    shutil.copy(mirror / ml.SOURCE / ml.GPU_FILE, folder / ml.GPU_FILE)
    write_file(folder / ml.IMPACT_FILE, IMPACT_HEAD + "aws,AWS,100,r1,R1,USA,,C,5.5,x,1.2,,\n")
    monkeypatch.setenv("COMPUTELIMITS_DATA", str(tmp_path))
    g = ml.load_grid(strict=False)
    assert g[["zone", "gco2e_per_kwh", "pue"]].values.tolist() == [["r1", 5.5, 1.2]]
    assert len(ml.load_hardware(strict=True)) == 48  # the unmodified copy passes strict mode


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0.01, 5000, allow_nan=False),
                          st.one_of(st.none(), st.floats(0, 5000, allow_nan=False))),
                min_size=1, max_size=5))
def test_ml_tflops_scale_law(values):
    """fp32_flops and fp16_flops are exactly the written TFLOP/s times 1e12; blanks stay empty."""
    rows = "".join(_gpu(name=f"G{i}", t32=repr(a), t16="" if b is None else repr(b))
                   for i, (a, b) in enumerate(values))
    with tempfile.TemporaryDirectory() as d:
        h = ml._parse_gpus(write_file(Path(d) / "gpus.csv", GPU_HEAD + rows))
    assert h["fp32_flops"].tolist() == [a * 1e12 for a, _ in values]
    for got, (_, b) in zip(h["fp16_flops"], values, strict=True):
        assert np.isnan(got) if b is None else got == b * 1e12


@given(st.lists(st.sampled_from(["", "NaN", "unk", " "]), min_size=2, max_size=2),
       st.text(alphabet="abc123 .", max_size=8), st.text(alphabet="abc123.", max_size=8),
       st.integers(1, 99))
def test_ml_realign_law(blanks, memory, url, row):
    """A record one field short with blank FP16/efficiency cells gets the header's width and
    keeps name…TFLOPS32, memory and source in place; a full or non-blank record is refused."""
    header = GPU_HEAD.strip().split(",")
    fix = ml.Realigner(header)
    left = ["N", "gpu", "150", "31.5"]
    cells, what = fix(row, [*left, *blanks, memory, url])
    assert len(cells) == len(header) and fix.rows == [row] and "re-aligned" in what
    assert cells[:4] == left and cells[4:7] == ["", "", ""] and cells[7:] == [memory, url]
    assert fix(row, [*left, "7", blanks[0], memory, url]) is None
    assert fix(row, [*left, *blanks, "", memory, url]) is None

"""Every upstream data file the package reads: pinned URL (a commit, never a branch), sha256,
licence and attribution, grouped by source.

Sources are named after their folder in a local mirror laid out like ``shared/data`` (the
``COMPUTELIMITS_DATA`` folder). ``sha256`` is the checksum of the upstream file at the pinned
commit. Where the shared mirror holds a modified copy (Epoch benchmark files cut to models
released before 2024), the mirror's checksum is listed too, for information; such a file is used
with a notice, and refused in strict mode. Where the mirror holds a *conversion* of an upstream
file and also a byte copy of the upstream under ``raw/``, the package parses the raw file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SOURCES", "DataFile", "Source", "get_source"]

GH = "https://raw.githubusercontent.com"


@dataclass(frozen=True)
class DataFile:
    """One file of a source.

    Attributes:
        path: path inside the source's mirror folder (e.g. ``raw/README.md``).
        url: pinned public URL of the upstream file, or None if no upstream file can be pinned.
        sha256: checksum of the upstream file at ``url`` (None when ``url`` is None).
        mirror_sha256: checksum of the copy in the shared mirror when it differs from upstream,
            or when there is no pinnable upstream (then it is the only pin).
        note: how the mirror copy differs, or how to supply an unpinnable file.
    """

    path: str
    url: str | None
    sha256: str | None
    mirror_sha256: str | None = None
    note: str = ""

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Source:
    """A data source: one folder of the mirror."""

    name: str
    title: str
    licence: str
    attribution: str
    provenance: str
    files: tuple[DataFile, ...]
    feeds: tuple[str, ...] = ()
    notes: str = ""
    share_alike: bool = False
    licence_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def licence_short(self) -> str:
        """SPDX-style short licence label for tables."""
        return self.licence_id or self.licence.split(" (")[0].split(";")[0]

    def file(self, path: str) -> DataFile:
        for f in self.files:
            if f.path == path or f.name == path:
                return f
        raise KeyError(f"{self.name} has no file {path!r}")


def _gh(repo: str, commit: str, path: str) -> str:
    return f"{GH}/{repo}/{commit}/{path.replace(' ', '%20')}"


_TCT = ("epoch-research/training-cost-trends", "263c40a159307e917213d1dc433c617e47d55bfe")
_BS = ("epoch-research/benchmark-stitching", "f87d3cc8e8a8f8471be475ebce58fb9a73b4e756")
_BS_ECI = ("epoch-research/benchmark-stitching", "07356c2106015f283c23a1f2478ea9e654a9f24f")
_OMT = ("epoch-research/open-model-trends", "a72b3e93b358ba653a775a41f3e9e5d3984709fd")
_CHIPS = ("epoch-research/ai-chip-counts", "d1b1bc311479ed385befa400e94533afc8b59fb7")
_RUPP = ("karlrupp/microprocessor-trend-data", "f2121ab2b83a156b114fe34e62e1edeca98e8e38")
_CP = ("Computer-Progress/api", "8c0a06d6c75e1a45d1b40460b0ed118e11ddfa0a")
_ALB = ("albanie/convnet-burden", "9c7f31ba3bc108cb5b5c30a8fcd12afce07c207e")
_NLP = ("sebastianruder/NLP-progress", "379f03ff7568b18bd9843490b84c94679f880a79")
_MLCO2 = ("mlco2/impact", "d0d3ee5a71ea222ac344a94900642ed2ce649af4")
_GA = ("GreenAlgorithms/green-algorithms-tool", "30df2feead1c7f5db87a3d86ca1239470a0cd415")
_EM = ("Cambridge-Sustainable-Computing-Lab/Green-Algorithms-data",
       "4a0c3fc736b13b301faa03b840031fba9f464324")

_CUT = ("the shared mirror keeps only rows of models released before 2024-01-01 (see its "
        "README); the upstream file at the pinned commit has more rows")
#: What the shared mirror's documented copies (``mirror_sha256`` ≠ ``sha256``) are, in the
#: one-line notice of :mod:`computelimits.data.fetch`: every one of them is the cut above.
MIRROR_CHANGE = "pre-2024 cut"

# (mirror file name, upstream path, upstream sha256, mirror sha256 if different)
_BS_FILES = [
    ("benchmark_optim.csv", "data/benchmark_optim.csv",
     "24f7dbb26ed3efdbc891cd5daf7259c82fc86ef796bdb081f5d69e4921770b00", None),
    ("benchmarks_runs.csv", "data/benchmarks_runs.csv",
     "5907dfcbd446aeec61d20a0d971be3b6ca07ecf46f40ada3a4b8e26a656b70a8",
     "7925d623edbf68c390bc92753d63f2930abd0071bfeaef6d66d97115741b1568"),
    ("distilled_models.csv", "data/distilled_models.csv",
     "d4e4fbd747d7fa25345419c8f76e1f53b3dbc491e1d1041bc005684bc0b9562a", None),
    ("model_versions.csv", "data/model_versions.csv",
     "08025ffc7b5c00781dd86ef5261f38b2204ed6d5b36160c61af3d9c8da9a10e6", None),
    ("external_benchmark_anli.csv", "data/external_benchmark_anli.csv",
     "6f455864562b479a5976b27b7f467a30eff58c96e9bc2d6aafdedb8f383d4650",
     "67e79ba5b3d012cd4a7d24aa583ce9de2f8352347515132e3f1d0906cc374ea7"),
    ("external_benchmark_arc_ai2.csv", "data/external_benchmark_arc_ai2.csv",
     "73d2913f18b3541d4ef1632bbe1159db26ba7cff22bc57164a69447944db7208",
     "3a3ba17744df8418aea5b12342e509041e0b50bab7e3ba5f048063b1ee95edae"),
    ("external_benchmark_bbh.csv", "data/external_benchmark_bbh.csv",
     "952840e40e7be7ed16ab9c6a7b1ec8d6e0798d2d8a2d0a8e7a82f4cd371a5bc2",
     "25646a288d08b9131d2f25839a9df578625db6ab3f28b50164aba69aa90bde0e"),
    ("external_benchmark_boolq.csv", "data/external_benchmark_boolq.csv",
     "3358a1412a446b585c4b336cf2ff570e8c22939f650df5cf3fa40678bfb4678a",
     "7f4fdff116386441885d1321bb27c69939e2ac60bc2bbf73ab85bcf3e31fc85f"),
    ("external_benchmark_csqa2.csv", "data/external_benchmark_csqa2.csv",
     "80ec45c44ceb5e49b581cafe2972eb3341f4e3d8d5e9930817a1f572d1b3df49",
     "43cb315c41bb36e3dbd34129cc8aea5c371b76d3487a1a5913ab508c9a8941c0"),
    ("external_benchmark_gsm8k.csv", "data/external_benchmark_gsm8k.csv",
     "8606ddd2cd8cbedd3aad9efadc76e45e7b3db9a053c0ddad0fe86427862e3ca5",
     "1bf868bb96658d6df34568f17c3046b7de318e8092463562d62d007d23b817bb"),
    ("external_benchmark_hellaswag.csv", "data/external_benchmark_hellaswag.csv",
     "6e812925ca86fddcb3faf0c3f5b9cc44c6e00890aeda99bde98d96179b89eaae",
     "27758a815a1b6d695020f7f6d1cfc05bb1235fdf37658c9ff7ac13349be694bb"),
    ("external_benchmark_lambada.csv", "data/external_benchmark_lambada.csv",
     "8b003e7626585053bfdead814489b662f3d340907877e71f7834cd0d3a4a9e7f",
     "b601c352271778a255b77eaed2b1e996325be44e2b019057015ae404100ee933"),
    ("external_benchmark_mmlu.csv", "data/external_benchmark_mmlu.csv",
     "6bd3bb6d9eba5d841d905a9dd56ac11650da7563c6c1efab5c03d3929bff05a8",
     "fdad475a26ac8d9446526228c976c478f62244576c8328ef9668ab83dfae732f"),
    ("external_benchmark_openbookqa.csv", "data/external_benchmark_openbookqa.csv",
     "deb1cdaf00be63c99dbcfda0fd4abaea6649354a4a05113fd6474dde49dac323",
     "e8b64a1605287cb3d9e1fbba627ab64ef5e46678a557113809cb6e80ec19775d"),
    ("external_benchmark_os_world.csv", "data/external_benchmark_os_world.csv",
     "0ce84c19eab4b9df4d1e7733a214f410e450731f0027cf63cf9162992aa665c8",
     "bf2d5d76b37417b2d5afb8485f107039eb1cb3237d4acb24bf749c6d5fb8bf95"),
    ("external_benchmark_piqa.csv", "data/external_benchmark_piqa.csv",
     "dd2ffd7ba5aae9a84bff2f45700a401611ffc19d69194952ffc13e623c3e3a16",
     "a5b33019dd1d03562beee602f1ac77cf440b39d4764998de8a36798d54b3f8da"),
    ("external_benchmark_scienceqa.csv", "data/external_benchmark_scienceqa.csv",
     "01853dc4f43c3f711727dafdbfec581b78631314f95578dd72fcfe72cb12d031",
     "e0176af9875f6476d629a6a7f4b464ae805d790ed7f8ceb22d0bf69117e42803"),
    ("external_benchmark_superglue.csv", "data/external_benchmark_superglue.csv",
     "66d09c3c47db5ca6e30e05e3c2284a526fec2e4d4c0ee87d5d3f69f93d542b56",
     "d0e56c1715b9a7f31ca1302998c93a4824d24e908186f90b9f6c4cc6debcfd75"),
    ("external_benchmark_triviaqa.csv", "data/external_benchmark_triviaqa.csv",
     "c1f3489eb3faa7830d3378b531783c9010e530ea49f0d814eba76158bbd5f4a9",
     "a3418ad9a0698490150279c01e47a72aa7b8504ab6755b8f7a8a750d681ef26e"),
    ("external_benchmark_videomme.csv", "data/external_benchmark_videomme.csv",
     "440fb4ec0cee1b4c0e64729d089825dd711c5fdc7dcec8a74d214ce60b209862",
     "37f3581ce599ba40c9666c74a04796730011d1abe06df065dc9da2b2dccb2527"),
    ("external_benchmark_weirdml.csv", "data/external_benchmark_weirdml.csv",
     "83f5daf7a1685db0d07f4d5052533f42e0913717b2733a395f8ba25c55613000",
     "9911ed79142712588665095a34f33b2d1a66bcb28dc4c54b17bc574070b80181"),
    ("external_benchmark_winogrande.csv", "data/external_benchmark_winogrande.csv",
     "53c7ed0d229d5566166bb7ddb19764bda7000bb59603e727f16e8626de071445",
     "baaa886856b855aff3ea45c09390c8af0fa2f6ede186e6d1d3bcf358adba144f"),
]


def _bs_file(name: str, path: str, sha: str, mirror: str | None) -> DataFile:
    return DataFile(name, _gh(*_BS, path), sha, mirror, _CUT if mirror else "")


SOURCES: dict[str, Source] = {}


def _add(src: Source) -> None:
    SOURCES[src.name] = src


_add(Source(
    name="epoch-ai-models",
    title="Epoch AI, Data on AI Models ('All ML Systems - full view'), snapshot 2025-06-20",
    licence="CC BY 4.0",
    attribution=("Epoch AI, 'Data on AI Models'. Published online at epoch.ai. Retrieved from "
                 "https://epoch.ai/data/ai-models (snapshot of 2025-06-20 via "
                 "github.com/epoch-research/training-cost-trends). CC BY 4.0."),
    provenance=f"github.com/{_TCT[0]} @ {_TCT[1]}, data/All ML Systems - full view.csv",
    files=(DataFile("all_ml_systems_full_view.csv",
                    _gh(*_TCT, "data/All ML Systems - full view.csv"),
                    "74509130a942f476053447d26cd9a3805a03d48b8feffef714826c5e340c9ec2"),),
    feeds=("compute",),
))

_add(Source(
    name="epoch-benchmarks",
    title="Epoch AI, AI Benchmarking Hub scores and Epoch Capabilities Index (benchmark-stitching)",
    licence="MIT (repository) + CC BY 4.0 (Epoch data); external scores keep their sources' terms",
    licence_id="MIT + CC-BY-4.0 + per-row sources",
    attribution=("Epoch AI, 'AI Benchmarking Hub' and 'Epoch Capabilities Index', epoch.ai; data "
                 "from github.com/epoch-research/benchmark-stitching (MIT / CC BY 4.0); original "
                 "score sources as listed per row."),
    provenance=(f"github.com/{_BS[0]} @ {_BS[1]}, data/; ECI table @ {_BS_ECI[1]}, "
                "data/website/epoch_capabilities_index.csv"),
    files=(*(_bs_file(*row) for row in _BS_FILES),
           DataFile("epoch_capabilities_index_2025-11.csv",
                    _gh(*_BS_ECI, "data/website/epoch_capabilities_index.csv"),
                    "71772f6c176ea750a19e4128dfdf1651a125f6dfddb3c63f93087a2a9bcb4e73",
                    "91a7c81501d4871a9524e5d999e535827ee132227fd6c604feddd7ef3f72ec67", _CUT)),
    feeds=("results", "compute"),
    notes="Scores for one benchmark differ in shots and harness: see the setting column.",
))

_add(Source(
    name="epoch-open-model-trends",
    title="Epoch AI, 'How far behind are open models?' (2024): LLM scores with training compute",
    licence="CC BY 4.0 (Epoch data); leaderboard numbers keep their sources' terms",
    licence_id="CC-BY-4.0 + per-row sources",
    attribution=("Epoch AI, \"How far behind are open models?\" (2024), data from "
                 "github.com/epoch-research/open-model-trends, CC BY 4.0."),
    provenance=f"github.com/{_OMT[0]} @ {_OMT[1]}, data/",
    files=(
        DataFile("benchmarks_with_model_accessibility.csv",
                 _gh(*_OMT, "data/benchmarks_with_model_accessibility.csv"),
                 "63c6f27d1291769f84fcd1c4b7924f10561a8314c5593f94671b5676a32afec2",
                 "f2212630b03ecf37df9885c955477192b7ae7990720b13718cff596fff362d19", _CUT),
        DataFile("gsm1k_with_model_accessibility.csv",
                 _gh(*_OMT, "data/gsm1k_with_model_accessibility.csv"),
                 "89e4f02007aba25c4fd49e3fc763ad697640056036c87af8569b4058a5d5f0d2",
                 "864fdc6ec225048a9bfa51a3a5ce6b4fdd7e07c3de42a6f49ea6a9ce15255fa4", _CUT),
    ),
    feeds=("results", "compute"),
))

_add(Source(
    name="epoch-hardware",
    title="Epoch AI, machine-learning hardware specifications and prices; FRED producer price "
          "index PCU518210518210",
    licence="CC BY 4.0 (Epoch); PPI: public domain (U.S. BLS, via FRED)",
    licence_id="CC-BY-4.0 + public domain",
    attribution=("Epoch AI, 'Data on Machine Learning Hardware' / hardware price data, via "
                 "github.com/epoch-research/training-cost-trends (snapshot 2025-06-20), CC BY 4.0. "
                 "U.S. Bureau of Labor Statistics, Producer Price Index by Industry: Data "
                 "Processing, Hosting, and Related Services (PCU518210518210), retrieved from "
                 "FRED, Federal Reserve Bank of St. Louis."),
    provenance=f"github.com/{_TCT[0]} @ {_TCT[1]}, data/",
    files=(
        DataFile("chip_dataset.csv", _gh(*_TCT, "data/Chip dataset-Grid view.csv"),
                 "4a5e453104abfc894c47af64957c8a8e8cb0281c9af44975772318a5eacab5cc"),
        DataFile("hardware_prices.csv", _gh(*_TCT, "data/Hardware prices.csv"),
                 "e397345924db0a6bf83bd39d27c1fc7e9ec298339261c6e5d35f535abc898d2f"),
        DataFile("fred_ppi_PCU518210518210.csv", _gh(*_TCT, "data/PCU518210518210.csv"),
                 "57821a85090252fea0d2bc65645bb90021a18e7bd2b0ecff477f02ba7e2b039a"),
    ),
    feeds=("hardware",),
))

_add(Source(
    name="epoch-ai-chip-counts",
    title=("Epoch AI, cumulative stock of AI accelerators (Nvidia, TPU, AMD, Trainium), "
           "2022-Q1 2026"),
    licence="MIT (Epoch AI); Epoch data CC BY 4.0",
    licence_id="MIT",
    attribution=("Epoch AI, AI chip sales / compute stock estimates, "
                 "github.com/epoch-research/ai-chip-counts (2026-04)."),
    provenance=f"github.com/{_CHIPS[0]} @ {_CHIPS[1]}, csv_export/",
    files=tuple(
        DataFile(f"{v}_cumulative_{kind}.csv",
                 _gh(*_CHIPS, f"csv_export/{v}_cumulative_{kind}.csv"), sha)
        for v, kind, sha in [
            ("amd", "by_chip", "99cd4307eb9bbbeead4a4bb5c304d679e887af10cd2dcacda18c16f293b64c66"),
            ("amd", "totals", "67d0dfb8f571d68c6db94d14a4e52b52f6989026a2cce5aa7b5df3ffc8f5a357"),
            ("nvidia", "by_chip",
             "aa9b8c5eb72dcb94a7fc0f1985e9846f2a68ec6f7cbff4b3a8cda303be834981"),
            ("nvidia", "totals",
             "d6f83b1e1b15fd00a88ca20aaa28318b79a1c2bd6d62dcb9fdceecee9281d172"),
            ("tpu", "by_chip", "f82b80ac1142a8af6e0f6f9c4955b4a0d88227d8353cc091151ccd222054f28f"),
            ("tpu", "totals", "b5e2d34417d60a514a32d4201f8f19fb838bd622a87e89c0cd07724a51799b4d"),
            ("trainium", "by_chip",
             "f7d242d626a873cc8503b6efc9fc43a4b307c30a726d1b2f9290b9aa6c49711c"),
            ("trainium", "totals",
             "ab1ee5bed7f5bd15ae01858912bb2c912df4f22d440ee0a4ba1cbb7bac4d0ee6"),
        ]),
    feeds=("chip-stock",),
))

_add(Source(
    name="microprocessor-trends",
    title="Karl Rupp, 50 years of microprocessor trend data (1971-2021)",
    licence="CC BY 4.0",
    attribution=("Karl Rupp, \"Microprocessor Trend Data\", "
                 "github.com/karlrupp/microprocessor-trend-data (2022), CC BY 4.0; original data "
                 "to 2010 by M. Horowitz, F. Labonte, O. Shacham, K. Olukotun, L. Hammond and "
                 "C. Batten."),
    provenance=f"github.com/{_RUPP[0]} @ {_RUPP[1]}, 50yrs/*.dat and newdata.txt",
    files=(
        *(DataFile(f"raw/{s}.dat", _gh(*_RUPP, f"50yrs/{s}.dat"), sha) for s, sha in [
            ("transistors", "7678b84278d7ac0e8a56af9844f1620bbda4c8e0903490f1f0119519de7fa652"),
            ("frequency", "ae52bac897771b582461e53ee8a7aba23898c85bc8c66c02806c0b823fdfa99c"),
            ("specint", "0530676822175382ef53a62715d17bdf5920befd4f2c0269598fa062e49efada"),
            ("watts", "4ede46a852180761cf3ff13412cdec197baf96b08e10efccf5971751c47c439a"),
            ("cores", "b0efcdfaba82eeefb3963fe6f6837d903d7d498b327e99893423d48e87d1d285"),
        ]),
        DataFile("processors_2011_2021.csv", None, None,
                 "45a304500fc74b6f416cc285a8cfb85abffba3dd3b611934bb1b411023455e35",
                 "a CSV conversion of newdata.txt made for the shared mirror; no upstream file "
                 "has this layout. Supply it by placing the shared mirror's "
                 "microprocessor-trends/processors_2011_2021.csv under $COMPUTELIMITS_DATA."),
    ),
    feeds=("hardware-trends",),
))

_add(Source(
    name="computer-progress",
    title="Computer Progress (Thompson et al.) hardware tables: GPUs, Intel CPUs, Cloud TPUs",
    licence="GPL-3.0 (Computer-Progress/api repository)",
    attribution=("Computer Progress, github.com/Computer-Progress/api (GPL-3.0), hardware seed "
                 "tables gpu.csv, cpu.csv, tpu.csv, commit 8c0a06d (2021-08-18)."),
    provenance=f"github.com/{_CP[0]} @ {_CP[1]}, app/database/seeders/",
    files=tuple(DataFile(f, _gh(*_CP, f"app/database/seeders/{f}"), sha) for f, sha in [
        ("gpu.csv", "0fc720eecc8663877ce7bfd6518ddef61a6588b8af71c9dfb58ae3cd8b802934"),
        ("cpu.csv", "c7d7b9176a7d1ee8e34068ad578b535714f35ef6f98394d2ffbeedaafbd7b2a6"),
        ("tpu.csv", "c3166d9f14dc94942476d19474e6a4521a42e98b0da2cb0d6073bdf9cc7bb64f"),
    ]),
    feeds=("hardware",),
    notes=("The project's per-benchmark tables were withdrawn by their owners and are never "
           "used; their CSV layout is accepted for users' own data (load_computer_progress)."),
))

_add(Source(
    name="convnet-burden",
    title="Samuel Albanie, convnet-burden: ImageNet CNN FLOPs per image, parameters, top-1/5 error",
    licence="MIT",
    attribution="Samuel Albanie, convnet-burden, github.com/albanie/convnet-burden (MIT).",
    provenance=f"github.com/{_ALB[0]} @ {_ALB[1]}, README.md (markdown tables)",
    files=(DataFile("raw/README.md", _gh(*_ALB, "README.md"),
                    "1c4ed44aeab4fc85583c25e570dfaebb0b46eff908d1985f33e04c03381965bd"),),
    feeds=("results", "compute"),
    notes="FLOPs are per-image inference multiply-accumulates (a fused multiply-add counts once).",
))

_add(Source(
    name="pwc-imagenet-2019",
    title="Papers with Code, Image Classification on ImageNet leaderboard (copy of 2019-11)",
    licence="CC BY-SA 4.0 (share-alike: keep derived tables separate)",
    attribution=("Papers with Code, \"Image Classification on ImageNet\" leaderboard (snapshot "
                 "2019-11), CC BY-SA 4.0, via github.com/agataf/AIindex."),
    provenance=("github.com/agataf/AIindex @ 12796684b99504571e9ff5d52c27823273ebe1fd, "
                "imagenet_table.csv (first 8 columns, renamed, in the shared mirror)"),
    files=(DataFile("imagenet_leaderboard_2019-11.csv", None, None,
                    "37e140d79c4a7cf2a11ac061796eb27d79344da4597cf24fda0bea5a8ebde9ba",
                    "the shared mirror's cleaned copy (8 of the upstream spreadsheet's columns, "
                    "snake_case names); the upstream imagenet_table.csv has a different layout "
                    "and no published checksum. Supply it by placing the shared mirror's "
                    "pwc-imagenet-2019/imagenet_leaderboard_2019-11.csv under "
                    "$COMPUTELIMITS_DATA."),),
    feeds=("results",),
    share_alike=True,
))

_add(Source(
    name="nlp-progress",
    title="Sebastian Ruder, NLP-progress: WMT 2014 EN-DE/EN-FR and CoNLL-2003 leaderboards",
    licence="MIT",
    attribution=("Sebastian Ruder et al., NLP-progress, github.com/sebastianruder/NLP-progress "
                 "(MIT)."),
    provenance=f"github.com/{_NLP[0]} @ {_NLP[1]}, english/*.md (markdown tables)",
    files=(
        DataFile("raw/machine_translation.md", _gh(*_NLP, "english/machine_translation.md"),
                 "0a7d10a5fe3d7b6f0a207296082558557c9e18f6b26dc60c5c186699eba51470"),
        DataFile("raw/named_entity_recognition.md",
                 _gh(*_NLP, "english/named_entity_recognition.md"),
                 "ba48fccab4d072e524b6a43633cc641624679a85bc094f775c93ad1ff06b2677"),
    ),
    feeds=("results",),
))

_SQUAD_EXPLORER = ("rajpurkar/SQuAD-explorer", "eee5fdbf62f8613a7812b03419e6b29617b74fd1")
_SQUAD_PWC = ("paperswithcode/sota-extractor", "e6374da129cedab1736e97883bfbcddb7ddd2a72")

_add(Source(
    name="squad-leaderboard",
    title="SQuAD 1.1 leaderboard: test-set exact match and F1 with submission dates "
          "(SQuAD-explorer and Papers with Code sota-extractor exports)",
    licence="MIT (SQuAD-explorer export); Apache-2.0 (sota-extractor export)",
    licence_id="MIT + Apache-2.0",
    attribution=("Rajpurkar et al., SQuAD leaderboard, github.com/rajpurkar/SQuAD-explorer "
                 "(MIT); Papers with Code, sota-extractor, "
                 "github.com/paperswithcode/sota-extractor (Apache-2.0). Dataset: Rajpurkar, "
                 "Zhang, Lopyrev & Liang, 'SQuAD: 100,000+ Questions for Machine "
                 "Comprehension of Text', EMNLP 2016, arXiv:1606.05250."),
    provenance=(f"github.com/{_SQUAD_EXPLORER[0]} @ {_SQUAD_EXPLORER[1]}, out-v1.1.json "
                f"({_gh(*_SQUAD_EXPLORER, 'out-v1.1.json')}); github.com/{_SQUAD_PWC[0]} @ "
                f"{_SQUAD_PWC[1]}, data/tasks/squad.json, dataset SQuAD1.1 "
                f"({_gh(*_SQUAD_PWC, 'data/tasks/squad.json')}); both converted to CSV for "
                "the shared mirror with the values unchanged"),
    files=(
        DataFile("squad_explorer_v1.1.csv", None, None,
                 "2f42765072886b585b1ab7e3d6043c9cd194b4ee6c5aa064a7dac1c095e3f72a",
                 "a CSV conversion (entry, submitted, description, exact_match, f1, public) "
                 "of out-v1.1.json, pinned upstream at "
                 f"{_gh(*_SQUAD_EXPLORER, 'out-v1.1.json')}, made for the shared mirror; no "
                 "upstream file has this layout. Supply it by placing the shared mirror's "
                 "squad-leaderboard/squad_explorer_v1.1.csv under $COMPUTELIMITS_DATA."),
        DataFile("pwc_sota_extractor_squad1.1.csv", None, None,
                 "5392a6513a70d64719f7081908d4ccc6f47a0ca255138879cd1a2db93ae2770f",
                 "a CSV conversion of the SQuAD1.1 dataset of data/tasks/squad.json, pinned "
                 f"upstream at {_gh(*_SQUAD_PWC, 'data/tasks/squad.json')}, made for the "
                 "shared mirror; no upstream file has this layout. Supply it by placing the "
                 "shared mirror's squad-leaderboard/pwc_sota_extractor_squad1.1.csv under "
                 "$COMPUTELIMITS_DATA."),
    ),
    feeds=("results",),
    notes=("Two exports of one leaderboard, reconciled into one result per entry "
           "(computelimits.data.loaders.squad_leaderboard); no compute: joined by name and "
           "arXiv id, every join checked by hand (computelimits/data/join_checks.csv)."),
))

_add(Source(
    name="mlco2-impact",
    title="ML CO2 Impact calculator data (Lacoste et al. 2019): GPU power and cloud-region carbon",
    licence="MIT",
    attribution=("Lacoste, Luccioni, Schmidt & Dandres, \"Quantifying the Carbon Emissions of "
                 "Machine Learning\" (2019); data from github.com/mlco2/impact (MIT)."),
    provenance=f"github.com/{_MLCO2[0]} @ {_MLCO2[1]}, data/",
    files=tuple(DataFile(f, _gh(*_MLCO2, f"data/{f}"), sha) for f, sha in [
        ("gpus.csv", "1311d5b4c2e3259563872bba3f6516249874a8f046680723a2237d6143a47a17"),
        ("impact.csv", "b4ad11ed55aeb25833842ab71be7f0bd8361691bd02183952c8c912b24e5d82c"),
        ("instances.csv", "15e24f95df0fdaec57c59172759f19c1ff9ed42ee41c5f2e9707cf3ac5d9eff2"),
    ]),
    feeds=("hardware", "grid"),
))

_add(Source(
    name="green-algorithms",
    title="Green Algorithms calculator data (Lannelongue et al. 2021): carbon intensity, TDP, PUE",
    licence="CC BY 4.0",
    attribution=("Lannelongue, L., Grealey, J., Inouye, M., \"Green Algorithms: Quantifying the "
                 "Carbon Footprint of Computation\", Adv. Sci. 2021, 2100707, "
                 "doi:10.1002/advs.202100707; data from "
                 "github.com/GreenAlgorithms/green-algorithms-tool (CC BY 4.0)."),
    provenance=f"github.com/{_GA[0]} @ {_GA[1]}, data/latest/",
    files=tuple(DataFile(f, _gh(*_GA, f"data/latest/{f}"), sha) for f, sha in [
        ("CI_aggregated.csv", "1fe9d028f0bad783e8ee44c4f2d6df631d6fda1a13f8ce7f80338996fd0b1338"),
        ("TDP_cpu.csv", "9daea675bc84eaea3635f9d76bc0ed25d9f2fb3ce2e1025c9bacb0c1e9cc8e17"),
        ("TDP_gpu.csv", "352ae60fc43e4cf3a13038fdf4733ba7503b244eb6e55e4ef9a5e128f08ae1a0"),
        ("cloudProviders_datacenters.csv",
         "2fb808b8518cf83cdc07ef68878524a591dab16ce7affa956702533c505522c3"),
        ("defaults_PUE.csv", "4741d1670a4355dd03f26d8a3cbf7ea29b28d95583bfc8c08f597919dfac82af"),
        ("referenceValues.csv", "3c0b89a32a2053713ad51776da99044f7b1767afed6a113b1b6e6f1542ac1495"),
    ]),
    feeds=("hardware", "grid"),
))

_add(Source(
    name="electricity-maps-2024",
    title="Electricity Maps, 2024 yearly carbon intensity by grid zone (version 2025-01-27)",
    licence="ODbL 1.0 (share-alike for derived databases)",
    attribution=("Electricity Maps (2025). 2024 Yearly Carbon Intensity Data (Version January 27, "
                 "2025). Electricity Maps. https://www.electricitymaps.com. ODbL 1.0."),
    provenance=(f"github.com/{_EM[0]} @ {_EM[1]}, "
                "v3.1/carbon-intensity/electricitymap/CI-electricitymap-yearly_2024.csv"),
    files=(DataFile("CI-electricitymap-yearly_2024.csv",
                    _gh(*_EM, "v3.1/carbon-intensity/electricitymap/"
                              "CI-electricitymap-yearly_2024.csv"),
                    "fd1e44afd45929ff6618ca289c0031580c88b427396c4b793710590b8701a40b"),),
    feeds=("grid",),
    share_alike=True,
))


def get_source(name: str) -> Source:
    """The source called ``name``; an unknown name gets the list of known ones."""
    try:
        return SOURCES[name]
    except KeyError:
        from difflib import get_close_matches

        from computelimits.errors import ConfigError

        close = get_close_matches(name, list(SOURCES), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise ConfigError(f"unknown data source {name!r}.{hint} Known: "
                          f"{', '.join(SOURCES)}") from None

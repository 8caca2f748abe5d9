"""Samuel Albanie's convnet-burden tables: ImageNet CNNs with per-image cost and error.

Source ``convnet-burden`` (registry): the upstream ``README.md`` of
github.com/albanie/convnet-burden at commit 9c7f31b, byte for byte in the mirror as
``raw/README.md``; its markdown tables are the data (the mirror's CSV conversions are not
read). Licence: MIT. Attribution: ``SOURCES["convnet-burden"].attribution``.

Tables read (:mod:`computelimits.data.loaders.markdown`, strict cell counts):

* "Image Classification Architectures" (35 rows): model (link text), input size, param mem,
  feat. mem, flops, src, performance.
* "Object Detection Architectures", "Semantic Segmentation Architectures", "Keypoint
  Detection Architectures" (6 + 5 + 2 rows): cost columns only, no accuracy.

Units and assumptions:

* ``param mem`` / ``feat. mem``: "233 MB" is read as 233 MiB (the README's notes say weights
  are stored as 4-byte floats and the author's figures are 1024² byte units); "1 GB" = 1024
  MiB. The source rounds to whole MB (GB for large feature maps), so these are coarse.
* ``approx_params`` = param_mib × 1024² / 4 (4 bytes per float32 parameter), as the mirror's
  README derives it; it inherits the rounding of param mem (AlexNet ≈ 61.1 M).
* ``flops``: "727 MFLOPs", "4 GFLOPs", "79 GFLOPS" (M = 10⁶, G = 10⁹). The upstream README
  says "Fused multiply-adds are counted as single operations", so these are
  **multiply-accumulates per image of one forward pass** (``macs_per_image``);
  ``flop_per_image`` = 2 × MACs in the FLOP convention of the compute table. They are
  **inference** costs, not training compute, and rounded to whole M/GFLOPs (about ±10–25 %).
* ``performance`` "41.80 / 19.20" = top-1 / top-5 error in percent on the ILSVRC-2012
  validation set; stored as fractions (0.418, 0.192). "-" = missing (vgg-vd-16-atrous has
  neither, mcn-mobilenet has no top-5).
* ``src``: where the score came from: MCN = MatConvNet model zoo, PT = PyTorch torchvision,
  L1 = evaluated locally by the author, AU = paper authors, SE = not defined upstream (SENet
  rows, presumably the SENet authors' released models); "N/A" = none.
* **Dates:** the tables have no dates, so ``date`` is empty in every row. All models predate
  2018 (the repository was last changed in January 2019).
* ``source_row`` is the **line number in raw/README.md** (the file holds several tables, so
  a line is the unambiguous pointer to a row).
* The setting "single crop" follows the mirror README's description of the evaluation
  pipelines; the author notes small differences between the sources' evaluation scripts.
  ``setting_kind`` is "supervised" for every row (networks trained on ImageNet's training set).
* ``publication``: the paper of the network's family, from :data:`FAMILY_PAPERS`, an explicit
  table of name patterns (matched whole, case-insensitive, first match wins) checked by hand
  against the "References" lists of raw/README.md (resnet* → "Deep Residual Learning for
  Image Recognition", SE-* and SENet → "Squeeze-and-Excitation Networks", …). Titles are
  written exactly as the Epoch models table (``epoch-ai-models`` ``Reference``) writes them
  where it holds the paper, so one paper is one publication across sources (tests check
  this); vgg-f/m/s are the CNN-F/M/S networks of Chatfield et al. (the README's "vgg-m"
  reference), caffenet is Caffe's replication of AlexNet, squeezenet1-1 the SqueezeNet
  authors' revision. A network matching no pattern falls back to its family name (the name
  before its first digit, e.g. "xception" for "xception-71"). No fuzzy matching.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from computelimits.data.benchmarks import METRICS, error_of
from computelimits.data.fetch import locate
from computelimits.data.loaders.markdown import (
    MarkdownTable,
    link_text,
    link_url,
    read_tables,
    table_under,
    unit_numbers,
)
from computelimits.data.names import model_key
from computelimits.data.parse import Repairs, fractions, text
from computelimits.data.registry import SOURCES
from computelimits.data.schema import conform
from computelimits.errors import InputError
from computelimits.formulas import macs_to_flop

__all__ = ["FAMILY_PAPERS", "FILE", "SOURCE", "load_networks", "load_results", "parse_readme",
           "publication_of"]

SOURCE = "convnet-burden"
FILE = "raw/README.md"

CLASSIFICATION = "Image Classification Architectures"
OTHER_TASKS = {
    "Object Detection Architectures": "object detection",
    "Semantic Segmentation Architectures": "semantic segmentation",
    "Keypoint Detection Architectures": "keypoint detection",
}

#: Header names per table layout: (model, input size, param memory, feature memory, flops).
_COLS_CLS = ("model", "input size", "param mem", "feat. mem", "flops", "src", "performance")
_COLS_OTHER = ("model", "input size", "param memory", "feature memory", "flops")

_MEMORY_MIB = {"KB": 1 / 1024, "MB": 1.0, "GB": 1024.0}
_OPS = {"MFLOPs": 1e6, "MFLOPS": 1e6, "GFLOPs": 1e9, "GFLOPS": 1e9,
        "TFLOPs": 1e12, "TFLOPS": 1e12}

#: Paper titles of the classic CNN families (shared with the pwc-imagenet-2019 loader).
ALEXNET = "ImageNet Classification with Deep Convolutional Neural Networks"
SQUEEZENET = ("SqueezeNet: AlexNet-level accuracy with 50x fewer parameters and <0.5MB model "
              "size")
VGG_CNN_FMS = "Return of the Devil in the Details: Delving Deep into Convolutional Nets"
PARSENET = "ParseNet: Looking Wider to See Better"
VGG = "Very Deep Convolutional Networks for Large-Scale Image Recognition"
GOOGLENET = "Going deeper with convolutions"
INCEPTION_V3 = "Rethinking the inception architecture for computer vision"
RESNET = "Deep Residual Learning for Image Recognition"
RESNEXT = "Aggregated Residual Transformations for Deep Neural Networks"
SENET = "Squeeze-and-Excitation Networks"
DENSENET = "Densely Connected Convolutional Networks"
MOBILENET = "MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications"

#: Network-name pattern (whole name, case-insensitive; first match wins) → the family's paper,
#: as raw/README.md's "References" cite it (titles spelled as in the Epoch models table where
#: it has the paper: AlexNet, VGG16/19, GoogLeNet, Inception v3, ResNet-152).
FAMILY_PAPERS: tuple[tuple[str, str], ...] = (
    (r"alexnet|caffenet", ALEXNET),
    (r"squeezenet1-[01]", SQUEEZENET),
    (r"vgg-(?:f|m|s|m-\d+)", VGG_CNN_FMS),
    (r"vgg-vd-16-atrous", PARSENET),  # the README's "vgg-vd-16-reduced" reference
    (r"vgg-vd-(?:16|19)", VGG),
    (r"googlenet", GOOGLENET),
    (r"inception-v3", INCEPTION_V3),
    (r"resnet-?\d+", RESNET),
    (r"resnext-\d+-\d+x\d+d", RESNEXT),
    (r"senet|se-.+", SENET),
    (r"densenet\d+", DENSENET),
    (r"mcn-mobilenet", MOBILENET),
)


def publication_of(network: str) -> str:
    """The paper of a convnet-burden network (:data:`FAMILY_PAPERS`), else its family name
    (the name before its first digit, separators trimmed).

    >>> publication_of("resnet-50") == publication_of("resnet18") == RESNET
    True
    >>> publication_of("xception-71")
    'xception'
    """
    name = network.strip()
    for pattern, title in FAMILY_PAPERS:
        if re.fullmatch(pattern, name, flags=re.IGNORECASE):
            return title
    return re.split(r"\d", name, maxsplit=1)[0].strip(" -_") or name


#: Meaning of the ``src`` codes (from the upstream README; SE is not defined there).
SCORE_SOURCES = {
    "MCN": "MatConvNet model zoo",
    "PT": "PyTorch torchvision",
    "L1": "evaluated locally by the author",
    "AU": "reported by the paper authors",
    "SE": "not defined upstream (SENet rows)",
}


def _cost_frame(table: MarkdownTable, cols: tuple[str, ...], task: str) -> pd.DataFrame:
    df = table.to_frame()
    model_col, size_col, param_col, feat_col, flops_col = cols[:5]
    models = [link_text(c) for c in df[model_col]]
    for i, name in enumerate(models):
        if not name:
            raise InputError(f"blank model name (line {table.lines[i]})",
                             path=df.attrs["path"], row=i + 1, column=model_col)
    out = pd.DataFrame({
        "task": task,
        "model": models,
        "model_key": [model_key(m) for m in models],
        "input_size": text(df, size_col, required=True),
        "param_mib": unit_numbers(df, param_col, _MEMORY_MIB, blank_ok=False),
        "feat_mib": unit_numbers(df, feat_col, _MEMORY_MIB, blank_ok=False),
        "macs_per_image": unit_numbers(df, flops_col, _OPS, blank_ok=False),
        "report_path": [link_url(c) for c in df[model_col]],
        "source_row": list(table.lines),
    })
    out["approx_params"] = out["param_mib"] * 1024**2 / 4
    out["flop_per_image"] = macs_to_flop(out["macs_per_image"], 2.0)
    out.attrs["repairs"] = df.attrs["repairs"]
    return out


def _performance(df: pd.DataFrame, col: str) -> tuple[np.ndarray, np.ndarray]:
    """Split "top-1 / top-5" error cells into two fraction arrays."""
    top1: list[str] = []
    top5: list[str] = []
    for i, cell in enumerate(df[col].fillna("").astype(str).str.strip()):
        parts = [p.strip() for p in cell.split("/")]
        if len(parts) != 2:
            raise InputError(f"expected 'top-1 error / top-5 error', found {cell!r} "
                             f"(line {df.attrs['lines'][i]})", path=df.attrs["path"],
                             row=i + 1, column=col)
        top1.append(parts[0])
        top5.append(parts[1])
    out = []
    for cells in (top1, top5):
        tmp = pd.DataFrame({col: cells}, dtype=object)
        tmp.attrs = df.attrs
        out.append(fractions(tmp, col, scale="percent"))
    return out[0], out[1]


def parse_readme(path: str, *, label: str | None = None) -> pd.DataFrame:
    """Parse the upstream README at ``path`` into the per-network frame of
    :func:`load_networks` (without ``source`` / ``source_file``).

    Raises InputError (file, table row, column, line) on any cell it cannot read.
    """
    name = label or str(path)
    found = read_tables(path, label=name)
    cls_table = table_under(found, CLASSIFICATION, name, _COLS_CLS)
    cls_df = cls_table.to_frame()
    cls = _cost_frame(cls_table, _COLS_CLS, "image classification")
    top1, top5 = _performance(cls_df, "performance")
    cls["top1_error"] = top1
    cls["top5_error"] = top5
    cls["score_source"] = text(cls_df, "src")
    bad = cls["score_source"].dropna()
    bad = bad[~bad.isin(list(SCORE_SOURCES))]
    if len(bad):
        i = int(bad.index[0])
        raise InputError(f"unknown score source code {bad.iloc[0]!r}; known: "
                         f"{', '.join(SCORE_SOURCES)} (line {cls_table.lines[i]})",
                         path=cls_df.attrs["path"], row=i + 1, column="src")
    frames = [cls]
    repairs = Repairs()
    repairs.update(cls.attrs["repairs"])
    repairs.update(cls_df.attrs["repairs"])
    for heading, task in OTHER_TASKS.items():
        other = _cost_frame(table_under(found, heading, name, _COLS_OTHER), _COLS_OTHER, task)
        repairs.update(other.attrs["repairs"])
        frames.append(other)
    out = pd.concat(frames, ignore_index=True)
    dup = out.duplicated(subset=["task", "model_key", "input_size"], keep=False)
    if dup.any():
        rows = out.loc[dup, "source_row"].tolist()
        raise InputError(f"the same network appears on lines {rows}", path=name,
                         column="model")
    out.attrs["repairs"] = repairs
    return out


def load_networks(*, strict: bool | None = None) -> pd.DataFrame:
    """Every network of the four tables, one row each.

    Columns: task ("image classification", "object detection", "semantic segmentation",
    "keypoint detection"), model, model_key, input_size (text, pixels), param_mib,
    feat_mib (MiB), approx_params (count), macs_per_image (multiply-accumulates of one
    inference forward pass), flop_per_image (= 2 × MACs, FLOP), top1_error, top5_error
    (fractions; classification only, NaN where "-"), score_source (src code), report_path,
    source, source_file, source_row (line in raw/README.md).
    """
    loc = locate(SOURCE, FILE, strict=strict)
    out = parse_readme(str(loc.path), label=f"{SOURCE}/{FILE}")
    out["source"] = SOURCE
    out["source_file"] = FILE
    cols = ["task", "model", "model_key", "input_size", "param_mib", "feat_mib",
            "approx_params", "macs_per_image", "flop_per_image", "top1_error", "top5_error",
            "score_source", "report_path", "source", "source_file", "source_row"]
    repairs = out.attrs["repairs"]
    out = out[cols].copy()
    out["source_row"] = out["source_row"].astype("Int64")
    out.attrs["repairs"] = repairs
    out.attrs["attribution"] = [SOURCES[SOURCE].attribution]
    return out


def load_results(*, strict: bool | None = None) -> pd.DataFrame:
    """ImageNet top-1 and top-5 error of the 35 classification networks as ``results`` rows.

    benchmark "imagenet"; metrics top1_error / top5_error (fractions, lower is better); a
    missing score ("-") gives no row. setting "single crop, source <src>", origin
    "convnet-burden (<src>)", date empty (the source has no dates); ``publication`` the
    family's paper (:func:`publication_of`), ``setting_kind`` "supervised".
    """
    nets = load_networks(strict=strict)
    cls = nets[nets["task"] == "image classification"]
    parts = []
    for metric in ("top1_error", "top5_error"):
        have = cls[cls[metric].notna()]
        m = METRICS[metric]
        parts.append(pd.DataFrame({
            "model": have["model"],
            "model_key": have["model_key"],
            "date": pd.NaT,
            "benchmark": "imagenet",
            "metric": metric,
            "value": have[metric],
            "higher_is_better": m.higher_is_better,
            "unit": m.unit,
            "error": error_of(have[metric].to_numpy(), metric),
            "setting": [f"single crop, source {s}" if s else "single crop"
                        for s in have["score_source"].fillna("")],
            "origin": [f"convnet-burden ({s})" if s else "convnet-burden"
                       for s in have["score_source"].fillna("")],
            "publication": [publication_of(m) for m in have["model"]],
            "setting_kind": "supervised",
            "source": SOURCE,
            "source_file": FILE,
            "source_row": have["source_row"],
        }))
    out = pd.concat(parts, ignore_index=True)
    out.attrs["attribution"] = [SOURCES[SOURCE].attribution]
    out.attrs["repairs"] = nets.attrs.get("repairs", Repairs())
    return conform(out, "results")


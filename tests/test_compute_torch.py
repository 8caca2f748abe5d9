"""FLOP counting of PyTorch models (computelimits.compute.torch_flops) against hand counts.

Hand counts use FlopCounterMode's conventions (see the module docstring): multiply-add = 2
FLOP; conv = 2·C_out·C_in·k·k·H_out·W_out per image and linear = 2·in·out per example, biases
not counted; batch norm, activations and pooling 0; backward = weight gradient (1× forward)
+ input gradient (1× forward, skipped for the first layer when the input needs no grad).
"""

from __future__ import annotations

import importlib
import itertools
import sys

import pytest

torch = pytest.importorskip("torch")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402, N812
from torch.utils._python_dispatch import _get_current_dispatch_mode_stack  # noqa: E402

from computelimits.compute import torch_flops as tf  # noqa: E402
from computelimits.errors import ConfigError  # noqa: E402

ATEN = torch.ops.aten


# --------------------------------------------------------------------------------------------
# Models built for the tests


def small_cnn() -> nn.Module:
    """Conv(3→8, 3×3, pad 1) → BN → ReLU → MaxPool 2 → Conv(8→16, 3×3, pad 1) → global
    average pool → Linear(16→10), torchvision style (conv biases on to show they are free)."""
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10),
    )


def conv_flop(c_out: int, c_in: int, k: int, h_out: int, w_out: int) -> int:
    return 2 * c_out * c_in * k * k * h_out * w_out


CNN_N, CNN_HW = 4, 16
CONV1 = conv_flop(8, 3, 3, CNN_HW, CNN_HW)
CONV2 = conv_flop(16, 8, 3, CNN_HW // 2, CNN_HW // 2)
LINEAR = 2 * 16 * 10
CNN_FORWARD = CONV1 + CONV2 + LINEAR  # per image


class Block(nn.Module):
    """Pre-norm transformer block: LN → QKV projection → SDPA → output projection, residual;
    LN → Linear(D→4D) → GELU → Linear(4D→D), residual."""

    def __init__(self, d: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.out = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.up, self.down = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(b, n, 3, self.heads, d // self.heads).permute(
            2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(q, k, v)
        x = x + self.out(a.transpose(1, 2).reshape(b, n, d))
        return x + self.down(F.gelu(self.up(self.ln2(x))))


BLK_B, BLK_L, BLK_D, BLK_H = 2, 6, 16, 2


def block_and_input() -> tuple[nn.Module, torch.Tensor]:
    torch.manual_seed(1)
    return Block(BLK_D, BLK_H), torch.randn(BLK_B, BLK_L, BLK_D)


# Per batch: every token goes through 3D² + D² + 4D² + 4D² = 12·D² weights (2 FLOP each).
BLK_LINEAR = 2 * BLK_B * BLK_L * 12 * BLK_D**2
# QKᵀ and P·V, each 2·B·H·L·L·(D/H).
BLK_SDPA = 2 * (2 * BLK_B * BLK_H * BLK_L * BLK_L * (BLK_D // BLK_H))

MLP_DIMS = (32, 64, 48, 10)


def mlp(dims: tuple[int, ...] = MLP_DIMS) -> nn.Module:
    torch.manual_seed(2)
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(itertools.pairwise(dims)):
        if i:
            layers.append(nn.ReLU())
        layers.append(nn.Linear(a, b, bias=False))
    return nn.Sequential(*layers)


MLP_PARAMS = sum(a * b for a, b in itertools.pairwise(MLP_DIMS))
MLP_FIRST = MLP_DIMS[0] * MLP_DIMS[1]


# --------------------------------------------------------------------------------------------
# CNN


def test_cnn_forward_equals_hand_count():
    model = small_cnn()
    x = torch.randn(CNN_N, 3, CNN_HW, CNN_HW)
    r = tf.count_flops(model, x, training=False)
    assert r.batch_size == CNN_N
    assert r.forward_flop_per_example == CNN_FORWARD == 258_368
    assert r.forward_flop == CNN_N * CNN_FORWARD
    assert r.backward_flop == 0 and r.training_flop == r.forward_flop
    # conv biases, batch norm, ReLU and pooling are free; the linear bias too (addmm = 2·in·out)
    assert r.by_operator_forward == {"aten.convolution": CNN_N * (CONV1 + CONV2),
                                     "aten.addmm": CNN_N * LINEAR}
    assert r.added == {}


def test_cnn_training_skips_first_layer_input_gradient():
    model = small_cnn()
    x = torch.randn(CNN_N, 3, CNN_HW, CNN_HW)
    r = tf.count_flops(model, x)
    # backward = 2 × forward, less the first conv's input gradient (x needs no grad)
    assert r.backward_flop_per_example == 2 * CNN_FORWARD - CONV1 == 406_144
    assert r.training_flop_per_example == 3 * CNN_FORWARD - CONV1 == 664_512
    assert r.by_operator_backward == {"aten.convolution_backward": CNN_N * (CONV1 + 2 * CONV2),
                                      "aten.mm": CNN_N * 2 * LINEAR}
    assert any("first layer" in note for note in r.notes)


def test_cnn_training_is_exactly_three_forwards_when_the_input_needs_grad():
    model = small_cnn()
    x = torch.randn(CNN_N, 3, CNN_HW, CNN_HW, requires_grad=True)
    r = tf.count_flops(model, x)
    assert r.training_flop == 3 * r.forward_flop == 3 * CNN_N * CNN_FORWARD
    assert x.grad is None  # input gradient put back as it was


def test_counting_leaves_the_model_as_it_was():
    model = small_cnn()
    bn = model[1]
    before = bn.running_mean.clone(), bn.num_batches_tracked.clone()
    tf.count_flops(model, torch.randn(CNN_N, 3, CNN_HW, CNN_HW))
    assert torch.equal(bn.running_mean, before[0])
    assert torch.equal(bn.num_batches_tracked, before[1])
    assert all(p.grad is None for p in model.parameters())


# --------------------------------------------------------------------------------------------
# Transformer block and attention


def test_fused_cpu_attention_is_not_counted_by_flopcountermode():
    """The premise of the correction, on this torch: the CPU flash kernel counts 0 FLOP."""
    from torch.utils.flop_counter import FlopCounterMode

    q, k, v = (torch.randn(2, 3, 6, 8, requires_grad=True) for _ in range(3))
    with FlopCounterMode(display=False) as counter:
        F.scaled_dot_product_attention(q, k, v).sum().backward()
    assert counter.get_total_flops() == 0


def test_transformer_block_hand_count_with_analytic_attention():
    model, x = block_and_input()
    r = tf.count_flops(model, x)
    assert r.added == {"sdpa_forward": BLK_SDPA, "sdpa_backward": 2 * BLK_SDPA}
    assert r.forward_flop == BLK_LINEAR + BLK_SDPA == 78_336
    # the QKV projection's input (the LN output) needs grad, so every linear costs 2× backward
    assert r.backward_flop == 2 * (BLK_LINEAR + BLK_SDPA)
    assert r.training_flop == 3 * (BLK_LINEAR + BLK_SDPA) == 235_008
    assert r.training_flop_per_example == 235_008 / BLK_B
    # without the correction (FlopCounterMode alone) the count is lower by the attention exactly
    uncorrected = sum(r.by_operator.values())
    assert uncorrected == 3 * BLK_LINEAR == 221_184
    assert r.training_flop - uncorrected == 3 * BLK_SDPA


def test_analytic_attention_matches_torch_math_path():
    """A value head size unlike the query's sends SDPA down the math (bmm) path, which
    FlopCounterMode counts: nothing is added, and its count equals the analytic formula."""
    torch.manual_seed(3)
    q = torch.randn(2, 3, 6, 8, requires_grad=True)
    k = torch.randn(2, 3, 5, 8, requires_grad=True)
    v = torch.randn(2, 3, 5, 4, requires_grad=True)
    r = tf.count_flops(lambda a, b, c: F.scaled_dot_product_attention(a, b, c), (q, k, v))
    shapes = (q.shape, k.shape, v.shape)
    assert r.added == {}
    assert r.by_operator == {"aten.bmm": r.training_flop}
    assert r.forward_flop == tf.sdpa_forward_flop(*shapes) == 2 * 2 * 3 * 6 * 5 * (8 + 4)
    assert r.backward_flop == tf.sdpa_backward_flop(*shapes) == 2 * r.forward_flop


def test_attention_inside_multihead_attention_is_seen():
    torch.manual_seed(4)
    mha = nn.MultiheadAttention(16, 2, batch_first=True)
    x = torch.randn(2, 5, 16)
    r = tf.count_flops(lambda t: mha(t, t, t, need_weights=False)[0], x)
    sdpa = tf.sdpa_forward_flop((2, 2, 5, 8), (2, 2, 5, 8), (2, 2, 5, 8))
    assert r.added == {"sdpa_forward": sdpa, "sdpa_backward": 2 * sdpa}
    projections = 2 * 2 * 5 * (3 * 16 * 16 + 16 * 16)
    assert r.forward_flop == projections + sdpa


def _formula(value: int):
    def formula(*shapes, out_shape=None, **kwargs) -> int:
        return value
    return formula


def test_no_double_count_when_torch_counts_the_kernel():
    """Simulate a torch that has formulas for the CPU kernels (via custom_mapping)."""
    model, x = block_and_input()
    mapping = {ATEN._scaled_dot_product_flash_attention_for_cpu: _formula(1000),
               ATEN._scaled_dot_product_flash_attention_for_cpu_backward: _formula(3000)}
    r = tf.count_flops(model, x, custom_mapping=mapping)
    assert r.added == {"sdpa_forward": 0.0, "sdpa_backward": 0.0}
    assert r.forward_flop == BLK_LINEAR + 1000
    assert r.backward_flop == 2 * BLK_LINEAR + 3000
    assert r.by_operator["aten._scaled_dot_product_flash_attention_for_cpu"] == 1000
    # a formula equal to the analytic one gives the same total as the correction
    exact = {ATEN._scaled_dot_product_flash_attention_for_cpu:
             lambda q, k, v, *a, out_shape=None, **kw: int(tf.sdpa_forward_flop(q, k, v))}
    r2 = tf.count_flops(model, x, custom_mapping=exact)
    assert r2.forward_flop == BLK_LINEAR + BLK_SDPA and r2.added["sdpa_forward"] == 0
    # the backward kernel, still unknown to the counter, is still corrected
    assert r2.added["sdpa_backward"] == 2 * BLK_SDPA
    assert r2.training_flop == 3 * (BLK_LINEAR + BLK_SDPA)


def test_modes_are_removed_after_an_exception():
    def broken(t: torch.Tensor) -> torch.Tensor:
        F.scaled_dot_product_attention(t, t, t)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        tf.count_flops(broken, torch.randn(1, 2, 4, 8))
    assert _get_current_dispatch_mode_stack() == []


def test_sdpa_formulas_broadcast_and_grouped_query_heads():
    # broadcast batch: query batch 1 against key/value batch 3
    assert tf.sdpa_forward_flop((1, 2, 4, 8), (3, 2, 5, 8), (3, 2, 5, 6)) == (
        2 * 3 * 2 * 4 * 5 * (8 + 6))
    # grouped-query attention: 8 query heads share 2 key/value heads
    assert tf.sdpa_forward_flop((1, 8, 4, 16), (1, 2, 4, 16), (1, 2, 4, 16)) == (
        2 * 8 * 4 * 4 * (16 + 16))
    with pytest.raises(ConfigError):
        tf.sdpa_forward_flop((2, 4, 8), (2, 4, 7), (2, 4, 7))


# --------------------------------------------------------------------------------------------
# Dense MLP: the 6·N·D rule


def test_mlp_training_flop_is_six_n_less_the_first_input_gradient():
    x = torch.randn(8, MLP_DIMS[0])
    r = tf.count_flops(mlp(), x)
    assert r.forward_flop_per_example == 2 * MLP_PARAMS == 11_200
    assert r.backward_flop_per_example == 4 * MLP_PARAMS - 2 * MLP_FIRST == 18_304
    assert r.training_flop_per_example == 6 * MLP_PARAMS - 2 * MLP_FIRST == 29_504
    x.requires_grad_(True)
    assert tf.count_flops(mlp(), x).training_flop_per_example == 6 * MLP_PARAMS


def test_training_flop_and_forward_flop_per_example():
    x = torch.randn(4, MLP_DIMS[0])
    per_example = 6 * MLP_PARAMS - 2 * MLP_FIRST
    assert tf.training_flop(mlp(), x, examples=1000, epochs=2.5) == per_example * 1000 * 2.5
    assert tf.forward_flop_per_example(mlp(), x) == 2 * MLP_PARAMS
    with pytest.raises(ConfigError):
        tf.training_flop(mlp(), x, examples=-1, epochs=1)
    with pytest.raises(ConfigError):
        tf.training_flop(mlp(), x, examples=10, epochs=float("nan"))


def test_batch_size_sources_and_to_dict():
    model = mlp()
    x = torch.randn(6, MLP_DIMS[0])
    r = tf.count_flops(model, {"input": x}, batch_size=3)
    assert r.batch_size == 3 and r.forward_flop_per_example == r.forward_flop / 3
    d = r.to_dict()
    assert d["training_flop"] == d["forward_flop"] + d["backward_flop"]
    assert d["training_flop_per_example"] == r.training_flop / 3
    assert d["by_operator"] == {"aten.mm": r.training_flop}
    with pytest.raises(ConfigError, match="batch_size"):
        tf.count_flops(model, x, batch_size=0)
    with pytest.raises(ConfigError, match="no batch size"):
        tf.count_flops(lambda: model(x), ())
    with pytest.raises(ConfigError, match="requires grad"):
        tf.count_flops(lambda t: t * 2, x)


@settings(max_examples=15, deadline=None)
@given(batch=st.integers(min_value=1, max_value=16))
def test_flop_scale_linearly_with_batch_size(batch: int):
    torch.manual_seed(batch)
    r = tf.count_flops(mlp((5, 7, 3)), torch.randn(batch, 5))
    params = 5 * 7 + 7 * 3
    assert r.forward_flop == batch * 2 * params
    assert r.training_flop == batch * (6 * params - 2 * 5 * 7)
    assert r.training_flop_per_example == 6 * params - 2 * 5 * 7


# --------------------------------------------------------------------------------------------
# Without torch


def test_missing_torch_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch):
    import computelimits.compute

    monkeypatch.setattr(computelimits.compute, "torch_flops", tf)  # put back afterwards
    monkeypatch.setitem(sys.modules, "torch", None)  # makes ``import torch`` fail
    monkeypatch.delitem(sys.modules, "computelimits.compute.torch_flops")
    module = importlib.import_module("computelimits.compute.torch_flops")  # no torch needed
    assert module.sdpa_forward_flop((1, 1, 2, 4), (1, 1, 3, 4), (1, 1, 3, 4)) == 96
    for call in (lambda: module.count_flops(None, None),
                 lambda: module.training_flop(None, None, examples=1, epochs=1),
                 lambda: module.forward_flop_per_example(None, None)):
        with pytest.raises(ConfigError, match=r"computelimits\[torch\]"):
            call()

"""FLOP of a PyTorch model, measured: the paper's *network operations* without the 3× rule.

Optional feature: needs ``pip install computelimits[torch]``. Importing this module does not
import torch; every function imports it when called and raises
:class:`computelimits.errors.ConfigError` when it is missing.

Counting is done by ``torch.utils.flop_counter.FlopCounterMode`` (PyTorch ≥ 2.1), which
attaches a formula to each *matmul-like* ATen operator and counts nothing else. Conventions
(read from ``torch/utils/flop_counter.py`` and checked by ``tests/test_compute_torch.py`` on
torch 2.13):

* **Multiply-add = 2 FLOP**, the computelimits convention. ``mm``/``addmm``/``bmm`` of an
  m×k by k×n product count 2·m·k·n (per matrix of a batch).
* **Convolution** counts 2 · C_out · (C_in / groups) · ∏kernel · ∏output-spatial per image:
  every kernel tap at every output position, padded zeros included.
* **Biases are not counted**: ``addmm`` (``nn.Linear`` with bias) counts only its matrix
  product, and ``convolution`` ignores its bias; the bias gradient (a sum) counts 0.
* **Not counted at all** (0 FLOP): element-wise ops and activations, batch/layer norm (forward
  and backward), pooling, softmax, scaling, dropout, embeddings, losses such as cross-entropy.
* **Backward** of a linear map or convolution counts the weight gradient (same FLOP as the
  forward) and the input gradient (same again) — 2 × forward — *but the input gradient is
  only computed, and counted, when something upstream needs it.* The first layer fed by an
  input that does not require grad therefore costs 1 × its forward in backward. For a chain of
  layers with forward FLOP f₁, f₂, …: backward = 2·Σfᵢ − f₁, training = 3·Σfᵢ − f₁.
* **Fused attention on CPU is not counted.** ``F.scaled_dot_product_attention`` on CPU runs
  the ATen kernel ``_scaled_dot_product_flash_attention_for_cpu`` (4-D inputs, equal head
  sizes), which has no formula: forward and backward count 0. When it takes the *math* path
  instead (e.g. 3-D inputs, or a value head size different from the query's) it decomposes into
  ``bmm`` and is counted. The CUDA kernels (flash, memory-efficient, cuDNN) are counted by
  torch itself, with a backward of five matrix products (it includes the recomputation of
  QKᵀ that FlashAttention does; Dao et al. 2022, arXiv 2205.14135, Algorithm 4).

For the fused kernels FlopCounterMode misses, :func:`count_flops` adds the analytic count of
:func:`sdpa_forward_flop` / :func:`sdpa_backward_flop` (the matrix products only, as
FlopCounterMode counts; the backward without recomputation, i.e. the model's own FLOP as in
Chowdhery et al. 2022, arXiv 2204.02311, Appendix B, and as the math path is counted). The
kernel calls are seen by a ``TorchDispatchMode`` stacked on top of FlopCounterMode, so calls
nested in library code (``nn.MultiheadAttention``) are seen as well, and the forward and the
backward kernel are each checked: the analytic FLOP is added for a call only when
FlopCounterMode recorded 0 FLOP for it, so a future torch that counts these kernels is not
double counted.

Units: every ``*_flop`` value is FLOP (not GFLOP); "per batch" means one call of the model on
``example_inputs``; "per example" divides by the batch size, the first dimension of the first
tensor in ``example_inputs`` (e.g. per image for a CNN, per sequence for a transformer) unless
``batch_size`` is given.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from computelimits.errors import ConfigError

if TYPE_CHECKING:
    import torch

__all__ = [
    "FlopCount",
    "count_flops",
    "forward_flop_per_example",
    "sdpa_backward_flop",
    "sdpa_forward_flop",
    "training_flop",
]

#: FLOP per multiply-add. FlopCounterMode's formulas count 2·m·k·n for an m×k by k×n product
#: (``mm_flop`` in torch/utils/flop_counter.py), which is also the computelimits convention;
#: the analytic attention count uses the same so that the two parts add up consistently.
_FLOP_PER_MULTIPLY_ADD = 2

#: Fused scaled-dot-product-attention kernels (ATen names). Forward kernels take
#: (query, key, value, ...); the matching ``*_backward`` kernels take
#: (grad_out, query, key, value, ...) — see their schemas in native_functions.yaml.
_SDPA_KERNELS = (
    "_scaled_dot_product_flash_attention_for_cpu",
    "_scaled_dot_product_fused_attention_overrideable",
    "_scaled_dot_product_flash_attention",
    "_scaled_dot_product_efficient_attention",
    "_scaled_dot_product_cudnn_attention",
)

_INSTALL_HINT = "FLOP counting of PyTorch models needs torch: pip install 'computelimits[torch]'"


def _import_torch() -> Any:
    """Import torch (and its FLOP counter) or raise a ConfigError that says how to install it."""
    try:
        import torch
        import torch.utils.flop_counter  # FlopCounterMode, torch ≥ 2.1
    except ImportError as exc:
        raise ConfigError(f"{_INSTALL_HINT} ({exc})") from exc
    return torch


# ---------------------------------------------------------------------------------------------
# Analytic attention count


def _attention_dims(query_shape: Sequence[int], key_shape: Sequence[int],
                    value_shape: Sequence[int]) -> tuple[int, int, int, int, int]:
    """(batch·heads, Lq, Lk, E, Ev) of an attention call with shapes (..., L, E).

    Leading dimensions are aligned from the right; each takes the query's size, or the larger
    key/value size where the query's is 1 (broadcasting). With grouped-query attention the
    query's head count wins: every query head does its own products.
    """
    q, k, v = (tuple(int(d) for d in s) for s in (query_shape, key_shape, value_shape))
    if min(len(q), len(k), len(v)) < 2:
        raise ConfigError(f"attention shapes need at least 2 dimensions, got {q}, {k}, {v}")
    if q[-1] != k[-1] or k[-2] != v[-2]:
        raise ConfigError(f"incompatible attention shapes: query {q}, key {k}, value {v}")
    lead = max(len(q), len(k), len(v)) - 2
    batch_heads = 1
    for i in range(1, lead + 1):
        sizes = [s[-2 - i] if len(s) - 2 >= i else 1 for s in (q, k, v)]
        batch_heads *= sizes[0] if sizes[0] != 1 else max(sizes[1:])
    return batch_heads, q[-2], k[-2], q[-1], v[-1]


def sdpa_forward_flop(query_shape: Sequence[int], key_shape: Sequence[int],
                      value_shape: Sequence[int]) -> float:
    """FLOP of the forward pass of scaled dot-product attention (Vaswani et al. 2017,
    arXiv 1706.03762, §3.2.1: softmax(QKᵀ/√E)·V).

    With query (…, Lq, E), key (…, Lk, E), value (…, Lk, Ev) and B·H the product of the
    (broadcast) leading dimensions: S = QKᵀ costs 2·B·H·Lq·Lk·E and O = P·V costs
    2·B·H·Lq·Lk·Ev (multiply-add = 2 FLOP). Scaling, masking, softmax and dropout are not
    counted, as FlopCounterMode counts matrix products only; a causal mask is not discounted
    (torch's own attention formula does not either).
    """
    bh, lq, lk, e, ev = _attention_dims(query_shape, key_shape, value_shape)
    qk = _FLOP_PER_MULTIPLY_ADD * bh * lq * lk * e
    pv = _FLOP_PER_MULTIPLY_ADD * bh * lq * lk * ev
    return float(qk + pv)


def sdpa_backward_flop(query_shape: Sequence[int], key_shape: Sequence[int],
                       value_shape: Sequence[int]) -> float:
    """FLOP of the backward pass of scaled dot-product attention: 2 × :func:`sdpa_forward_flop`.

    The gradients of the two products C = AB are dA = dC·Bᵀ and dB = Aᵀ·dC, each as costly as
    the product (the backward pass of FlashAttention, Dao et al. 2022, arXiv 2205.14135,
    Algorithm 4, without its recomputation of S):

    * O = P·V gives dV = Pᵀ·dO (2·B·H·Lq·Lk·Ev) and dP = dO·Vᵀ (2·B·H·Lq·Lk·Ev);
    * S = QKᵀ gives dQ = dS·K (2·B·H·Lq·Lk·E) and dK = dSᵀ·Q (2·B·H·Lq·Lk·E).

    The softmax gradient dS = P∘(dP − rowsum(dO∘O)) is element-wise and not counted. This is
    what FlopCounterMode counts when attention takes the math (``bmm``) path.
    """
    bh, lq, lk, e, ev = _attention_dims(query_shape, key_shape, value_shape)
    d_v = _FLOP_PER_MULTIPLY_ADD * bh * lk * lq * ev
    d_p = _FLOP_PER_MULTIPLY_ADD * bh * lq * ev * lk
    d_q = _FLOP_PER_MULTIPLY_ADD * bh * lq * lk * e
    d_k = _FLOP_PER_MULTIPLY_ADD * bh * lk * lq * e
    return float(d_v + d_p + d_q + d_k)


# ---------------------------------------------------------------------------------------------
# Result


@dataclass
class FlopCount:
    """FLOP of one call of a model on its example inputs (per batch) and per example.

    ``forward_flop``: the model's forward pass, FLOP per batch. ``backward_flop``: everything
    after it in one training step (the loss, then the backward pass), FLOP per batch; 0 when
    counted with ``training=False``. ``by_operator_forward`` / ``by_operator_backward``: what
    FlopCounterMode counted, FLOP per batch by ATen operator name (e.g. ``aten.convolution``).
    ``added``: analytic FLOP per batch added for operators it missed (``sdpa_forward``,
    ``sdpa_backward``). ``forward_flop`` and ``backward_flop`` include ``added``.
    """

    forward_flop: float
    backward_flop: float
    batch_size: int
    training: bool
    by_operator_forward: dict[str, float] = field(default_factory=dict)
    by_operator_backward: dict[str, float] = field(default_factory=dict)
    added: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def training_flop(self) -> float:
        """Forward + backward FLOP of one training step on the batch."""
        return self.forward_flop + self.backward_flop

    @property
    def forward_flop_per_example(self) -> float:
        """Forward FLOP per example (per batch / ``batch_size``)."""
        return self.forward_flop / self.batch_size

    @property
    def backward_flop_per_example(self) -> float:
        """Backward FLOP per example (per batch / ``batch_size``)."""
        return self.backward_flop / self.batch_size

    @property
    def training_flop_per_example(self) -> float:
        """Forward + backward FLOP per example (per batch / ``batch_size``)."""
        return self.training_flop / self.batch_size

    @property
    def by_operator(self) -> dict[str, float]:
        """FlopCounterMode's counts, forward and backward together, FLOP per batch."""
        total = dict(self.by_operator_forward)
        for name, flop in self.by_operator_backward.items():
            total[name] = total.get(name, 0.0) + flop
        return total

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (FLOP values as floats), including the derived totals."""
        return {
            "forward_flop": self.forward_flop,
            "backward_flop": self.backward_flop,
            "training_flop": self.training_flop,
            "batch_size": self.batch_size,
            "forward_flop_per_example": self.forward_flop_per_example,
            "backward_flop_per_example": self.backward_flop_per_example,
            "training_flop_per_example": self.training_flop_per_example,
            "training": self.training,
            "by_operator": self.by_operator,
            "by_operator_forward": dict(self.by_operator_forward),
            "by_operator_backward": dict(self.by_operator_backward),
            "added": dict(self.added),
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------------------------------------
# Counting


@dataclass
class _SdpaCall:
    kernel: str
    phase: str
    shapes: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]
    counted: float
    analytic: float

    @property
    def added(self) -> float:
        return self.analytic if self.counted == 0 else 0.0


def _sdpa_watch(torch: Any, counter: Any) -> Any:
    """A TorchDispatchMode, to be entered inside ``counter`` (a FlopCounterMode), that sees
    every fused attention kernel call, measures what ``counter`` recorded for it, and keeps the
    analytic FLOP of the call in ``.calls``. ``.phase`` ("forward"/"backward") tags the calls.
    """
    from torch.utils._python_dispatch import TorchDispatchMode

    kinds: dict[Any, tuple[str, bool]] = {}
    for name in _SDPA_KERNELS:
        for op_name, is_backward in ((name, False), (name + "_backward", True)):
            packet = getattr(torch.ops.aten, op_name, None)
            if packet is not None:
                kinds[packet] = (op_name, is_backward)

    class _SdpaWatch(TorchDispatchMode):
        def __init__(self) -> None:
            super().__init__()
            self.phase = "forward"
            self.calls: list[_SdpaCall] = []

        def __torch_dispatch__(self, func: Any, types: Any, args: Any = (),
                               kwargs: Any = None) -> Any:
            kwargs = kwargs or {}
            kind = kinds.get(func._overloadpacket)
            if kind is None:
                return func(*args, **kwargs)
            before = counter.get_total_flops()
            out = func(*args, **kwargs)
            counted = float(counter.get_total_flops() - before)
            op_name, is_backward = kind
            q, k, v = args[1:4] if is_backward else args[0:3]
            shapes = (tuple(q.shape), tuple(k.shape), tuple(v.shape))
            formula = sdpa_backward_flop if is_backward else sdpa_forward_flop
            self.calls.append(_SdpaCall(op_name, self.phase, shapes, counted, formula(*shapes)))
            return out

    return _SdpaWatch()


def _tensors(obj: Any) -> Iterator[Any]:
    """Tensors in ``obj`` (a tensor, or nested tuples/lists/dict values), in order."""
    import torch

    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, Mapping):
        for value in obj.values():
            yield from _tensors(value)
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _tensors(item)


def _split_inputs(example_inputs: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    import torch

    if isinstance(example_inputs, torch.Tensor):
        return (example_inputs,), {}
    if isinstance(example_inputs, Mapping):
        return (), dict(example_inputs)
    if isinstance(example_inputs, (list, tuple)):
        return tuple(example_inputs), {}
    raise ConfigError("example_inputs must be a tensor, a tuple/list of positional arguments "
                      f"or a dict of keyword arguments, got {type(example_inputs).__name__}")


def _batch_size(example_inputs: Any, batch_size: int | None) -> int:
    if batch_size is not None:
        if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
            raise ConfigError(f"batch_size must be a positive integer, got {batch_size!r}")
        return int(batch_size)
    for tensor in _tensors(example_inputs):
        if tensor.dim() == 0:
            break
        if tensor.shape[0] < 1:
            raise ConfigError("the first input tensor has an empty first (batch) dimension")
        return int(tensor.shape[0])
    raise ConfigError("no batch size: example_inputs has no tensor with a first dimension; "
                      "pass batch_size=")


def _loss(output: Any, loss_fn: Callable[[Any], Any] | None) -> Any:
    if loss_fn is not None:
        loss = loss_fn(output)
        if not hasattr(loss, "numel") or loss.numel() != 1:
            raise ConfigError("loss_fn must return a tensor with one element")
        return loss.reshape(())
    parts = [t.float().sum() for t in _tensors(output)
             if t.requires_grad and (t.is_floating_point() or t.is_complex())]
    if not parts:
        raise ConfigError("training=True but no output tensor requires grad: the model has no "
                          "trainable parameters on the output's path (or pass loss_fn=)")
    loss = parts[0]
    for part in parts[1:]:
        loss = loss + part
    return loss


def _by_operator(counts: Mapping[Any, int]) -> dict[str, float]:
    return {str(op): float(flop) for op, flop in counts.items() if flop}


def count_flops(
    model: torch.nn.Module | Callable[..., Any],
    example_inputs: Any,
    *,
    training: bool = True,
    loss_fn: Callable[[Any], Any] | None = None,
    batch_size: int | None = None,
    custom_mapping: Mapping[Any, Callable[..., int]] | None = None,
) -> FlopCount:
    """Count the FLOP of one forward call of ``model`` on ``example_inputs`` and, with
    ``training=True``, of the backward pass of one training step.

    ``example_inputs``: a tensor, a tuple/list of positional arguments, or a dict of keyword
    arguments. The backward pass runs on a scalar loss: ``loss_fn(output)`` if given, else the
    sum of the output (``output.float().sum()``, summed over the floating-point output tensors
    when the model returns several); neither sum counts FLOP. ``batch_size`` overrides the
    batch size read from the first tensor's first dimension (e.g. for sequence-first inputs).
    ``custom_mapping`` is passed to FlopCounterMode: extra ``{aten op: formula}`` entries.

    The model runs with autograd enabled in whatever train/eval mode it is in (so that
    inference-only fused fast paths, which FlopCounterMode cannot see, are not taken).
    Parameter gradients, input gradients and buffers (e.g. batch-norm running statistics) are
    restored afterwards. Returns a :class:`FlopCount` (FLOP per batch and per example).
    """
    torch = _import_torch()
    from torch.utils.flop_counter import FlopCounterMode

    args, kwargs = _split_inputs(example_inputs)
    n = _batch_size(example_inputs, batch_size)

    params = list(model.parameters()) if isinstance(model, torch.nn.Module) else []
    buffers = list(model.buffers()) if isinstance(model, torch.nn.Module) else []
    leaves = params + [t for t in _tensors(example_inputs) if t.requires_grad and t.is_leaf]
    saved_grads = [(t, t.grad) for t in leaves]
    saved_buffers = [(b, b.detach().clone()) for b in buffers]

    counter = FlopCounterMode(display=False, custom_mapping=dict(custom_mapping or {}))
    try:
        with torch.enable_grad(), counter:
            watch = _sdpa_watch(torch, counter)
            with watch:
                output = model(*args, **kwargs)
                forward_counts = dict(counter.get_flop_counts().get("Global", {}))
                if training:
                    watch.phase = "backward"
                    _loss(output, loss_fn).backward()
            total_counts = dict(counter.get_flop_counts().get("Global", {}))
    finally:
        with torch.no_grad():
            for buffer, value in saved_buffers:
                buffer.copy_(value)
        for tensor, grad in saved_grads:
            tensor.grad = grad

    backward_counts = {op: flop - forward_counts.get(op, 0) for op, flop in total_counts.items()}
    by_forward = _by_operator(forward_counts)
    by_backward = _by_operator(backward_counts)

    added: dict[str, float] = {}
    notes = [
        "counted by torch.utils.flop_counter.FlopCounterMode: matrix products and convolutions "
        "only (multiply-add = 2 FLOP; biases, normalisation, activations, pooling and softmax "
        "count 0)",
        f"per example = per batch / {n} (batch size"
        + (" given)" if batch_size is not None else ": first dimension of the first input)"),
    ]
    for phase in ("forward", "backward"):
        calls = [c for c in watch.calls if c.phase == phase]
        if not calls:
            continue
        missed = [c for c in calls if c.added]
        added[f"sdpa_{phase}"] = float(sum(c.added for c in calls))
        kernels = ", ".join(sorted({c.kernel for c in calls}))
        notes.append(
            f"{phase}: {len(calls)} fused attention kernel call(s) ({kernels}); "
            f"{len(missed)} not counted by FlopCounterMode, analytic "
            f"{added[f'sdpa_{phase}']:.6g} FLOP added (matrix products only)")
    if training and not any(t.requires_grad for t in _tensors(example_inputs)):
        notes.append("inputs do not require grad: the first layer's input gradient is not "
                     "computed, so its backward costs 1× (not 2×) its forward")

    forward = float(sum(by_forward.values())) + added.get("sdpa_forward", 0.0)
    backward = float(sum(by_backward.values())) + added.get("sdpa_backward", 0.0)
    return FlopCount(
        forward_flop=forward,
        backward_flop=backward if training else 0.0,
        batch_size=n,
        training=training,
        by_operator_forward=by_forward,
        by_operator_backward=by_backward,
        added=added,
        notes=notes,
    )


def _non_negative(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(
            value) or value < 0:
        raise ConfigError(f"{name} must be a finite number ≥ 0, got {value!r}")
    return float(value)


def training_flop(
    model: torch.nn.Module | Callable[..., Any],
    example_inputs: Any,
    *,
    examples: float,
    epochs: float,
    loss_fn: Callable[[Any], Any] | None = None,
    batch_size: int | None = None,
    custom_mapping: Mapping[Any, Callable[..., int]] | None = None,
) -> float:
    """Training compute, FLOP: measured forward+backward FLOP per example × ``examples`` (per
    epoch) × ``epochs``.

    The paper's *network operations* (Thompson et al. 2020, §3: FLOP per forward pass × passes
    × examples × epochs) with the backward pass measured by :func:`count_flops` instead of the
    "forward + backward ≈ 3 forward passes" rule. Other arguments as in :func:`count_flops`.
    """
    n_examples = _non_negative("examples", examples)
    n_epochs = _non_negative("epochs", epochs)
    result = count_flops(model, example_inputs, training=True, loss_fn=loss_fn,
                         batch_size=batch_size, custom_mapping=custom_mapping)
    return result.training_flop_per_example * n_examples * n_epochs


def forward_flop_per_example(
    model: torch.nn.Module | Callable[..., Any],
    example_inputs: Any,
    *,
    batch_size: int | None = None,
    custom_mapping: Mapping[Any, Callable[..., int]] | None = None,
) -> float:
    """Forward (inference) FLOP per example of ``model``, measured by :func:`count_flops`."""
    result = count_flops(model, example_inputs, training=False, batch_size=batch_size,
                         custom_mapping=custom_mapping)
    return result.forward_flop_per_example

"""Strided and transposed convolutions that XLA:CPU computes fast.

Each computes lax's convolution, on CPU in other forms (other backends keep
lax's and autodiff's): autodiff turns a strided network into convolutions
XLA:CPU runs badly. The input gradient of a strided convolution is an
input-dilated convolution, and the kernel gradient of a transposed
convolution with many output features took seconds at batch 1024. So the
custom VJPs here compute each gradient as the same linear map in a form
made of stride-1 convolutions, and the forward passes take such a form
where it is faster (benchmarks/conv_speed.py times every form against
lax's):

- `conv_same`'s input gradient is that of its space-to-depth form: each
  s x s block of the padded input becomes channels, the kernel is regrouped
  alike, and the strided convolution is a stride-1 one (DCGAN's second D
  layer, batch 1024: 2.2x lax's speed). With a few input features (an
  image's channels) it is the other way round: the forward pass takes that
  form (DCGAN's first D layer: 1.5x lax's speed; with 64 features it is
  slower) and the input gradient stays lax's, the faster one there.
- `conv_transpose_same`'s forward pass and kernel gradient are those of its
  sub-pixel form. Output pixel s*m + p (phase p) only meets kernel taps t
  with t = pad - p (mod s), reading input pixel m + (p + t - pad) / s, so
  each phase is a small stride-1 convolution of the undilated input with a
  slice of the kernel, and the phases interleave (DCGAN's first G layer,
  batch 1024: 1.2x lax's forward speed, and 120x its kernel gradient's).
  For a layer with a few output features (an image's channels) the forward
  pass stays lax's, and one matrix product of the input with the output
  gradient gathered at every tap is the fastest kernel gradient.

Both take NHWC inputs and HWIO kernels and pad as lax's 'SAME' does.
`conv_general_dilated` plugs `conv_same` into `flax.linen.Conv`.
"""
from collections.abc import Callable, Sequence
import functools

import jax
import jax.numpy as jnp
import numpy as np

_DIMENSIONS = ('NHWC', 'HWIO', 'NHWC')
# Up to this many features a layer is an image's end, where the forms flip:
# a convolution reading so few input features runs its forward pass as
# space-to-depth and keeps lax's input gradient; a transposed one writing
# so few output features keeps lax's forward pass and takes its kernel
# gradient as one product with the gathered output gradient, whose size
# grows with the features (at DCGAN's output layer, batch 1024, that beat
# the sub-pixel form at 1 and 3 features and lost at 8:
# benchmarks/conv_speed.py --output_features=1,3,8).
_FEW_FEATURES = 4


def _image_end(features: int) -> bool:
  """Whether a layer reading (or writing) `features` takes the few-features
  forms above."""
  return features <= _FEW_FEATURES


def _lax_conv(x, kernel, strides, padding):
  return jax.lax.conv_general_dilated(x, kernel, strides, padding,
                                      dimension_numbers=_DIMENSIONS)


def lax_conv_same(x: jax.Array, kernel: jax.Array,
                  strides: Sequence[int]) -> jax.Array:
  """The reference `conv_same` computes: lax's 'SAME' convolution."""
  return _lax_conv(x, kernel, strides, 'SAME')


def lax_conv_transpose_same(x: jax.Array, kernel: jax.Array,
                            strides: Sequence[int]) -> jax.Array:
  """The reference `conv_transpose_same` computes."""
  return jax.lax.conv_transpose(x, kernel, strides, 'SAME',
                                dimension_numbers=_DIMENSIONS)


def _cpu_form(cpu_fn: Callable, fn: Callable, x: jax.Array,
              kernel: jax.Array, strides: Sequence[int]) -> jax.Array:
  """`cpu_fn(x, kernel, strides)` on CPU, `fn`'s elsewhere: one value, two
  forms, chosen when the step is lowered for its platform."""
  return jax.lax.platform_dependent(
      x, kernel, cpu=lambda x, k: cpu_fn(x, k, strides),
      default=lambda x, k: fn(x, k, strides))


def _on_cpu(cpu_vjp: Callable, fn: Callable) -> Callable:
  """A custom VJP's backward: `cpu_vjp` on CPU, autodiff of `fn` elsewhere."""
  def bwd(strides, residuals, grad):
    def autodiff(x, kernel, grad):
      return jax.vjp(lambda x, k: fn(x, k, strides), x, kernel)[1](grad)
    return jax.lax.platform_dependent(
        *residuals, grad, cpu=functools.partial(cpu_vjp, strides),
        default=autodiff)
  return bwd


def _same_padding(size: int, k: int, s: int) -> tuple[int, int]:
  """lax's 'SAME' padding of a stride-s convolution."""
  total = max((-(-size // s) - 1) * s + k - size, 0)
  return total // 2, total - total // 2


def conv_same_space_to_depth(x: jax.Array, kernel: jax.Array,
                             strides: Sequence[int]) -> jax.Array:
  """conv_same(x, kernel, strides) as a stride-1 convolution."""
  (kh, kw, cin, cout), (sh, sw) = kernel.shape, strides
  b, h, w, _ = x.shape
  (top, _), (left, _) = _same_padding(h, kh, sh), _same_padding(w, kw, sw)
  kh2, kw2 = -(-kh // sh), -(-kw // sw)        # kernel size in blocks
  hp = (-(-h // sh) - 1 + kh2) * sh             # padded input size
  wp = (-(-w // sw) - 1 + kw2) * sw
  x = jnp.pad(x, ((0, 0), (top, hp - h - top), (left, wp - w - left), (0, 0)))
  x = x.reshape(b, hp // sh, sh, wp // sw, sw, cin).transpose(0, 1, 3, 2, 4, 5)
  x = x.reshape(b, hp // sh, wp // sw, sh * sw * cin)
  kernel = jnp.pad(kernel, ((0, kh2 * sh - kh), (0, kw2 * sw - kw), (0, 0),
                            (0, 0)))
  kernel = kernel.reshape(kh2, sh, kw2, sw, cin, cout)
  kernel = kernel.transpose(0, 2, 1, 3, 4, 5).reshape(kh2, kw2, -1, cout)
  return _lax_conv(x, kernel, (1, 1), 'VALID')


def _conv_same_forward(x, kernel, strides):
  if _image_end(x.shape[-1]):
    return _cpu_form(conv_same_space_to_depth, lax_conv_same, x, kernel,
                     strides)
  return lax_conv_same(x, kernel, strides)


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def conv_same(x: jax.Array, kernel: jax.Array,
              strides: tuple[int, int]) -> jax.Array:
  """lax.conv_general_dilated(x, kernel, strides, 'SAME')."""
  return _conv_same_forward(x, kernel, strides)


def _conv_same_cpu_vjp(strides, x, kernel, grad):
  input_form = (lax_conv_same if _image_end(x.shape[-1])
                else conv_same_space_to_depth)
  _, input_vjp = jax.vjp(lambda x: input_form(x, kernel, strides), x)
  _, kernel_vjp = jax.vjp(lambda k: lax_conv_same(x, k, strides), kernel)
  return input_vjp(grad)[0], kernel_vjp(grad)[0]


conv_same.defvjp(
    lambda x, kernel, strides: (_conv_same_forward(x, kernel, strides),
                                (x, kernel)),
    _on_cpu(_conv_same_cpu_vjp, lax_conv_same))


def _transpose_pad_before(k: int, s: int) -> int:
  """Leading padding of the dilated input in lax.conv_transpose(.., 'SAME')."""
  return k - 1 if s > k - 1 else int(np.ceil((k + s - 2) / 2))


def _phase_taps(k: int, s: int) -> list[list[tuple[int, int]]]:
  """Per output phase p, its (kernel tap, input offset) pairs, in order."""
  pad = _transpose_pad_before(k, s)
  return [[(t, (p + t - pad) // s) for t in range(k) if (t - pad + p) % s == 0]
          for p in range(s)]


def conv_transpose_subpixel(x: jax.Array, kernel: jax.Array,
                            strides: Sequence[int]) -> jax.Array:
  """conv_transpose_same(x, kernel, strides) as stride-1 convolutions."""
  (kh, kw, _, cout), (sh, sw) = kernel.shape, strides
  rows, cols = _phase_taps(kh, sh), _phase_taps(kw, sw)
  b, h, w, _ = x.shape
  phases = []
  for row_taps in rows:
    for col_taps in cols:
      if not row_taps or not col_taps:   # kernel smaller than the stride
        phases.append(jnp.zeros((b, h, w, cout), x.dtype))
        continue
      (ty, oy), (tx, ox) = zip(*row_taps), zip(*col_taps)
      phase_kernel = kernel[np.array(ty)][:, np.array(tx)].astype(x.dtype)
      phases.append(_lax_conv(x, phase_kernel, (1, 1),
                              ((-oy[0], oy[-1]), (-ox[0], ox[-1]))))
  y = jnp.stack(phases, axis=3).reshape(b, h, w, sh, sw, cout)
  return y.transpose(0, 1, 3, 2, 4, 5).reshape(b, h * sh, w * sw, cout)


def _grad_phases(grad: jax.Array, kernel_shape: Sequence[int],
                 strides: Sequence[int]):
  """(row taps, column taps, `grad` at the phase) for every output phase."""
  (kh, kw, _, cout), (sh, sw) = kernel_shape, strides
  b, h, w, _ = grad.shape
  phases = grad.reshape(b, h // sh, sh, w // sw, sw, cout)
  for py, row_taps in enumerate(_phase_taps(kh, sh)):
    for px, col_taps in enumerate(_phase_taps(kw, sw)):
      yield row_taps, col_taps, phases[:, :, py, :, px]


def kernel_grad_subpixel(x: jax.Array, kernel_shape: Sequence[int],
                         strides: Sequence[int], grad: jax.Array) -> jax.Array:
  """d loss / d kernel of `conv_transpose_subpixel`, phase by phase.

  Each phase's taps get the kernel gradient of its stride-1 convolution
  against that phase of `grad`, and the taps are stacked back in order.
  Autodiff of the sub-pixel form gets the same numbers but scatters each
  phase into a zero kernel and adds the four: DCGAN's step ran 1.7% faster
  at batch 64 and 4.9% at 256 without that (benchmarks/convolution_ab.py).
  """
  kh, kw, cin, cout = kernel_shape
  taps = {}   # every tap belongs to exactly one phase
  for row_taps, col_taps, phase in _grad_phases(grad, kernel_shape, strides):
    if not row_taps or not col_taps:
      continue
    (ty, oy), (tx, ox) = zip(*row_taps), zip(*col_taps)
    padding = ((-oy[0], oy[-1]), (-ox[0], ox[-1]))
    _, kernel_vjp = jax.vjp(
        lambda k, padding=padding: _lax_conv(x, k, (1, 1), padding),
        jnp.zeros((len(ty), len(tx), cin, cout), x.dtype))
    (phase_grad,) = kernel_vjp(phase)
    for i, a in enumerate(ty):
      for j, c in enumerate(tx):
        taps[a, c] = phase_grad[i, j]
  return jnp.stack([taps[a, c] for a in range(kh) for c in range(kw)]
                   ).reshape(kh, kw, cin, cout)


def _conv_transpose_forward(x, kernel, strides):
  if not _image_end(kernel.shape[-1]):
    return _cpu_form(conv_transpose_subpixel, lax_conv_transpose_same, x,
                     kernel, strides)
  return lax_conv_transpose_same(x, kernel, strides)


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def conv_transpose_same(x: jax.Array, kernel: jax.Array,
                        strides: tuple[int, int]) -> jax.Array:
  """lax.conv_transpose(x, kernel, strides, 'SAME'), kernel in HWIO."""
  return _conv_transpose_forward(x, kernel, strides)


def _shifted(a: jax.Array, dy: int, dx: int) -> jax.Array:
  """b[:, m, n] = a[:, m - dy, n - dx], zero outside a."""
  _, h, w, _ = a.shape
  a = jnp.pad(a, ((0, 0), (max(dy, 0), max(-dy, 0)), (max(dx, 0), max(-dx, 0)),
                  (0, 0)))
  return a[:, max(-dy, 0):max(-dy, 0) + h, max(-dx, 0):max(-dx, 0) + w]


def kernel_grad_gathered(x: jax.Array, kernel_shape: Sequence[int],
                         strides: Sequence[int], grad: jax.Array) -> jax.Array:
  """d loss / d kernel as one matrix product x^T [grad at each tap].

  Tap t of phase p reads input pixel m + o for output pixel s*m + p, so its
  kernel gradient is sum_m x[m + o]^T grad[s*m + p]: x against the phase-p
  grad shifted by o. With a few output features the shifted grads are
  small, and one product over all taps reads x once.
  """
  kh, kw, cin, cout = kernel_shape
  columns = {}   # every tap belongs to exactly one phase
  for row_taps, col_taps, phase in _grad_phases(grad, kernel_shape, strides):
    for ty, oy in row_taps:
      for tx, ox in col_taps:
        columns[ty, tx] = _shifted(phase, oy, ox)
  stacked = jnp.stack([columns[ty, tx] for ty in range(kh)
                       for tx in range(kw)], axis=3)
  dk = jnp.einsum('bhwi,bhwto->tio', x, stacked)
  return dk.reshape(kh, kw, cin, cout)


def _conv_transpose_cpu_vjp(strides, x, kernel, grad):
  _, input_vjp = jax.vjp(
      lambda x: lax_conv_transpose_same(x, kernel, strides), x)
  if _image_end(kernel.shape[-1]):
    kernel_grad = kernel_grad_gathered(x, kernel.shape, strides, grad)
  else:
    kernel_grad = kernel_grad_subpixel(x, kernel.shape, strides, grad)
  return input_vjp(grad)[0], kernel_grad


conv_transpose_same.defvjp(
    lambda x, kernel, strides: (_conv_transpose_forward(x, kernel, strides),
                                (x, kernel)),
    _on_cpu(_conv_transpose_cpu_vjp, lax_conv_transpose_same))


def conv_general_dilated(lhs: jax.Array, rhs: jax.Array,
                         window_strides: Sequence[int], padding,
                         lhs_dilation=None, rhs_dilation=None,
                         dimension_numbers=None, feature_group_count: int = 1,
                         precision=None) -> jax.Array:
  """lax.conv_general_dilated, through `conv_same` where that applies.

  For `flax.linen.Conv(conv_general_dilated=...)`: a 2-D 'SAME'
  convolution without dilation, groups or explicit precision takes
  `conv_same`; anything else goes to lax unchanged.
  """
  undilated = all(d is None or tuple(d) == (1, 1)
                  for d in (lhs_dilation, rhs_dilation))
  if (lhs.ndim == 4 and isinstance(padding, str) and padding == 'SAME'
      and undilated and feature_group_count == 1 and precision is None
      and jax.lax.conv_dimension_numbers(lhs.shape, rhs.shape,
                                         dimension_numbers)
      == jax.lax.conv_dimension_numbers(lhs.shape, rhs.shape, _DIMENSIONS)):
    return conv_same(lhs, rhs, tuple(window_strides))
  return jax.lax.conv_general_dilated(
      lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation,
      dimension_numbers, feature_group_count, precision=precision)

"""PacGAN packing (Lin et al. 2018): D judges m samples at once.

A discriminator that sees m samples together can tell a generator that puts
them all on one mode from the data, where m = 1 sees each sample look
plausible on its own: packing penalises mode collapse with no change to G or
the objective. The m samples are concatenated along the last (channel or
feature) axis, as in the paper's code, so any registered D applies unchanged
to the packed input, which has m times the channels and 1/m of the batch.
"""
import flax.linen as nn
import jax


def pack(x: jax.Array, m: int) -> jax.Array:
  """[B, ..., C] -> [B/m, ..., m*C]: consecutive samples become one input."""
  b, *inner, c = x.shape
  x = x.reshape(b // m, m, *inner, c)
  return jax.numpy.moveaxis(x, 1, -2).reshape(b // m, *inner, m * c)


class Packed(nn.Module):
  """Any discriminator, fed packs of `m` samples; outputs [B/m] logits."""
  inner: nn.Module
  m: int

  @nn.compact
  def __call__(self, x: jax.Array, *, train: bool) -> jax.Array:
    return self.inner(pack(x, self.m), train=train)

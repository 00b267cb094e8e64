"""Stacked MNIST mode coverage, as VEEGAN and PacGAN count it.

Each channel of a generated 28x28x3 image is labelled by the project's MNIST
classifier (gan_jax/metrics/classifier.py); the triple of digits is the
image's mode, one of 1,000. Reported: modes that get at least one sample,
and KL(p_gen || uniform) over the 1,000-bin mode histogram (the model's
distribution first, as in PacGAN's tables; gan_jax.metrics.toy.reverse_kl).
The protocol draws 26,000 samples.
"""
import jax
import jax.numpy as jnp
import numpy as np

from gan_jax.data.stacked import NUM_MODES
from gan_jax.metrics import classifier
from gan_jax.metrics.toy import reverse_kl

NUM_SAMPLES = 26_000


def read_digits(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
  """uint8 [N, 28, 28, 3] -> (digit [N, 3], the classifier's probability of
  it [N, 3]). A malformed digit still gets a label, with low probability:
  the probabilities tell a G that favours a digit from one whose scribbles
  the classifier files under it."""
  params = classifier.load_classifier('mnist')
  probs = [np.asarray(jax.nn.softmax(classifier.classify(
      params, jnp.asarray(images[..., c:c + 1]))[1], -1)) for c in range(3)]
  probs = np.stack(probs, 1)
  return probs.argmax(-1), probs.max(-1)


def mode_of_digits(digits: np.ndarray) -> np.ndarray:
  """digit [N, 3] (R, G, B) -> mode 100 d_R + 10 d_G + d_B [N]."""
  return digits @ np.array([100, 10, 1])


def modes_of(images: np.ndarray) -> np.ndarray:
  """uint8 [N, 28, 28, 3] -> mode per image."""
  return mode_of_digits(read_digits(images)[0])


def coverage(modes: np.ndarray) -> dict[str, float]:
  """Modes hit and KL(p_gen || uniform) of the modes `modes_of` found."""
  counts = np.bincount(modes, minlength=NUM_MODES)
  return {'modes': int(np.sum(counts > 0)), 'reverse_kl': reverse_kl(counts)}


def mode_coverage(images: np.ndarray) -> dict[str, float]:
  return coverage(modes_of(images))


def digit_kl(digits: np.ndarray) -> list[float]:
  """KL(p_gen || uniform) of each channel's digit (digits [N, 3], R, G, B):
  the part of the modes' KL that comes from G favouring some digits over
  others. If the channels were independent, the modes' KL would be their
  sum."""
  return [reverse_kl(np.bincount(d, minlength=10)) for d in digits.T]

"""Sample-quality metrics, computed offline in JAX with a fixed per-dataset
classifier: `evaluate_images(fake, 'mnist')` runs them all.

Each metric's functions live in its module (`gan_jax.metrics.fid.fid`, ...);
they are not re-exported here, where their names would hide the modules.
"""
from gan_jax.metrics.classifier import classify, load_classifier
from gan_jax.metrics.inputs import EvalInputs
from gan_jax.metrics.suite import METRICS, evaluate, evaluate_images

__all__ = ['METRICS', 'EvalInputs', 'classify', 'evaluate', 'evaluate_images',
           'load_classifier']

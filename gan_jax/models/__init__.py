"""Architectures, registered by name; importing this package registers all."""
from gan_jax.models import dcgan, gmmn, maxout_mlp  # noqa: F401  (registration)
from gan_jax.models.spec import GanModels, MODELS, build_models, sample_noise

__all__ = ['GanModels', 'MODELS', 'build_models', 'sample_noise']

"""Architectures, registered by name; importing this package registers all."""
from gan_jax.models import (began, cyclegan, dcgan, gmmn,  # noqa: F401
                            maxout_mlp, mlp, progan)
from gan_jax.models.spec import (GanModels, MODELS, balanced_labels,
                                 build_models, sample_noise, set_codes,
                                 sheet_labels)

__all__ = ['GanModels', 'MODELS', 'balanced_labels', 'build_models',
           'sample_noise', 'set_codes', 'sheet_labels']

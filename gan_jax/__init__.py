"""gan_jax: GANs in JAX, from the 2014 paper to the modern variants."""

"""gan_jax against the PyTorch reference DCGAN, A B A B, in one process.

  pip install -e ".[bench]"      # torch, CPU build; never a gan_jax dependency
  python benchmarks/throughput.py [--batch_sizes=64,256,1024] [--pairs=5]
      [--steps=5] [--torch_compile]

Per batch size it first checks that the two implementations compute the same
function (gan_jax's initial weights ported into the torch modules, both nets
run in training mode on the same inputs), then warms both up and times them
alternately, so that load from anything else on the machine hits both sides
alike. When JAX runs on a GPU, the reference runs on it too (CUDA, timed up
to torch.cuda.synchronize). The ratio is the median over pairs of gan_jax
images/s divided by the reference's. FLOPs per step come from XLA's cost analysis of the compiled
step; the peak is the best float32 matrix-multiply rate measured on this
machine in the same run (the practical ceiling: no published figure for a
virtual CPU; on a GPU, float32 at JAX's default precision, which is TF32 on
recent NVIDIA chips). The reference's fraction of peak uses the same FLOP
count (same layers, batch and update), and `goal_fraction_of_peak` is the
fraction gan_jax would need for the CPU goal (1.3x the eager reference): above
1 the goal is out of reach on this machine. Prints one JSON object.
"""
import functools
import json
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np
from absl import app, flags

import harness
import torch
import torch_reference
from gan_jax.data.sampler import to_unit_range
from gan_jax.train_step import apply_model

_BATCHES = flags.DEFINE_list('batch_sizes', ['64', '256', '1024'], 'Batch sizes.')
_PAIRS = flags.DEFINE_integer('pairs', 5, 'Timed A/B pairs per batch size.')
_STEPS = flags.DEFINE_integer('steps', 5, 'Steps per timed run.')
_COMPILE = flags.DEFINE_bool('torch_compile', False,
                             'Also time torch.compile of both networks.')


def torch_device() -> str:
  """The reference runs where gan_jax runs: on the GPU when JAX uses one."""
  on_gpu = jax.default_backend() == 'gpu' and torch.cuda.is_available()
  return 'cuda' if on_gpu else 'cpu'


def gemm_peak_flops(reps: int = 10) -> float:
  # A GPU needs a large product to approach its peak; 2048 saturates a CPU.
  n = 8192 if jax.default_backend() == 'gpu' else 2048
  matmul = jax.jit(lambda a, b: a @ b)
  a = jnp.ones((n, n), jnp.float32)
  matmul(a, a).block_until_ready()
  best = float('inf')
  for _ in range(reps):
    start = time.perf_counter()
    matmul(a, a).block_until_ready()
    best = min(best, time.perf_counter() - start)
  return 2 * n ** 3 / best


def max_output_difference(prepared: harness.Prepared,
                          ref: torch_reference.Reference) -> dict:
  """Both sides' G and D outputs, training mode, on the same inputs."""
  state = prepared.state
  torch_reference.port_weights(ref, state.g_params, state.d_params,
                               state.g_stats, state.d_stats)
  models = prepared.gan.models
  z = np.random.default_rng(0).normal(size=(16, models.z_dim)).astype('f4')
  real = np.asarray(to_unit_range(prepared.images[:16], models.value_range))
  ours_g, _ = apply_model(models.generator, state.g_params, state.g_stats, z,
                          train=True, key=jax.random.key(0))
  ours_d, _ = apply_model(models.discriminator, state.d_params, state.d_stats,
                          real, train=True, key=jax.random.key(0))
  on = lambda x: torch.from_numpy(x).to(ref.device)
  with torch.no_grad():
    ref.g.train(), ref.d.train()
    theirs_g = ref.g(on(z)).permute(0, 2, 3, 1).cpu().numpy()
    theirs_d = ref.d(on(real).permute(0, 3, 1, 2)).cpu().numpy()
  return {'generator': float(np.max(np.abs(np.asarray(ours_g) - theirs_g))),
          'discriminator': float(np.max(np.abs(np.asarray(ours_d) - theirs_d)))}


def time_reference(ref: torch_reference.Reference, steps: int) -> float:
  start = time.perf_counter()
  for _ in range(steps):
    ref.step()
  ref.synchronize()
  return time.perf_counter() - start


def compare(batch_size: int, peak: float) -> dict:
  config = harness.experiment('dcgan')
  config.train.batch_size = batch_size
  config.train.ema_decay = 0.0  # the reference keeps no EMA
  prepared = harness.prepare(config)
  device = torch_device()
  refs = {'eager': torch_reference.Reference(
      prepared.images, batch_size, device=device)}
  if _COMPILE.value:
    refs['compiled'] = torch_reference.Reference(
        prepared.images, batch_size, compile_models=True, device=device)
  difference = max_output_difference(prepared, refs['eager'])
  ours = harness.Stepper(prepared, _STEPS.value)
  compile_s = {}
  for name, ref in refs.items():
    start = time.perf_counter()
    time_reference(ref, 2)
    compile_s[name] = round(time.perf_counter() - start, 2)
  seconds = harness.take_turns(
      {'gan_jax': ours, **{name: functools.partial(time_reference, ref,
                                                    _STEPS.value)
                           for name, ref in refs.items()}}, _PAIRS.value)
  images_per_s_of = lambda side: statistics.median(
      batch_size * _STEPS.value / s for s in seconds[side])
  images_per_s = images_per_s_of('gan_jax')
  flops_per_s = lambda rate: prepared.flops * rate / batch_size
  fraction = lambda rate: round(flops_per_s(rate) / peak, 3)
  torch_images_per_s = {name: images_per_s_of(name) for name in refs}
  return {
      'batch_size': batch_size,
      'max_abs_output_difference': difference,
      'gan_jax_images_per_s': round(images_per_s, 1),
      **{f'torch_{name}_images_per_s': round(v, 1)
         for name, v in torch_images_per_s.items()},
      **{f'ratio_vs_torch_{name}': harness.median_ratio(seconds[name],
                                                        seconds['gan_jax'])
         for name in refs},
      'gan_jax_compile_s': round(prepared.compile_s, 2),
      'torch_first_two_steps_s': compile_s,
      'step_gflops': round(prepared.flops / 1e9, 2),
      'achieved_gflops_per_s': round(flops_per_s(images_per_s) / 1e9, 1),
      'fraction_of_peak': fraction(images_per_s),
      **{f'torch_{name}_fraction_of_peak': fraction(v)
         for name, v in torch_images_per_s.items()},
      'goal_fraction_of_peak': fraction(1.3 * torch_images_per_s['eager']),
  }


def main(argv):
  del argv
  peak = gemm_peak_flops()
  result = {**harness.machine(), 'torch': torch.__version__,
            'torch_device': torch_device(),
            'torch_threads': torch.get_num_threads(),
            'peak_gemm_gflops_per_s': round(peak / 1e9, 1),
            'pairs': _PAIRS.value, 'steps_per_run': _STEPS.value,
            'results': [compare(int(b), peak) for b in _BATCHES.value]}
  print(json.dumps(result, indent=1))


if __name__ == '__main__':
  app.run(main)

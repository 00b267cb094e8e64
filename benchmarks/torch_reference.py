"""The DCGAN of experiments/dcgan.py as a PyTorch user would write it.

Benchmark-only (torch is the optional `bench` extra, never a dependency of
gan_jax): the same layers, initialisation scale, batch norm settings, Adam
(2e-4, 0.5, 0.999) and non-saturating loss, with the textbook eager loop —
one G forward whose output is detached for D's update and reused for G's —
and an optional `torch.compile` of both networks. On a GPU everything, the
training set included, lives on the device, with cuDNN's autotuner on, as a
PyTorch user would set it up for fixed shapes. `port_weights` copies a
gan_jax state into it, so `benchmarks/throughput.py` can first check that both
sides compute the same function, and only then time them.
"""
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


def _init(module: nn.Module) -> None:
  if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
    nn.init.normal_(module.weight, 0.0, 0.02)
    if module.bias is not None:
      nn.init.zeros_(module.bias)
  elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
    nn.init.normal_(module.weight, 1.0, 0.02)
    nn.init.zeros_(module.bias)


class Generator(nn.Module):

  def __init__(self, z_dim: int = 100, width: int = 64, channels: int = 1,
               side: int = 28):
    super().__init__()
    self.width, self.side = width, side // 4
    features = self.side * self.side * 4 * width
    self.project = nn.Linear(z_dim, features, bias=False)
    self.bn0 = nn.BatchNorm1d(features)
    self.up1 = nn.ConvTranspose2d(4 * width, 2 * width, 4, 2, 1, bias=False)
    self.bn1 = nn.BatchNorm2d(2 * width)
    self.up2 = nn.ConvTranspose2d(2 * width, channels, 4, 2, 1)
    self.apply(_init)

  def forward(self, z: torch.Tensor) -> torch.Tensor:
    x = F.relu(self.bn0(self.project(z)))
    x = x.view(-1, 4 * self.width, self.side, self.side)
    x = F.relu(self.bn1(self.up1(x)))
    return torch.tanh(self.up2(x))


class Discriminator(nn.Module):

  def __init__(self, width: int = 64, channels: int = 1, side: int = 28):
    super().__init__()
    self.conv1 = nn.Conv2d(channels, width, 4, 2, 1)
    self.conv2 = nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False)
    self.bn2 = nn.BatchNorm2d(2 * width)
    self.head = nn.Linear(2 * width * (side // 4) ** 2, 1)
    self.apply(_init)

  def forward(self, x: torch.Tensor) -> torch.Tensor:
    x = F.leaky_relu(self.conv1(x), 0.2)
    x = F.leaky_relu(self.bn2(self.conv2(x)), 0.2)
    return self.head(x.flatten(1))[:, 0]


class Reference:
  """Models, optimisers and the eager training step."""

  def __init__(self, images: np.ndarray, batch_size: int, *, z_dim: int = 100,
               width: int = 64, compile_models: bool = False, seed: int = 0,
               device: str = 'cpu'):
    torch.manual_seed(seed)
    torch.backends.cudnn.benchmark = True
    _, side, _, channels = images.shape
    self.device = torch.device(device)
    # NCHW uint8, held in (device) memory: the fastest input a PyTorch user
    # has.
    self.images = torch.from_numpy(images).permute(0, 3, 1, 2).contiguous().to(
        self.device)
    self.batch_size, self.z_dim = batch_size, z_dim
    self.g = Generator(z_dim, width, channels, side).to(self.device)
    self.d = Discriminator(width, channels, side).to(self.device)
    self.g_opt = torch.optim.Adam(self.g.parameters(), 2e-4, betas=(0.5, 0.999))
    self.d_opt = torch.optim.Adam(self.d.parameters(), 2e-4, betas=(0.5, 0.999))
    self.g_fn = torch.compile(self.g) if compile_models else self.g
    self.d_fn = torch.compile(self.d) if compile_models else self.d

  def real_batch(self) -> torch.Tensor:
    index = torch.randint(0, self.images.shape[0], (self.batch_size,),
                          device=self.device)
    return self.images[index].float() * (2.0 / 255.0) - 1.0

  def step(self) -> tuple[float, float]:
    real = self.real_batch()
    z = torch.randn(self.batch_size, self.z_dim, device=self.device)
    fake = self.g_fn(z)
    d_loss = (F.softplus(-self.d_fn(real)).mean() +
              F.softplus(self.d_fn(fake.detach())).mean())
    self.d_opt.zero_grad(set_to_none=True)
    d_loss.backward()
    self.d_opt.step()
    g_loss = F.softplus(-self.d_fn(fake)).mean()
    self.g_opt.zero_grad(set_to_none=True)
    g_loss.backward()
    self.g_opt.step()
    return d_loss.detach(), g_loss.detach()

  def synchronize(self) -> None:
    """Waits for queued GPU work, so that a timer around steps is honest."""
    if self.device.type == 'cuda':
      torch.cuda.synchronize(self.device)


def _to_torch(array) -> torch.Tensor:
  return torch.from_numpy(np.array(array, dtype=np.float32))


def _copy_batch_norm(bn: nn.Module, params, stats, order=None) -> None:
  pick = (lambda a: a) if order is None else (lambda a: a[order])
  for target, source in ((bn.weight, params['scale']), (bn.bias, params['bias']),
                         (bn.running_mean, stats['mean']),
                         (bn.running_var, stats['var'])):
    target.copy_(_to_torch(pick(np.asarray(source))))


def port_weights(ref: Reference, g_params, d_params, g_stats, d_stats) -> None:
  """Copies gan_jax DCGAN variables (NHWC, HWIO) into the NCHW modules."""
  side, width = ref.g.side, ref.g.width
  with torch.no_grad():
    # G's projection: flax flattens features as (row, col, channel), torch
    # views them as (channel, row, col).
    kernel = np.asarray(g_params['Dense_0']['kernel'])
    order = np.arange(kernel.shape[1]).reshape(side, side, 4 * width)
    order = order.transpose(2, 0, 1).reshape(-1)
    ref.g.project.weight.copy_(_to_torch(kernel[:, order].T))
    _copy_batch_norm(ref.g.bn0, g_params['BatchNorm_0'],
                     g_stats['BatchNorm_0'], order)
    _copy_batch_norm(ref.g.bn1, g_params['BatchNorm_1'], g_stats['BatchNorm_1'])
    # Transposed convs: lax's kernel is applied unflipped over the dilated
    # input, torch's is the gradient of a conv, i.e. flipped; HWIO -> IOHW.
    for conv, name in ((ref.g.up1, 'SubpixelConvTranspose_0'),
                       (ref.g.up2, 'SubpixelConvTranspose_1')):
      k = np.asarray(g_params[name]['kernel'])[::-1, ::-1]
      conv.weight.copy_(_to_torch(k.transpose(2, 3, 0, 1)))
      if conv.bias is not None:
        conv.bias.copy_(_to_torch(g_params[name]['bias']))
    for conv, name in ((ref.d.conv1, 'Conv_0'), (ref.d.conv2, 'Conv_1')):
      conv.weight.copy_(_to_torch(
          np.asarray(d_params[name]['kernel']).transpose(3, 2, 0, 1)))
      if conv.bias is not None:
        conv.bias.copy_(_to_torch(d_params[name]['bias']))
    _copy_batch_norm(ref.d.bn2, d_params['BatchNorm_0'], d_stats['BatchNorm_0'])
    # D's head: flax flattens (row, col, channel), torch (channel, row, col).
    kernel = np.asarray(d_params['Dense_0']['kernel'])[:, 0]
    flat = kernel.reshape(side, side, 2 * width).transpose(2, 0, 1).reshape(-1)
    ref.d.head.weight.copy_(_to_torch(flat[None]))
    ref.d.head.bias.copy_(_to_torch(d_params['Dense_0']['bias']))

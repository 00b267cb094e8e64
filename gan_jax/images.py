"""Image grids, point plots and PNG files, for sample sheets and figures."""
import numpy as np
from etils import epath
from PIL import Image


def to_uint8(images: np.ndarray, value_range: tuple[float, float]) -> np.ndarray:
  """Floats in `value_range` -> uint8 pixels, the dataset's own scale."""
  low, high = value_range
  scaled = (np.asarray(images, np.float32) - low) / (high - low)
  return np.clip(np.round(scaled * 255.0), 0, 255).astype(np.uint8)


def pad_to(images: np.ndarray, size: int) -> np.ndarray:
  """[N, H, W, C] -> [N, size, size, C], centred, padded with 0 (MNIST's
  background), for models that need a power-of-two side; 0 = unchanged."""
  if not size:
    return images
  h, w = images.shape[1:3]
  if size < max(h, w):
    raise ValueError(f'cannot pad {h}x{w} images to {size}x{size}')
  top, left = (size - h) // 2, (size - w) // 2
  return np.pad(images, ((0, 0), (top, size - h - top),
                         (left, size - w - left), (0, 0)))


def center_crop(images: np.ndarray, height: int, width: int) -> np.ndarray:
  """The centre height x width of [N, H, W, C]: undoes `pad_to`."""
  h, w = images.shape[1:3]
  top, left = (h - height) // 2, (w - width) // 2
  return images[:, top:top + height, left:left + width]


def grid(images: np.ndarray, rows: int | None = None, pad: int = 1) -> np.ndarray:
  """[N, H, W, C] uint8 -> one [rows*(H+pad)+pad, cols*(W+pad)+pad, C] sheet."""
  n, h, w, c = images.shape
  rows = rows or int(np.ceil(np.sqrt(n)))
  cols = int(np.ceil(n / rows))
  sheet = np.zeros((rows * (h + pad) + pad, cols * (w + pad) + pad, c),
                   np.uint8)
  for i, image in enumerate(images):
    r, col = divmod(i, cols)
    y, x = pad + r * (h + pad), pad + col * (w + pad)
    sheet[y:y + h, x:x + w] = image
  return sheet


def sheet(samples: np.ndarray) -> np.ndarray:
  """A sample sheet: images as a grid, points of vector data as a plot."""
  return grid(samples) if samples.ndim == 4 else plot_points(samples)


def plot_points(points: np.ndarray, size: int = 256) -> np.ndarray:
  """Float points [N, D] -> uint8 [size, size, 1]: dark where samples fall.

  2-D (or more: the first two coordinates) as a scatter plot, 1-D as a
  histogram. The square spans +-1.1 times the largest |coordinate|, so
  collapsed modes and stray points both stay in view; no plotting library,
  as the training loop draws one per sample step.
  """
  points = np.asarray(points, np.float64)
  bound = 1.1 * max(float(np.abs(points).max(initial=0.0)), 1e-3)
  edges = np.linspace(-bound, bound, size + 1)
  if points.shape[1] == 1:
    counts, _ = np.histogram(points[:, 0], edges)
    heights = np.round(counts / max(counts.max(), 1) * (size - 1)).astype(int)
    filled = np.arange(size)[::-1, None] < heights[None, :]
    return np.where(filled, 0, 255).astype(np.uint8)[..., None]
  counts, _, _ = np.histogram2d(points[:, 1], points[:, 0], [edges, edges])
  shade = np.sqrt(counts / max(counts.max(), 1))  # sparse points stay visible
  image = np.where(counts > 0, 200 * (1 - shade), 255)
  return image[::-1].astype(np.uint8)[..., None]  # y grows upwards


def save_png(path: str | epath.Path, image: np.ndarray) -> None:
  path = epath.Path(path)
  path.parent.mkdir(parents=True, exist_ok=True)
  mode_image = image[..., 0] if image.shape[-1] == 1 else image
  with path.open('wb') as f:
    Image.fromarray(mode_image).save(f, format='PNG')

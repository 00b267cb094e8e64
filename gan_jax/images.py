"""Image grids and PNG files, for sample sheets and figures."""
import numpy as np
from etils import epath
from PIL import Image


def to_uint8(images: np.ndarray, value_range: tuple[float, float]) -> np.ndarray:
  """Floats in `value_range` -> uint8 pixels, the dataset's own scale."""
  low, high = value_range
  scaled = (np.asarray(images, np.float32) - low) / (high - low)
  return np.clip(np.round(scaled * 255.0), 0, 255).astype(np.uint8)


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


def save_png(path: str | epath.Path, image: np.ndarray) -> None:
  path = epath.Path(path)
  path.parent.mkdir(parents=True, exist_ok=True)
  mode_image = image[..., 0] if image.shape[-1] == 1 else image
  with path.open('wb') as f:
    Image.fromarray(mode_image).save(f, format='PNG')

"""Accuracy of an unsupervised code, up to the best relabelling.

An InfoGAN's categorical code learns digit classes in no particular order,
so the code is scored after matching codes to classes one-to-one with the
assignment that agrees most often (the Hungarian method), as Chen et al.
2016 report their 5% error.
"""
import numpy as np
from scipy import optimize


def confusion(codes: np.ndarray, predicted: np.ndarray,
              num_codes: int, num_classes: int) -> np.ndarray:
  """counts[c, k]: how often a sample drawn with code c was called class k."""
  counts = np.zeros((num_codes, num_classes), np.int64)
  np.add.at(counts, (np.asarray(codes), np.asarray(predicted)), 1)
  return counts


def best_assignment_accuracy(counts: np.ndarray) -> tuple[float, list[int]]:
  """(accuracy, class of each code) under the best one-to-one matching."""
  rows, cols = optimize.linear_sum_assignment(counts, maximize=True)
  mapping = [-1] * counts.shape[0]
  for r, c in zip(rows, cols):
    mapping[r] = int(c)
  return float(counts[rows, cols].sum() / counts.sum()), mapping

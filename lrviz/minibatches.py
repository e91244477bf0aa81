"""Which training examples each update of mini-batch training uses.

Mini-batch training shuffles the examples once per epoch and walks through them
`batch_size` at a time; the last batch of an epoch takes what is left. The order is a
pure function of a seed and the number of updates made so far, so a paused, resumed,
rolled back or saved run meets exactly the batches an uninterrupted one would: its
state is two integers, not a random generator's internals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class MiniBatches:
    """The mini-batch order of training on `n_samples` examples, `batch_size` at a time.

    Epoch e visits the examples in the order `np.random.default_rng([seed, e]).permutation`.
    """

    n_samples: int
    batch_size: int
    seed: int
    _epoch_order: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size < self.n_samples:
            raise ValueError(f"A mini-batch holds 1 to {self.n_samples - 1} of the {self.n_samples} examples; "
                             f"got {self.batch_size} (a batch of all of them is the full batch).")

    @property
    def per_epoch(self) -> int:
        """Updates in one pass over the examples."""
        return math.ceil(self.n_samples / self.batch_size)

    def rows(self, update: int) -> np.ndarray:
        """The indices of the examples that update number `update` (counted from 0) averages over."""
        epoch, position = divmod(update, self.per_epoch)
        order = self._epoch_order.get(epoch)
        if order is None:  # one epoch's order is kept: a run walks through them in turn
            order = np.random.default_rng([self.seed, epoch]).permutation(self.n_samples)
            self._epoch_order.clear()
            self._epoch_order[epoch] = order
        return order[position * self.batch_size:(position + 1) * self.batch_size]

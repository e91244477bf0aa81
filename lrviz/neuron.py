"""The neuron's math: activations, cross-entropy from the logits, and its gradient.

Everything is vectorised over a batch of examples (rows). Costs are computed from the
logits z = X w + b, never from the activations, so they never take log(0) and never
overflow, however large z gets.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_softmax, logsumexp
from scipy.special import softmax as _softmax


def sigmoid(z: np.ndarray) -> np.ndarray:
    """a = 1 / (1 + e^-z), computed without overflow for any z."""
    return expit(z)


def softmax(Z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of a (m, K) array of logits; every row sums to 1."""
    return _softmax(Z, axis=1)


def binary_cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    """Mean of -[y log a + (1 - y) log(1 - a)] with a = sigmoid(z), from the logits.

    Uses log(1 + e^z) - y z, which is exact and finite for every finite z.
    """
    z = np.asarray(z, dtype=float)
    return float(np.mean(np.logaddexp(0.0, z) - np.asarray(y, dtype=float) * z))


def softmax_cross_entropy(Z: np.ndarray, y_index: np.ndarray) -> float:
    """Mean of -log softmax(Z)[i, y_i] over the rows, from the logits (log-sum-exp)."""
    Z = np.asarray(Z, dtype=float)
    rows = np.arange(Z.shape[0])
    return float(np.mean(logsumexp(Z, axis=1) - Z[rows, y_index]))


def log_probabilities(Z: np.ndarray) -> np.ndarray:
    """Row-wise log softmax: finite for every finite logit, unlike log(softmax(Z))."""
    return log_softmax(Z, axis=1)


#: Each factor 1 + e^-|z| is at most 2, so a product of 1000 of them stays below 2^1000,
#: far from overflow; its log has a relative rounding error near 1e-13.
_PRODUCT_CHUNK = 1000


class BinaryCrossEntropy:
    """The training objective of one sigmoid neuron: mean cross-entropy + l2/2 ||w||^2.

    Holds the training data in the layout that makes both products fast
    (features x examples, as in the tutorial) and reuses its buffers between
    iterations. `forward` gives the cost at (W, b) and remembers what `backward`
    and `hessian` need, so each iteration computes one exponential and one logarithm
    in all. W has shape (1, n_features), b shape (1,). `subset` is the same objective
    on some of the examples: a mini-batch.
    """

    def __init__(self, X: np.ndarray, y01: np.ndarray, l2: float) -> None:
        self._XT = np.ascontiguousarray(X.T, dtype=float)
        self._y = np.asarray(y01, dtype=float)
        self._sign = 1.0 - 2.0 * self._y  # +1 for y = 0, -1 for y = 1
        self._l2 = float(l2)
        self._m = X.shape[0]
        self._z = np.empty(self._m)
        self._e = np.empty(self._m)
        self._d = np.empty(self._m)
        self._t = np.empty(self._m)
        self._z_nonnegative = np.empty(self._m, dtype=bool)
        self._chunks = np.arange(0, self._m, _PRODUCT_CHUNK)

    def forward(self, W: np.ndarray, b: np.ndarray) -> float:
        """J(W, b). Caches the residual a - y for `backward`."""
        z, e, d, t = self._z, self._e, self._d, self._t
        np.dot(W[0], self._XT, out=z)
        z += b[0]
        # Per example: loss = log(1 + e^z) - y z = max(s z, 0) + log(1 + e^-|z|), s = 1 - 2y.
        np.abs(z, out=e)
        np.negative(e, out=e)
        np.exp(e, out=e)  # e = e^-|z| in (0, 1]: never overflows
        np.add(e, 1.0, out=d)  # d = 1 + e^-|z|
        np.multiply(z, self._sign, out=t)
        np.maximum(t, 0.0, out=t)
        # sum(log d) as the log of products of chunks: one log per chunk, not per example.
        cost = (t.sum() + np.log(np.multiply.reduceat(d, self._chunks)).sum()) / self._m
        # a = 1/d for z >= 0 and e/d for z < 0; the residual a - y is what backward needs.
        np.greater_equal(z, 0.0, out=self._z_nonnegative)
        np.copyto(e, 1.0, where=self._z_nonnegative)
        np.divide(e, d, out=t)
        t -= self._y
        if self._l2:
            cost += 0.5 * self._l2 * float(np.dot(W[0], W[0]))
        return float(cost)

    def backward(self, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """dJ/dW = (a - y) X / m + l2 W and dJ/db = mean(a - y), at the last `forward`."""
        residual = self._t
        dW = np.dot(self._XT, residual)
        dW /= self._m
        if self._l2:
            dW += self._l2 * W[0]
        return dW[np.newaxis, :], np.array([residual.sum() / self._m])

    def hessian(self) -> np.ndarray:
        """The matrix of second derivatives of J at the last `forward`, over (w_1 .. w_n, b).

        H = X~^T diag(a (1 - a)) X~ / m + l2 (on the weights only), X~ = [X, 1]. a (1 - a)
        is computed from the residual r = a - y as |r| (1 - |r|), exact also where a is near 1.
        """
        r = np.abs(self._t)
        s = r * (1.0 - r)
        n = self._XT.shape[0]
        weighted = self._XT * s
        H = np.empty((n + 1, n + 1))
        H[:n, :n] = weighted @ self._XT.T
        H[:n, n] = H[n, :n] = weighted.sum(axis=1)
        H[n, n] = s.sum()
        H /= self._m
        H[np.arange(n), np.arange(n)] += self._l2
        return H

    def subset(self, rows: np.ndarray) -> BinaryCrossEntropy:
        """The same objective (with the same l2) on the examples `rows` only: a mini-batch."""
        return BinaryCrossEntropy(self._XT[:, rows].T, self._y[rows], self._l2)

    def accuracy(self) -> float:
        """Share of training examples on their side of z = 0 (z > 0 means class 1), at the last `forward`."""
        return float(np.mean((self._z > 0) == (self._y == 1)))


class SoftmaxCrossEntropy:
    """The objective of a softmax layer (one neuron per class): mean cross-entropy + l2/2 ||W||^2.

    W has shape (K, n_features), b shape (K,); y holds class indices 0..K-1. Works on
    the logits as a (K, m) array, classes by examples, so that the per-example max and
    sums run over whole rows (fast in NumPy) instead of along short ones. `subset` is the
    same objective on some of the examples: a mini-batch.
    """

    def __init__(self, X: np.ndarray, y_index: np.ndarray, n_classes: int, l2: float) -> None:
        self._XT = np.ascontiguousarray(X.T, dtype=float)
        self._y = np.asarray(y_index, dtype=np.intp)
        self._m = X.shape[0]
        self._Y = np.zeros((n_classes, self._m))
        self._Y[self._y, np.arange(self._m)] = 1.0
        self._l2 = float(l2)
        self._Z = np.empty((n_classes, self._m))
        self._R = np.empty((n_classes, self._m))

    def forward(self, W: np.ndarray, b: np.ndarray) -> float:
        """J(W, b). Caches the residual softmax(Z) - Y for `backward`."""
        Z, R = self._Z, self._R
        np.dot(W, self._XT, out=Z)
        Z += b[:, np.newaxis]
        z_max = Z.max(axis=0)
        np.subtract(Z, z_max, out=R)
        np.exp(R, out=R)  # every exponent <= 0: no overflow
        total = R.sum(axis=0)
        # cost_i = log sum_k e^{z_ki} - z_{y_i, i}
        cost = (np.log(total).sum() + z_max.sum() - np.vdot(self._Y, Z)) / self._m
        R /= total
        R -= self._Y
        if self._l2:
            cost += 0.5 * self._l2 * float(np.vdot(W, W))
        return float(cost)

    def backward(self, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """dJ/dW = (A - Y)^T X / m + l2 W and dJ/db = mean(A - Y), at the last `forward`."""
        dW = np.dot(self._R, self._XT.T)
        dW /= self._m
        if self._l2:
            dW += self._l2 * W
        return dW, self._R.sum(axis=1) / self._m

    def hessian(self) -> np.ndarray:
        """The matrix of second derivatives of J at the last `forward`, over the parameters neuron by
        neuron, each neuron's weights then its bias: shape (K (n + 1), K (n + 1)).

        With X~ = [X, 1] and A the probabilities, the block of neurons k, l is
        X~^T diag(A_k (δ_kl - A_l)) X~ / m, plus l2 on the weights of the diagonal blocks.
        Adding the same number to every bias changes nothing, so H is singular in that
        direction (and where a pixel is always blank and l2 = 0); the gradient has no
        part along it.
        """
        K, m = self._R.shape
        n = self._XT.shape[0]
        A = self._R + self._Y
        XT1 = np.vstack([self._XT, np.ones((1, m))])  # (n + 1, m)
        B = (A[:, np.newaxis, :] * XT1[np.newaxis, :, :]).reshape(K * (n + 1), m)
        H = -(B @ B.T)
        for k in range(K):
            block = slice(k * (n + 1), (k + 1) * (n + 1))
            H[block, block] += B[block] @ XT1.T
        H /= m
        weights = np.arange(K * (n + 1)) % (n + 1) != n
        H[weights, weights] += self._l2
        return H

    def subset(self, rows: np.ndarray) -> SoftmaxCrossEntropy:
        """The same objective (with the same l2) on the examples `rows` only: a mini-batch."""
        return SoftmaxCrossEntropy(self._XT[:, rows].T, self._y[rows], self._Y.shape[0], self._l2)

    def accuracy(self) -> float:
        """Share of training examples whose largest logit is their class, at the last `forward`."""
        return float(np.mean(self._Z.argmax(axis=0) == self._y))

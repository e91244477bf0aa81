"""lrviz: logistic regression as a one-neuron network, from scratch, for teaching.

The core (this package) is plain Python on NumPy and scikit-learn; the Streamlit app
in `app.py` and `pages/` only lays out widgets around it.
"""

from lrviz.canvas import canvas_to_digit
from lrviz.model import DivergenceWarning, LogisticRegressionGD, Snapshot

__all__ = ["DivergenceWarning", "LogisticRegressionGD", "Snapshot", "canvas_to_digit"]

"""The classifier's linear machines, one per class, fitted one after another or in
worker processes (``TextClassifier.fit``'s ``processes``).

This module imports neither Django nor the rest of aduan: a worker process (joblib's
loky, started fresh, not forked from a process holding database connections)
imports only it. The matrices reach the workers as memory maps, not copies.

Machines fitted in worker processes come out exactly as fitted one after another:
each fit seeds liblinear's random numbers from ``seed`` and runs alone in its
process. (Threads would share liblinear's one random state and interleave it.)
"""

import warnings
from collections.abc import Callable, Iterable

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped]
from joblib import Parallel, delayed  # type: ignore[import-untyped]
from sklearn.exceptions import ConvergenceWarning  # type: ignore[import-untyped]
from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

# A negative example (a bounced disposition) weighs this many positive ones in its
# class's problem: a bounce is a person saying outright "not this agency".
NEGATIVE_WEIGHT = 3.0
# The machines' regularisation (scikit-learn's C): chosen on Lapor Gub, flat between
# 0.2 and 1 (bench/triage_laporgub.py).
C = 0.5
# When a machine's fit stops: liblinear's own default tolerance (scikit-learn's is a
# thousand times finer) and at most this many passes over the examples. Finer changed
# no figure on Lapor Gub, but some classes of a 100,000-report history then took
# hundreds of passes (about 17 s each instead of well under one).
TOL = 0.01
MAX_ITER = 50
# Fewer examples than this are fitted in this process whatever ``processes`` says:
# starting the workers (about a second) would cost more than they save.
PROCESSES_FROM = 5000


def machine(
    x: sp.csr_matrix,
    y: np.ndarray,
    x_neg: sp.csr_matrix,
    negative_labels: np.ndarray,
    index: int,
    positive_weight: float,
    seed: int,
) -> tuple[np.ndarray, float]:
    """Class ``index`` against the rest: its examples (``y == index``) weigh
    ``positive_weight``, the others 1, and the texts that bounced from it
    (``negative_labels == index``) NEGATIVE_WEIGHT as examples of the rest."""
    target = (y == index).astype(np.int8)
    if not target.any():
        # Every example of this class is elsewhere (the held-out set).
        return np.zeros(x.shape[1], dtype=np.float32), -10.0
    weight = np.where(target == 1, positive_weight, 1.0)
    data = x
    rows = np.flatnonzero(negative_labels == index)
    if len(rows):
        data = sp.vstack([x, x_neg[rows]], format="csr")
        target = np.concatenate([target, np.zeros(len(rows), dtype=np.int8)])
        weight = np.concatenate([weight, np.full(len(rows), NEGATIVE_WEIGHT)])
    svm = LinearSVC(C=C, tol=TOL, max_iter=MAX_ITER, random_state=seed)
    with warnings.catch_warnings():
        # Stopping at MAX_ITER is intended (see there), not a failure.
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = svm.fit(data, target, sample_weight=weight)
    return fitted.coef_[0].astype(np.float32), float(fitted.intercept_[0])


def fit_all(
    x: sp.csr_matrix,
    y: np.ndarray,
    x_neg: sp.csr_matrix,
    negative_labels: np.ndarray,
    classes: int,
    *,
    seed: int,
    processes: int,
    step: Callable[[], None],
) -> tuple[np.ndarray, np.ndarray]:
    """Every class's machine: the weights (classes, features) and the intercepts.
    ``negative_labels`` holds, for each row of ``x_neg``, the index of the class it
    is not (-1 for none). ``step`` is called once per class, in order."""
    coef = np.zeros((classes, x.shape[1]), dtype=np.float32)
    intercept = np.zeros(classes, dtype=np.float32)
    # A class's examples weigh n / (classes × its count) in its own problem, the
    # others 1 (scikit-learn's "balanced" for one-vs-rest): measured better for
    # the rare classes than balancing each problem on its own.
    counts = np.bincount(y, minlength=classes)
    weights = [len(y) / (classes * int(count)) if count else 1.0 for count in counts]
    # liblinear reads float64: converted once here, not once per class.
    x = x.astype(np.float64)
    x_neg = x_neg.astype(np.float64)
    jobs = (
        delayed(machine)(x, y, x_neg, negative_labels, index, weights[index], seed)
        for index in range(classes)
    )
    results: Iterable[tuple[np.ndarray, float]]
    if processes > 1 and len(y) >= PROCESSES_FROM and classes > 1:
        # Copy-on-write maps: liblinear's wrapper wants writable arrays.
        results = Parallel(n_jobs=min(processes, classes), return_as="generator", mmap_mode="c")(
            jobs
        )
    else:
        results = (function(*args, **kwargs) for function, args, kwargs in jobs)
    for index, (weights_row, bias) in enumerate(results):
        coef[index], intercept[index] = weights_row, bias
        step()
    return coef, intercept

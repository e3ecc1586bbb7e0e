"""The text classifier triage learns with: a category or an agency from a report's text.

Word 1–2-grams of the normalised text (``triage.text``), TF-IDF weighted, one linear
support-vector machine per class (one-vs-rest, so that a bounced disposition can be a
negative example of exactly the agency that bounced it; a rare class's examples
weigh more), and a softmax over the machines' scores whose temperature is fitted on
held-out examples, so that a confidence of 0.8 is right about 80% of the time.
Chosen by measurement (bench/triage_laporgub.py): character n-grams beside the words
changed macro-F1 by less than 0.01 on Lapor Gub and made training about seven times
slower.

A fitted model is kept as bytes signed with the SECRET_KEY: the bytes are a pickle,
and a pickle runs code when read, so bytes that someone without the key wrote into
the database are refused before they are read.
"""

import hashlib
import hmac
import io
import pickle
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp  # type: ignore[import-untyped]
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from scipy.optimize import minimize_scalar  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from aduan.lib.errors import InvalidInput
from aduan.triage import machines
from aduan.triage import text as triage_text

_SALT = "aduan.triage.model"
# The format: 1 signed a pickle holding the version and the pickled state; 2 signs
# the version and the state side by side (read without copying the state).
_MAGIC = b"ADUANTC2"
_DIGEST_SIZE = 32  # SHA-256

# Share of the examples held out to fit the confidence's temperature; the model is
# then fitted again on everything.
CALIBRATION_SHARE = 0.2
# Fewer examples than this: no held-out set worth the name; temperature 1.
CALIBRATION_MINIMUM = 40
WORDS_SHOWN = 5
MIN_DF_FROM = 50


@dataclass(frozen=True, slots=True)
class Scored:
    label: str  # a class: a category code, an agency code, …
    confidence: float  # calibrated probability in [0, 1]
    words: tuple[str, ...]  # up to 5 words of the text that weighed most for it


def _split(text: str) -> list[str]:
    return text.split()


class _Features:
    """Text to the model's features: words and word pairs, each TF-IDF weighted
    (sublinear term frequency), side by side."""

    def __init__(self, *, examples: int) -> None:
        # Pairs seen once are noise in a large history, but a tiny one may have
        # nothing seen twice.
        min_df = 2 if examples >= MIN_DF_FROM else 1
        self.words = TfidfVectorizer(
            analyzer=_split,
            sublinear_tf=True,
            min_df=1,
            dtype=np.float32,
        )
        self.bigrams: TfidfVectorizer | None = TfidfVectorizer(
            tokenizer=_split,
            token_pattern=None,
            lowercase=False,
            ngram_range=(2, 2),
            sublinear_tf=True,
            min_df=min_df,
            dtype=np.float32,
        )

    def fit_transform(self, normalised: Sequence[str]) -> sp.csr_matrix:
        return self._stack(
            self.words.fit_transform(normalised), self._bigrams(normalised, fit=True)
        )

    def transform(self, normalised: Sequence[str]) -> sp.csr_matrix:
        if not normalised:
            return sp.csr_matrix((0, self.width), dtype=np.float32)
        return self._stack(self.words.transform(normalised), self._bigrams(normalised, fit=False))

    def _bigrams(self, normalised: Sequence[str], *, fit: bool) -> sp.csr_matrix:
        if fit and self.bigrams is not None:
            try:
                return self.bigrams.fit_transform(normalised)
            except ValueError:  # no bigram seen twice (tiny data)
                self.bigrams = None
        if self.bigrams is None:
            return sp.csr_matrix((len(normalised), 0), dtype=np.float32)
        return self.bigrams.transform(normalised)

    @staticmethod
    def _stack(*parts: sp.csr_matrix) -> sp.csr_matrix:
        return sp.hstack(parts, format="csr", dtype=np.float32)

    @property
    def width(self) -> int:
        bigrams = 0 if self.bigrams is None else len(self.bigrams.vocabulary_)
        return len(self.words.vocabulary_) + bigrams

    @property
    def word_count(self) -> int:
        return len(self.words.vocabulary_)

    def fitted(self) -> list[TfidfVectorizer]:
        return [self.words] + ([self.bigrams] if self.bigrams is not None else [])

    def word_index(self) -> dict[str, int]:
        return dict(self.words.vocabulary_)


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    result: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
    return result


def _temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The temperature that makes softmax(scores / T) best predict ``truth`` (least
    log-loss): one number, so it cannot over-fit a small held-out set."""

    def loss(log_t: float) -> float:
        probabilities = _softmax(scores / np.exp(log_t))
        picked = probabilities[np.arange(len(truth)), truth]
        return float(-np.log(np.clip(picked, 1e-12, None)).mean())

    result = minimize_scalar(loss, bounds=(-5.0, 3.0), method="bounded")
    return float(np.exp(result.x))


class TextClassifier:
    labels: tuple[str, ...]
    version: str  # content hash of the fitted model (hex, 12+ chars)

    def __init__(
        self,
        *,
        features: _Features,
        labels: tuple[str, ...],
        coef: np.ndarray,
        intercept: np.ndarray,
        temperature: float,
    ) -> None:
        self._features = features
        self.labels = labels
        # (features, classes), each feature's row contiguous: a text's few features
        # then read only their rows. (With the weights as (classes, features),
        # ``x @ coef.T`` made scipy copy the whole matrix at every call: 20 ms and
        # the model's size again for the 84 categories of the demo history.)
        self._weights = np.ascontiguousarray(coef.T, dtype=np.float32)
        self._intercept = intercept
        self._temperature = temperature
        self._word_count = features.word_count
        self.version = ""

    # -- fitting --------------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        negatives: Sequence[tuple[str, str]] = (),  # (text, a label it is NOT)
        progress: Callable[[int, int], None] | None = None,  # (done, total) steps
        seed: int = 0,
        temperature: float | None = None,
        processes: int = 1,
    ) -> "TextClassifier":
        """The model of ``texts`` and their ``labels``. Its confidence's temperature is
        ``temperature`` when given (from ``temperature_on`` of a model fitted on
        earlier examples: one fit instead of two); otherwise fitted on a held-out
        share of the examples, the machines then fitted again on all. With
        ``processes`` above 1 a large history's machines are fitted in that many
        worker processes (the same model, sooner: see ``machines``)."""
        if not texts or len(texts) != len(labels):
            raise InvalidInput(
                _("Tidak ada teks untuk melatih model, atau jumlah teks dan labelnya berbeda."),
                code="no_texts",
            )
        if temperature is not None and not (np.isfinite(temperature) and temperature > 0):
            raise ValueError(f"temperature must be a positive number, not {temperature!r}")
        classes = tuple(sorted(set(labels)))
        if len(classes) < 2:
            raise InvalidInput(
                _("Model perlu contoh dari paling sedikit dua kelas."), code="single_class"
            )
        normalised = [triage_text.normalise(text) for text in texts]
        known = set(classes)
        negative_pairs = [
            (triage_text.normalise(text), label) for text, label in negatives if label in known
        ]
        position = {label: index for index, label in enumerate(classes)}
        y = np.array([position[label] for label in labels])
        rng = np.random.default_rng(seed)
        calibrate = temperature is None and len(texts) >= CALIBRATION_MINIMUM
        total = len(classes) * (2 if calibrate else 1) + 2
        done = 0

        def step() -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, total)

        # The words are counted once, on every text: which words exist says nothing
        # of the labels, so the held-out set stays unseen by the machines.
        features = _Features(examples=len(texts))
        x = features.fit_transform(normalised)
        x_neg = features.transform([text for text, _label in negative_pairs])
        temperature = 1.0 if temperature is None else float(temperature)
        if calibrate:
            held = rng.random(len(texts)) < CALIBRATION_SHARE
            if held.all() or not held.any():
                held[:] = False
                held[0] = True
            train_idx = np.flatnonzero(~held)
            held_idx = np.flatnonzero(held)
            coef, intercept = cls._fit_machines(
                x[train_idx], y[train_idx], x_neg, negative_pairs, classes, seed, step, processes
            )
            scores = np.asarray(x[held_idx] @ coef.T) + intercept
            temperature = _temperature(scores, y[held_idx])
        step()
        coef, intercept = cls._fit_machines(
            x, y, x_neg, negative_pairs, classes, seed, step, processes
        )
        model = cls(
            features=features,
            labels=classes,
            coef=coef,
            intercept=intercept,
            temperature=temperature,
        )
        model.version = model.fingerprint()
        step()
        return model

    @staticmethod
    def _fit_machines(
        x: sp.csr_matrix,
        y: np.ndarray,
        x_neg: sp.csr_matrix,
        negative_pairs: Sequence[tuple[str, str]],
        classes: tuple[str, ...],
        seed: int,
        step: Callable[[], None],
        processes: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        position = {label: index for index, label in enumerate(classes)}
        negative_labels = np.array(
            [position.get(label, -1) for _text, label in negative_pairs], dtype=np.int64
        )
        return machines.fit_all(
            x, y, x_neg, negative_labels, len(classes), seed=seed, processes=processes, step=step
        )

    def temperature_on(self, texts: Sequence[str], labels: Sequence[str]) -> float:
        """The temperature that calibrates this model's confidences on examples it
        was not fitted on (those of a label it does not know are left out; 1.0 when
        none is left): for ``fit(temperature=…)`` of the next model."""
        index = {label: position for position, label in enumerate(self.labels)}
        known = [
            (text, index[label])
            for text, label in zip(texts, labels, strict=True)
            if label in index
        ]
        if not known:
            return 1.0
        x = self._features.transform([triage_text.normalise(text) for text, _label in known])
        scores = (np.asarray(x @ self._weights) + self._intercept).astype(np.float64)
        return _temperature(scores, np.array([label for _text, label in known]))

    # -- predicting -----------------------------------------------------------------

    def _probabilities(self, x: sp.csr_matrix, keep: np.ndarray | None = None) -> np.ndarray:
        """Each class's confidence; with ``keep``, among the kept classes only (the
        softmax over them: the same as renormalising, without losing the small
        ones to rounding)."""
        scores = (np.asarray(x @ self._weights) + self._intercept).astype(np.float64)
        scores /= self._temperature
        if keep is not None:
            scores[:, ~keep] = -np.inf
        return _softmax(scores)

    def top(self, text: str, *, k: int = 3, excluded: Collection[str] = ()) -> list[Scored]:
        """The ``k`` likeliest classes, likeliest first. A class in ``excluded`` (an
        agency that already bounced the report) is left out and the others'
        confidences are those given that it is not one of them."""
        return self._top_many([text], k=k, excluded=excluded, words=True)[0]

    def top_many(
        self, texts: Sequence[str], *, k: int = 3, words: bool = True
    ) -> list[list[Scored]]:
        """``top`` of each text; ``words=False`` leaves the words that weighed out
        (no ``Scored.words``): a check of thousands of texts needs only the labels,
        and finding the words is most of the time of ranking."""
        return self._top_many(texts, k=k, excluded=(), words=words)

    def _top_many(
        self, texts: Sequence[str], *, k: int, excluded: Collection[str], words: bool
    ) -> list[list[Scored]]:
        if not texts:
            return []
        token_lists = [triage_text.tokens(text) for text in texts]
        x = self._features.transform([" ".join(t.stem for t in tokens) for tokens in token_lists])
        keep = np.array([label not in excluded for label in self.labels])
        if not keep.any():
            return [[] for _text in texts]
        probabilities = self._probabilities(x, keep)
        results: list[list[Scored]] = []
        for row, tokens in enumerate(token_lists):
            ranked = np.argsort(-probabilities[row], kind="stable")
            order = [int(index) for index in ranked if keep[index]][:k]
            results.append(
                [
                    Scored(
                        self.labels[index],
                        float(probabilities[row, index]),
                        self._words(x[row], index, tokens) if words else (),
                    )
                    for index in order
                ]
            )
        return results

    def _words(
        self, row: sp.csr_matrix, index: int, tokens: list[triage_text.Token]
    ) -> tuple[str, ...]:
        """The words of the text whose single-word features add most to the class's
        score, as the text wrote them."""
        columns = row.indices[row.indices < self._word_count]
        if not len(columns):
            return ()
        values = row.data[row.indices < self._word_count]
        weights = values * self._weights[columns, index]
        vocabulary = self._vocabulary_by_index()
        written: dict[str, str] = {}
        for token in tokens:
            written.setdefault(token.stem, token.written)
        chosen: list[str] = []
        for position in np.argsort(-weights, kind="stable"):
            if weights[position] <= 0 or len(chosen) == WORDS_SHOWN:
                break
            stemmed = vocabulary[int(columns[position])]
            if stemmed in triage_text.PLACEHOLDERS:
                continue
            chosen.append(written.get(stemmed, stemmed))
        return tuple(chosen)

    def _vocabulary_by_index(self) -> list[str]:
        cached: list[str] | None = getattr(self, "_by_index", None)
        if cached is None:
            cached = [""] * self._word_count
            for word, column in self._features.word_index().items():
                cached[column] = word
            self._by_index = cached
        return cached

    # -- storing --------------------------------------------------------------------

    def fingerprint(self) -> str:
        """The version: a hash of what the model knows (classes, temperature, weights,
        vocabularies and their weights), the same for the same history and seed in
        any process. (Not of the pickled bytes: scikit-learn keeps the address of an
        object in a vectorizer, which differs from process to process.)"""
        digest = hashlib.sha256()
        digest.update(repr((self.labels, float(self._temperature))).encode())
        digest.update(np.ascontiguousarray(self._intercept, dtype=np.float32).tobytes())
        digest.update(self._weights.tobytes())
        for vectorizer in self._features.fitted():
            digest.update(repr(sorted(vectorizer.vocabulary_.items())).encode())
            digest.update(np.ascontiguousarray(vectorizer.idf_, dtype=np.float64).tobytes())
        return digest.hexdigest()[:16]

    def _payload(self) -> bytes:
        state = {
            "features": self._features,
            "labels": self.labels,
            # Kept as (classes, features), as stored from the first version: the
            # transposed view pickles without a copy and loads back contiguous.
            "coef": self._weights.T,
            "intercept": self._intercept,
            "temperature": self._temperature,
        }
        buffer = io.BytesIO()
        pickle.dump(state, buffer, protocol=pickle.HIGHEST_PROTOCOL)
        return buffer.getvalue()

    def to_bytes(self) -> bytes:
        """The magic, the signature, the version (ASCII, one byte of length first)
        and the pickled state. The signature covers the version and the state."""
        version = self.version.encode("ascii")
        body = bytes([len(version)]) + version + self._payload()
        signature = salted_hmac(_SALT, body, algorithm="sha256").digest()
        return _MAGIC + signature + body

    @classmethod
    def from_bytes(cls, data: bytes | memoryview) -> "TextClassifier":
        """The model ``to_bytes`` wrote, read without a copy of the bytes: a process
        that loads the 20 MB of the demo's category model then keeps about that,
        not the 70 MB three transient copies used to leave behind."""
        view = memoryview(data)
        head = len(_MAGIC) + _DIGEST_SIZE
        if len(view) <= head or bytes(view[: len(_MAGIC)]) != _MAGIC:
            raise ValueError("not a signed triage model of this release")
        mac = salted_hmac(_SALT, b"", algorithm="sha256")
        mac.update(view[head:])
        if not hmac.compare_digest(bytes(view[len(_MAGIC) : head]), mac.digest()):
            raise ValueError("the triage model's signature does not match")
        length = view[head]
        version = bytes(view[head + 1 : head + 1 + length]).decode("ascii")
        state: dict[str, Any] = pickle.loads(view[head + 1 + length :])  # noqa: S301 - signed
        model = cls(
            features=state["features"],
            labels=state["labels"],
            coef=state["coef"],
            intercept=state["intercept"],
            temperature=state["temperature"],
        )
        model.version = version
        return model

    def memory_bytes(self) -> int:
        """About what the fitted model holds in memory: its weights and vocabularies."""
        return len(self._payload())

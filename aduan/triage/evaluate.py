"""Honest figures for the triage classifier (``python -m aduan triage_evaluate``).

Examples come from a CSV file or from the system's own verified history. With a
time, the model learns from the earliest 80% and is tested on the latest 20%, as it
would be used: on reports that come after what it learned from. Without one,
stratified 5-fold cross-validation with a fixed seed. Either way a test text that is
the same as, or nearly the same as, a training text is left out of the test (a
complaint sent twice would otherwise be scored as learned), and how many were left
out is said.

Figures: accuracy, macro-F1 (every class counts the same: what the rare categories
get), weighted-F1, top-3 accuracy, coverage and accuracy above a few confidence
thresholds, per-class F1 and the most confused pairs; the first four with 95%
bootstrap intervals over the test predictions.
"""

import codecs
import csv
import math
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _
from sklearn.feature_extraction.text import CountVectorizer  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]
from sklearn.preprocessing import normalize  # type: ignore[import-untyped]

from aduan.lib.errors import InvalidInput
from aduan.triage import text as triage_text
from aduan.triage.classifier import Scored, TextClassifier

TEST_SHARE = 0.2
FOLDS = 5
SEED = 0
THRESHOLDS = (0.5, 0.7, 0.9)
BOOTSTRAP = 1000
# Two texts whose sets of words and word pairs (normalised) have a cosine at least
# this high are the same complaint written twice (a word or two changed).
NEAR_DUPLICATE = 0.9
CONFUSED_PAIRS = 10
_CHUNK = 256


class EvaluationError(Exception):
    """What makes the examples unusable, in one line for the person who gave them."""


@dataclass(slots=True)
class Examples:
    texts: list[str]
    labels: list[str]
    times: list[float] | None = None
    time_kind: str = ""  # "numbers", "dates" or "" (no time)
    negatives: list[tuple[str, str]] = field(default_factory=list)
    negative_times: list[float] = field(default_factory=list)
    skipped: int = 0  # rows without a text or a label


# -- reading a CSV ------------------------------------------------------------------


def _time_value(raw: str) -> tuple[str, float] | None:
    """("numbers", n) or ("dates", POSIX seconds) for a cell, None if neither."""
    value = raw.strip()
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        if math.isfinite(number):
            return "numbers", number
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value), datetime.min.time())
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return "dates", moment.timestamp()


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EvaluationError(_("Berkas %(path)s tidak ada.") % {"path": path}) from None
    except OSError as error:
        raise EvaluationError(
            _("Berkas %(path)s tidak dapat dibaca: %(error)s.")
            % {"path": path, "error": error.strerror or error}
        ) from None
    head = raw[:65536]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        # UTF-16 without a mark: text in Latin letters has a zero byte every other byte.
        len(head) >= 4
        and (head[1::2].count(0) > len(head) // 4 or head[::2].count(0) > len(head) // 4)
    ):
        raise EvaluationError(
            _("Berkas %(path)s berkode UTF-16; simpan ulang sebagai CSV UTF-8.") % {"path": path}
        )
    if b"\x00" in head:
        raise EvaluationError(
            _("Berkas %(path)s bukan berkas CSV (berisi data biner).") % {"path": path}
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise EvaluationError(
            _(
                "Berkas %(path)s bukan teks UTF-8 (bita tidak sah di posisi %(position)s); "
                "simpan ulang sebagai CSV UTF-8."
            )
            % {"path": path, "position": error.start}
        ) from None
    if not text.strip():
        raise EvaluationError(_("Berkas %(path)s kosong.") % {"path": path})
    return text


def _other_delimiter(header: str, delimiter: str) -> str | None:
    for candidate in (",", ";", "\t", "|"):
        if candidate != delimiter and candidate in header:
            return candidate
    return None


def _delimiter_name(delimiter: str) -> str:
    return {"\t": "tab", " ": "spasi"}.get(delimiter, delimiter)


def examples_from_csv(
    path: Path,
    *,
    text_column: str,
    label_column: str,
    time_column: str | None = None,
    delimiter: str = ",",
) -> Examples:
    """The examples in a CSV file (UTF-8, with or without a byte-order mark); an
    EvaluationError naming the problem when the file cannot be used."""
    if len(delimiter) != 1:
        raise EvaluationError(_("Pemisah kolom harus satu karakter."))
    content = _read_text(path)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    lines = content.splitlines(keepends=True)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as error:
        raise EvaluationError(
            _("Berkas %(path)s bukan CSV yang dapat dibaca: %(error)s.")
            % {"path": path, "error": error}
        ) from None
    header = [name.strip() for name in header]
    wanted = [text_column, label_column] + ([time_column] if time_column else [])
    missing = [name for name in wanted if name not in header]
    if missing:
        other = _other_delimiter(lines[0], delimiter) if len(header) == 1 else None
        if other is not None:
            raise EvaluationError(
                _(
                    "Baris judul hanya berisi satu kolom dengan pemisah '%(delimiter)s'; "
                    "berkas ini tampaknya memakai '%(other)s' (pakai --delimiter)."
                )
                % {"delimiter": _delimiter_name(delimiter), "other": _delimiter_name(other)}
            )
        raise EvaluationError(
            _("Kolom %(missing)s tidak ada; kolom yang ada: %(columns)s.")
            % {
                "missing": ", ".join(f"'{name}'" for name in missing),
                "columns": ", ".join(f"'{name}'" for name in header) or "-",
            }
        )
    text_at, label_at = header.index(text_column), header.index(label_column)
    time_at = header.index(time_column) if time_column else None
    examples = Examples(texts=[], labels=[], times=[] if time_column else None)
    kinds: set[str] = set()
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num
            if len(row) != len(header):
                raise EvaluationError(
                    _(
                        "Baris %(line)s berisi %(found)s kolom, padahal judulnya %(expected)s "
                        "(pemisah '%(delimiter)s' salah, atau tanda kutip tidak ditutup?)."
                    )
                    % {
                        "line": line,
                        "found": len(row),
                        "expected": len(header),
                        "delimiter": _delimiter_name(delimiter),
                    }
                )
            text, label = row[text_at].strip(), row[label_at].strip()
            if not text or not label:
                examples.skipped += 1
                continue
            if time_at is not None and examples.times is not None:
                parsed = _time_value(row[time_at])
                if parsed is None:
                    raise EvaluationError(
                        _(
                            "Baris %(line)s: '%(value)s' di kolom '%(column)s' bukan angka "
                            "maupun tanggal ISO (2025-01-31)."
                        )
                        % {"line": line, "value": row[time_at][:40], "column": time_column}
                    )
                kinds.add(parsed[0])
                examples.times.append(parsed[1])
            examples.texts.append(text)
            examples.labels.append(label)
    except csv.Error as error:
        raise EvaluationError(
            _("Berkas %(path)s bukan CSV yang dapat dibaca (baris %(line)s: %(error)s).")
            % {"path": path, "line": reader.line_num, "error": error}
        ) from None
    if len(kinds) > 1:
        raise EvaluationError(
            _("Kolom '%(column)s' mencampur angka dan tanggal; pakai salah satu.")
            % {"column": time_column}
        )
    examples.time_kind = kinds.pop() if kinds else ""
    check_examples(examples)
    return examples


def check_examples(examples: Examples) -> None:
    if not examples.texts:
        raise EvaluationError(_("Tidak ada baris yang berisi teks dan label."))
    classes = Counter(examples.labels)
    if len(classes) < 2:
        raise EvaluationError(
            _("Semua label sama ('%(label)s'): perlu paling sedikit dua kelas.")
            % {"label": next(iter(classes))[:60]}
        )


def history_examples_for(target: str) -> Examples:
    """The verified history's examples for ``target`` ("category" or "agency"),
    timed by submission."""
    from aduan.triage.training import history_examples

    history = history_examples(target=target)
    examples = Examples(
        texts=list(history.texts),
        labels=list(history.labels),
        times=[moment.timestamp() for moment in history.times],
        time_kind="dates",
        negatives=list(history.negatives),
        negative_times=[moment.timestamp() for moment in history.negative_times],
    )
    if len(examples.texts) < 2 or len(set(examples.labels)) < 2:
        raise EvaluationError(
            _("Riwayat laporan terverifikasi terlalu sedikit untuk dinilai (%(target)s: %(n)s).")
            % {"target": target, "n": len(examples.texts)}
        )
    return examples


# -- duplicates across the split ----------------------------------------------------


def duplicates_of_training(train: Sequence[str], test: Sequence[str]) -> np.ndarray:
    """For each test text (normalised), whether it is the same as a training text or
    nearly (cosine of their sets of words and word pairs ≥ NEAR_DUPLICATE)."""
    found = np.zeros(len(test), dtype=bool)
    if not train or not test:
        return found
    seen = set(train)
    for index, text in enumerate(test):
        found[index] = text in seen
    vectorizer = CountVectorizer(
        tokenizer=str.split, token_pattern=None, lowercase=False, ngram_range=(1, 2), binary=True
    )
    try:
        train_sets = normalize(vectorizer.fit_transform(train).astype(np.float32))
    except ValueError:  # every training text is empty
        return found
    test_sets = normalize(vectorizer.transform(test).astype(np.float32))
    for start in range(0, len(test), _CHUNK):
        chunk = test_sets[start : start + _CHUNK] @ train_sets.T
        if chunk.nnz:
            best = chunk.max(axis=1).toarray().ravel()
            found[start : start + len(best)] |= best >= NEAR_DUPLICATE - 1e-6
    return found


# -- the figures --------------------------------------------------------------------


@dataclass(slots=True)
class Prediction:
    truth: str
    ranked: list[Scored]


def _confusion(truth: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    return np.bincount(truth * classes + predicted, minlength=classes * classes).reshape(
        classes, classes
    )


def _f1s(confusion: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-class F1 and support, and which classes count (present in the truth or
    the predictions, as scikit-learn's f1_score counts them)."""
    true_positive = np.diag(confusion).astype(float)
    support = confusion.sum(axis=1).astype(float)
    predicted = confusion.sum(axis=0).astype(float)
    denominator = support + predicted
    f1 = np.divide(
        2 * true_positive, denominator, out=np.zeros_like(true_positive), where=denominator > 0
    )
    return f1, support


def _scores(
    truth: np.ndarray, predicted: np.ndarray, top3: np.ndarray, classes: int
) -> dict[str, float]:
    confusion = _confusion(truth, predicted, classes)
    f1, support = _f1s(confusion)
    counted = (support + confusion.sum(axis=0)) > 0
    return {
        "accuracy": float((truth == predicted).mean()),
        "macro_f1": float(f1[counted].mean()) if counted.any() else 0.0,
        "weighted_f1": float((f1 * support).sum() / support.sum()),
        "top3_accuracy": float(top3.mean()),
    }


def figures(
    predictions: Sequence[Prediction],
    *,
    thresholds: Sequence[float] = THRESHOLDS,
    bootstrap: int = BOOTSTRAP,
    seed: int = SEED,
) -> dict[str, Any]:
    """Every figure of the evaluation from the test predictions."""
    names = sorted({p.truth for p in predictions} | {p.ranked[0].label for p in predictions})
    index = {name: position for position, name in enumerate(names)}
    truth = np.array([index[p.truth] for p in predictions])
    predicted = np.array([index[p.ranked[0].label] for p in predictions])
    top3 = np.array([p.truth in {s.label for s in p.ranked[:3]} for p in predictions])
    confidence = np.array([p.ranked[0].confidence for p in predictions])
    result: dict[str, Any] = _scores(truth, predicted, top3, len(names))

    rng = np.random.default_rng(seed)
    samples: dict[str, list[float]] = {name: [] for name in result}
    for _round in range(bootstrap):
        picked = rng.integers(0, len(truth), len(truth))
        for name, value in _scores(
            truth[picked], predicted[picked], top3[picked], len(names)
        ).items():
            samples[name].append(value)
    result["intervals"] = {
        name: [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))]
        for name, values in samples.items()
        if values
    }

    correct = truth == predicted
    result["thresholds"] = [
        {
            "threshold": threshold,
            "coverage": float((confidence >= threshold).mean()),
            "accuracy": float(correct[confidence >= threshold].mean())
            if (confidence >= threshold).any()
            else None,
        }
        for threshold in thresholds
    ]
    confusion = _confusion(truth, predicted, len(names))
    f1, support = _f1s(confusion)
    result["per_class"] = {
        name: {"f1": float(f1[position]), "support": int(support[position])}
        for position, name in enumerate(names)
    }
    pairs = [
        (int(confusion[t, p]), names[t], names[p])
        for t in range(len(names))
        for p in range(len(names))
        if t != p and confusion[t, p]
    ]
    pairs.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
    result["confused"] = [
        {"truth": t, "predicted": p, "count": count} for count, t, p in pairs[:CONFUSED_PAIRS]
    ]
    return result


# -- the evaluation -----------------------------------------------------------------


@dataclass(slots=True)
class Split:
    train: np.ndarray
    test: np.ndarray


def _time_split(examples: Examples) -> list[Split]:
    assert examples.times is not None
    order = np.argsort(np.array(examples.times), kind="stable")
    cut = round(len(order) * (1 - TEST_SHARE))
    if cut == 0 or cut == len(order):
        raise EvaluationError(_("Terlalu sedikit contoh untuk dibagi menurut waktu."))
    return [Split(np.sort(order[:cut]), np.sort(order[cut:]))]


def _fold_splits(examples: Examples, *, seed: int) -> tuple[list[Split], list[str]]:
    """Stratified folds; the examples of a class with fewer than FOLDS examples are
    in the training of every fold and never tested (named in the result)."""
    counts = Counter(examples.labels)
    rare = sorted(label for label, count in counts.items() if count < FOLDS)
    labels = np.array(examples.labels)
    always = np.flatnonzero(np.isin(labels, rare))
    folded = np.flatnonzero(~np.isin(labels, rare))
    if len(set(labels[folded])) < 2:
        raise EvaluationError(
            _("Terlalu sedikit contoh: perlu dua kelas dengan paling sedikit %(folds)s contoh.")
            % {"folds": FOLDS}
        )
    splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    splits = [
        Split(np.sort(np.concatenate([folded[train], always])), folded[test])
        for train, test in splitter.split(folded, labels[folded])
    ]
    return splits, rare


def evaluate(
    examples: Examples,
    *,
    by_time: bool,
    seed: int = SEED,
    bootstrap: int = BOOTSTRAP,
    progress: Callable[[int, int], None] | None = None,
    fit: Callable[..., TextClassifier] = TextClassifier.fit,
) -> dict[str, Any]:
    """Trains and tests as the module says; the figures, and how they were made."""
    check_examples(examples)
    rare: list[str] = []
    if by_time:
        splits = _time_split(examples)
    else:
        splits, rare = _fold_splits(examples, seed=seed)
    normalised = [triage_text.normalise(text) for text in examples.texts]
    predictions: list[Prediction] = []
    removed = n_train = n_test = 0
    total_steps = 0
    done_before = 0

    def fold_progress(done: int, total: int) -> None:
        nonlocal total_steps
        total_steps = total * len(splits)
        if progress is not None:
            progress(done_before + done, total_steps)

    for split in splits:
        duplicate = duplicates_of_training(
            [normalised[i] for i in split.train], [normalised[i] for i in split.test]
        )
        removed += int(duplicate.sum())
        test = split.test[~duplicate]
        negatives = examples.negatives
        if by_time and examples.times is not None and examples.negative_times:
            last = max(examples.times[i] for i in split.train)
            negatives = [
                pair
                for pair, moment in zip(examples.negatives, examples.negative_times, strict=True)
                if moment <= last
            ]
        try:
            model = fit(
                [examples.texts[i] for i in split.train],
                [examples.labels[i] for i in split.train],
                negatives=negatives,
                progress=fold_progress,
                seed=seed,
                processes=settings.TRIAGE_TRAIN_PROCESSES,
            )
        except InvalidInput as error:
            raise EvaluationError(
                _("Data latih tidak dapat dipakai: %(error)s") % {"error": error.message}
            ) from None
        done_before += total_steps // len(splits)
        # The labels only: the words that weighed are for people, not for figures.
        ranked = model.top_many([examples.texts[i] for i in test], k=3, words=False)
        predictions += [
            Prediction(examples.labels[i], scored) for i, scored in zip(test, ranked, strict=True)
        ]
        n_train += len(split.train)
        n_test += len(test)
    if not predictions:
        raise EvaluationError(_("Setelah duplikat dibuang, tidak ada contoh uji yang tersisa."))
    result = figures(predictions, bootstrap=bootstrap, seed=seed)
    result.update(
        {
            "method": "time" if by_time else "cross_validation",
            "time_kind": examples.time_kind if by_time else "",
            "folds": 1 if by_time else FOLDS,
            "n_examples": len(examples.texts),
            "n_train": n_train // len(splits) if not by_time else n_train,
            "n_test": n_test,
            "duplicates_removed": removed,
            "untested_classes": rare,
            "skipped_rows": examples.skipped,
            "n_negatives": len(examples.negatives),
        }
    )
    return result


# -- the report ---------------------------------------------------------------------


def _interval(result: dict[str, Any], name: str) -> str:
    low, high = result["intervals"].get(name, [math.nan, math.nan])
    return f"{result[name]:.3f}  [{low:.3f}–{high:.3f}]"


def evaluation_text(result: dict[str, Any], *, title: str = "") -> str:
    """The figures as a person reads them."""
    lines = [title] if title else []
    if result["method"] == "time":
        kind = _("angka") if result["time_kind"] == "numbers" else _("tanggal")
        lines.append(
            _("Dibagi menurut waktu (%(kind)s): latih 80%% terawal, uji 20%% terakhir.")
            % {"kind": kind}
        )
    else:
        lines.append(
            _("Validasi silang bertingkat %(folds)s lipatan (seed %(seed)s).")
            % {"folds": result["folds"], "seed": SEED}
        )
    lines.append(
        _(
            "Contoh: %(n)s; latih: %(train)s; uji: %(test)s; duplikat lintas pembagian "
            "dibuang: %(removed)s; baris tanpa teks atau label: %(skipped)s."
        )
        % {
            "n": result["n_examples"],
            "train": result["n_train"],
            "test": result["n_test"],
            "removed": result["duplicates_removed"],
            "skipped": result["skipped_rows"],
        }
    )
    if result["untested_classes"]:
        lines.append(
            _("Kelas dengan kurang dari %(folds)s contoh (hanya dilatih, tidak diuji): %(names)s.")
            % {"folds": FOLDS, "names": ", ".join(result["untested_classes"])}
        )
    lines.append(_("Angka dengan selang kepercayaan 95% (bootstrap):"))
    for name, label in (
        ("accuracy", _("akurasi")),
        ("macro_f1", "macro-F1"),
        ("weighted_f1", "weighted-F1"),
        ("top3_accuracy", _("akurasi 3 teratas")),
    ):
        lines.append(f"  {label:<20} {_interval(result, name)}")
    lines.append(_("Cakupan dan akurasi di atas ambang keyakinan:"))
    for row in result["thresholds"]:
        accuracy = "-" if row["accuracy"] is None else f"{row['accuracy']:.3f}"
        lines.append(
            f"  ≥ {row['threshold']:.2f}  "
            + _("cakupan %(coverage)s, akurasi %(accuracy)s")
            % {"coverage": f"{row['coverage']:.3f}", "accuracy": accuracy}
        )
    lines.append(_("F1 per kelas (jumlah contoh uji):"))
    width = max((len(name) for name in result["per_class"]), default=0)
    for name, row in sorted(result["per_class"].items(), key=lambda item: -item[1]["support"]):
        lines.append(f"  {name:<{width}}  {row['f1']:.3f}  ({row['support']})")
    if result["confused"]:
        lines.append(_("Pasangan yang paling sering tertukar (benar → ditebak):"))
        for row in result["confused"]:
            lines.append(f"  {row['count']:>5}  {row['truth']} → {row['predicted']}")
    return "\n".join(lines) + "\n"

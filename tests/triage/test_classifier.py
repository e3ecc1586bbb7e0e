"""The text classifier on complaints the test writes: four kinds of complaint, each
with its own words and words they all share, so that a model that learned nothing
fails and one that learned gets nearly all right."""

import math
import random
import re

import pytest
from django.test import override_settings

from aduan.lib.errors import InvalidInput
from aduan.reports.tracking import tracking_number_new
from aduan.triage import machines
from aduan.triage import text as triage_text
from aduan.triage.classifier import Scored, TextClassifier

VOCABULARY = {
    "jalan": ["jalan", "berlubang", "aspal", "retak", "jembatan", "trotoar", "tambal"],
    "sampah": ["sampah", "menumpuk", "busuk", "tong", "truk", "bau", "pembuangan"],
    "listrik": ["listrik", "padam", "tiang", "kabel", "meteran", "gardu", "tegangan"],
    "sekolah": ["sekolah", "guru", "murid", "seragam", "pungutan", "ujian", "kelas"],
}
SHARED = ["warga", "mohon", "segera", "ditindaklanjuti", "kampung", "desa", "pak", "sudah"]


def complaint(label: str, rng: random.Random) -> str:
    words = rng.sample(VOCABULARY[label], 3) + rng.sample(SHARED, 4)
    rng.shuffle(words)
    return " ".join(words).capitalize() + "."


def corpus(count: int, seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    labels = [rng.choice(sorted(VOCABULARY)) for _ in range(count)]
    return [complaint(label, rng) for label in labels], labels


@pytest.fixture(scope="module")
def model() -> TextClassifier:
    texts, labels = corpus(400, seed=1)
    return TextClassifier.fit(texts, labels)


def test_it_learns_the_kinds_of_complaint(model: TextClassifier) -> None:
    texts, labels = corpus(200, seed=2)
    ranked = model.top_many(texts, k=3)
    right = sum(scored[0].label == label for scored, label in zip(ranked, labels, strict=True))
    assert right / len(labels) >= 0.95
    assert model.labels == ("jalan", "listrik", "sampah", "sekolah")


def test_it_ranks_with_calibrated_confidences(model: TextClassifier) -> None:
    everything = model.top("Aspal retak dan jembatan rusak di desa kami", k=4)
    assert everything[0].label == "jalan"
    confidences = [scored.confidence for scored in everything]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= confidence <= 1.0 for confidence in confidences)
    assert sum(confidences) == pytest.approx(1.0, abs=1e-5)
    assert everything[0].confidence > 0.8
    # A text with none of the kinds' words is no more than a guess.
    unsure = model.top("warga kampung mohon segera", k=1)[0]
    assert unsure.confidence < 0.6


def test_it_shows_the_words_that_weighed_as_the_text_wrote_them(model: TextClassifier) -> None:
    best = model.top("Jalannya BERLUBANG besar, aspal retak, mohon segera", k=1)[0]
    assert best.label == "jalan"
    assert 1 <= len(best.words) <= 5
    # "berlubang" is read as its stem "lubang" but shown as written (lower case).
    assert "berlubang" in best.words
    assert "aspal" in best.words
    assert all(word in "jalannya berlubang besar, aspal retak, mohon segera" for word in best.words)
    # The kinds' shared words weigh for no kind.
    assert "mohon" not in best.words


def test_top_many_answers_as_top_does(model: TextClassifier) -> None:
    texts = ["sampah menumpuk dan bau busuk", "guru meminta pungutan ujian", ""]
    many = model.top_many(texts, k=2)
    assert many == [model.top(text, k=2) for text in texts]
    assert all(len(scored) == 2 for scored in many)
    assert model.top_many([], k=3) == []
    # Without the words (a check of many texts): the same ranking and confidences.
    bare = model.top_many(texts, k=2, words=False)
    assert [[(s.label, s.confidence) for s in row] for row in bare] == [
        [(s.label, s.confidence) for s in row] for row in many
    ]
    assert all(s.words == () for row in bare for s in row)
    assert any(s.words for row in many for s in row)


def test_excluded_classes_are_left_out_and_the_rest_renormalised(model: TextClassifier) -> None:
    text = "tiang listrik roboh menimpa aspal jalan yang retak"
    assert model.top(text, k=1)[0].label in ("listrik", "jalan")
    ranked = model.top(text, k=4, excluded={"listrik", "pemadam"})
    assert [scored.label for scored in ranked].count("listrik") == 0
    assert len(ranked) == 3
    assert sum(scored.confidence for scored in ranked) == pytest.approx(1.0, abs=1e-5)
    full = {scored.label: scored.confidence for scored in model.top(text, k=4)}
    rest = 1 - full["listrik"]
    for scored in ranked:
        assert scored.confidence == pytest.approx(full[scored.label] / rest, rel=1e-3)
    assert model.top(text, excluded=model.labels) == []


def test_negatives_move_the_score_of_the_class_they_are_not() -> None:
    texts, labels = corpus(300, seed=3)
    # Cables and poles on a road: more of the "listrik" words than of the "jalan"
    # ones, so the model learned from the corpus alone reads it as "listrik".
    ambiguous = "kabel tiang gardu di jalan aspal"
    plain = TextClassifier.fit(texts, labels)

    def confidence(model: TextClassifier, text: str, label: str) -> float:
        return next(s.confidence for s in model.top(text, k=4) if s.label == label)

    assert plain.top(ambiguous, k=1)[0].label == "listrik"
    assert confidence(plain, ambiguous, "listrik") > 0.5
    # The history says three times that such a report is not for "listrik" (a
    # bounced disposition).
    negatives = [
        ("kabel tiang menjuntai di jalan", "listrik"),
        ("tiang dan kabel roboh menutup jalan", "listrik"),
        ("kabel tiang gardu melintang di jalan", "listrik"),
    ]
    taught = TextClassifier.fit(texts, labels, negatives=negatives)
    assert confidence(taught, ambiguous, "listrik") < confidence(plain, ambiguous, "listrik") - 0.3
    assert taught.top(ambiguous, k=1)[0].label == "jalan"
    assert taught.version != plain.version
    # Only what is like the negatives moves: a plain power cut is still "listrik".
    power_cut = "listrik padam lagi, meteran dan tegangan di gardu bermasalah"
    assert taught.top(power_cut, k=1)[0].label == "listrik"
    assert confidence(taught, power_cut, "listrik") > 0.8
    # A negative for a class never seen is no error and changes nothing.
    unknown = TextClassifier.fit(texts, labels, negatives=[("kabel", "pemadam")])
    assert unknown.version == plain.version


def test_fitting_is_repeatable_and_versioned() -> None:
    texts, labels = corpus(120, seed=4)
    first = TextClassifier.fit(texts, labels, seed=7)
    again = TextClassifier.fit(texts, labels, seed=7)
    other = TextClassifier.fit(texts[:-1], labels[:-1], seed=7)
    assert re.fullmatch(r"[0-9a-f]{12,}", first.version)
    assert first.version == again.version
    assert first.version != other.version
    # What scikit-learn keeps of the process (an object's address, which differs
    # in another process) is not part of the version; what the model knows is.
    for vectorizer in first._features.fitted():
        vectorizer._stop_words_id = -1
    assert first.fingerprint() == first.version
    first._weights[0, 0] += 1.0
    assert first.fingerprint() != first.version


def test_machines_fitted_in_worker_processes_are_the_same_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A large history's machines are fitted in worker processes; here a small one
    # is (the threshold lowered), with negatives, and must come out the same.
    monkeypatch.setattr(machines, "PROCESSES_FROM", 1)
    texts, labels = corpus(200, seed=8)
    negatives = [("kabel tiang di jalan", "listrik"), ("sampah di saluran", "air")]
    alone = TextClassifier.fit(texts, labels, negatives=negatives, seed=3)
    steps: list[int] = []
    side_by_side = TextClassifier.fit(
        texts,
        labels,
        negatives=negatives,
        seed=3,
        processes=2,
        progress=lambda done, _total: steps.append(done),
    )
    assert side_by_side.version == alone.version
    assert steps == list(range(1, len(steps) + 1))


def test_fitting_reports_progress() -> None:
    texts, labels = corpus(120, seed=5)
    seen: list[tuple[int, int]] = []
    TextClassifier.fit(texts, labels, progress=lambda done, total: seen.append((done, total)))
    assert seen
    totals = {total for _done, total in seen}
    assert len(totals) == 1
    assert [done for done, _total in seen] == list(range(1, totals.pop() + 1))


def noisy_corpus(count: int, seed: int) -> tuple[list[str], list[str]]:
    """The corpus with a fifth of the labels wrong: a model is then sure of none."""
    texts, labels = corpus(count, seed)
    rng = random.Random(seed + 100)
    return texts, [rng.choice(sorted(VOCABULARY)) if rng.random() < 0.2 else x for x in labels]


def log_loss(model: TextClassifier, texts: list[str], labels: list[str]) -> float:
    total = 0.0
    for text, label in zip(texts, labels, strict=True):
        confidence = {s.label: s.confidence for s in model.top(text, k=len(model.labels))}
        total -= math.log(max(confidence[label], 1e-12))
    return total / len(texts)


def test_a_temperature_from_later_reports_calibrates_the_next_model() -> None:
    texts, labels = noisy_corpus(300, seed=6)
    later_texts, later_labels = noisy_corpus(150, seed=7)
    earlier = TextClassifier.fit(texts, labels)
    temperature = earlier.temperature_on(later_texts, later_labels)
    assert 0 < temperature < 100
    steps: list[int] = []
    given = TextClassifier.fit(
        texts, labels, temperature=temperature, progress=lambda done, total: steps.append(total)
    )
    # One set of machines (one per class) instead of two, and the same machines as
    # the model that calibrated itself: the same ranking.
    assert set(steps) == {len(VOCABULARY) + 2}
    for text in later_texts[:20]:
        assert [s.label for s in given.top(text, k=4)] == [s.label for s in earlier.top(text, k=4)]
    # The temperature is the one that predicts the later reports best.
    others = [
        TextClassifier.fit(texts, labels, temperature=temperature * factor) for factor in (0.3, 3)
    ]
    best = log_loss(given, later_texts, later_labels)
    assert all(best < log_loss(other, later_texts, later_labels) for other in others)
    assert given.version not in {other.version for other in others}
    # Labels the model does not know say nothing of its confidence.
    assert earlier.temperature_on(["kabel putus"], ["pemadam"]) == 1.0
    assert earlier.temperature_on(
        [*later_texts, "kabel putus"], [*later_labels, "pemadam"]
    ) == pytest.approx(temperature)


@pytest.mark.parametrize("temperature", [0.0, -1.0, math.nan, math.inf])
def test_a_temperature_that_is_no_temperature_is_refused(temperature: float) -> None:
    texts, labels = corpus(60, seed=8)
    with pytest.raises(ValueError, match="temperature"):
        TextClassifier.fit(texts, labels, temperature=temperature)


@pytest.mark.parametrize(
    ("texts", "labels"),
    [([], []), (["jalan rusak", "sampah"], ["jalan", "jalan"]), (["jalan"], ["a", "b"])],
)
def test_fitting_refuses_what_it_cannot_learn_from(texts: list[str], labels: list[str]) -> None:
    with pytest.raises(InvalidInput) as caught:
        TextClassifier.fit(texts, labels)
    assert str(caught.value.message)


def test_a_tiny_history_still_fits() -> None:
    model = TextClassifier.fit(["jalan berlubang", "sampah menumpuk"], ["jalan", "sampah"])
    assert model.top("jalan aspal berlubang", k=1)[0].label == "jalan"


def test_the_bytes_come_back_as_the_same_model(model: TextClassifier) -> None:
    data = model.to_bytes()
    back = TextClassifier.from_bytes(data)
    assert back.version == model.version
    # As PostgreSQL hands it back (a memoryview), the same.
    assert TextClassifier.from_bytes(memoryview(data)).version == model.version
    assert back.labels == model.labels
    text = "meteran listrik rusak dan tegangan turun"
    assert back.top(text, k=3) == model.top(text, k=3)
    assert isinstance(back.top(text, k=1)[0], Scored)


def test_bytes_not_signed_with_the_key_are_refused(model: TextClassifier) -> None:
    data = model.to_bytes()
    changed = bytearray(data)
    changed[-10] ^= 0xFF
    with pytest.raises(ValueError, match="signature"):
        TextClassifier.from_bytes(bytes(changed))
    # The version is signed with the state: another version's name is refused.
    renamed = bytearray(data)
    renamed[len(b"ADUANTC2") + 32 + 1] ^= 0x01
    with pytest.raises(ValueError, match="signature"):
        TextClassifier.from_bytes(memoryview(renamed))
    # The first release's format (a pickle inside a pickle) is not read.
    with pytest.raises(ValueError, match="not a signed triage model"):
        TextClassifier.from_bytes(b"ADUANTC1" + data[8:])
    with pytest.raises(ValueError, match="not a signed triage model"):
        TextClassifier.from_bytes(b"")
    with pytest.raises(ValueError, match="not a signed triage model"):
        TextClassifier.from_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")
    with override_settings(SECRET_KEY="someone-else's-key-" * 3):
        with pytest.raises(ValueError, match="signature"):
            TextClassifier.from_bytes(data)
        resigned = model.to_bytes()
    with pytest.raises(ValueError, match="signature"):
        TextClassifier.from_bytes(resigned)


def test_the_text_is_read_without_what_identifies_nobody() -> None:
    number = tracking_number_new()
    text = (
        f"Jln. Kartini No. 12 berlubang! Hubungi 0812-3456-7890 atau budi@contoh.id, "
        f"foto di https://contoh.id/foto?x=1, laporan {number[:4]} {number[4:8]} {number[8:]}, "
        "Rp 1.500.000 sejak 2024, P3K tidak ada, RT01"
    )
    normalised = triage_text.normalise(text)
    words = normalised.split()
    assert words[:2] == ["jalan", "kartini"]
    assert "lubang" in words
    for token in (triage_text.PHONE, triage_text.EMAIL, triage_text.URL, triage_text.TRACKING):
        assert words.count(token) == 1
    assert "p3k" in words and "rt" in words
    assert not re.search(r"\d{3}", normalised.replace("p3k", ""))
    assert "budi" not in words and "contoh" not in words
    # Stop words go ("di", "atau", "sejak").
    assert not {"di", "atau", "sejak"} & set(words)


def test_text_already_stemmed_reads_the_same() -> None:
    stemmed = "lampu jalan argopeni wonosobo arah kalibeber mati sambar petir salur drainase"
    assert triage_text.normalise(stemmed) == stemmed
    raw = "Saluran drainase di jalan desa tersumbat dan meluap ke rumah-rumah warga"
    once = triage_text.normalise(raw)
    assert triage_text.normalise(once) == once


def test_tokens_keep_the_written_word() -> None:
    tokens = triage_text.tokens("Jembatannya PERSIMPANGAN berlubang")
    assert [(t.stem, t.written) for t in tokens] == [
        ("jembatan", "jembatannya"),
        ("simpang", "persimpangan"),
        ("lubang", "berlubang"),
    ]

"""``python -m aduan triage_evaluate`` (issue 20, Build 6) on CSV files the tests
write, with figures known in advance: a data set whose classes share no word is
learned perfectly; the time split trains on the earliest 80% by the time column, not
by the file's order; texts the training already holds, exactly or nearly, are left
out of the test and counted; a file it cannot use gets one line naming the problem
and a non-zero exit, never a traceback."""

import csv
import json
import random
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.reports.conftest import Cast, cast
from tests.triage.history import history_make

__all__ = ["cast"]

# Three kinds of complaint with no word in common: a model that learned anything
# gets every one right.
VOCABULARY = {
    "jalan": ["aspal", "lubang", "trotoar", "jembatan", "retak", "tambal", "marka", "rambu"],
    "sampah": ["sampah", "tong", "truk", "busuk", "lalat", "plastik", "limbah", "kompos"],
    "listrik": ["listrik", "padam", "tiang", "kabel", "meteran", "gardu", "trafo", "token"],
}
KEYS = ("accuracy", "macro_f1", "weighted_f1", "top3_accuracy", "n_train", "n_test")


def separable(per_label: int, seed: int) -> list[tuple[str, str]]:
    """``per_label`` (text, label) pairs of each kind, every text a different set of
    five of its kind's words, so that no two are near-duplicates (two sets of five
    share at most four words: a cosine of at most 0.67 over words and word pairs)."""
    rng = random.Random(seed)
    rows = []
    for label, words in VOCABULARY.items():
        chosen: set[frozenset[str]] = set()
        while len(chosen) < per_label:
            chosen.add(frozenset(rng.sample(words, 5)))
        for text_words in sorted(chosen, key=sorted):
            ordered = sorted(text_words)
            rng.shuffle(ordered)
            rows.append((" ".join(ordered), label))
    rng.shuffle(rows)
    return rows


def write_csv(
    path: Path, header: list[str], rows: list[list[Any]], *, delimiter: str = ","
) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def evaluate_json(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("triage_evaluate", *args, "--json", "--no-progress", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_it_learns_separable_classes_perfectly_in_five_folds(tmp_path: Path) -> None:
    rows = separable(20, seed=1)
    data = write_csv(tmp_path / "pisah.csv", ["teks", "kategori"], [[t, c] for t, c in rows])

    result = evaluate_json(
        "--data", str(data), "--text-column", "teks", "--label-column", "kategori"
    )

    assert set(KEYS) <= set(result)
    assert result["method"] == "cross_validation"
    assert result["accuracy"] == 1.0
    assert result["macro_f1"] == 1.0
    assert result["weighted_f1"] == 1.0
    assert result["top3_accuracy"] == 1.0
    # Five folds of 60: each trains on 48; every example is tested once.
    assert result["n_train"] == 48
    assert result["n_test"] == 60
    assert result["duplicates_removed"] == 0
    assert {name: row["support"] for name, row in result["per_class"].items()} == {
        "jalan": 20,
        "sampah": 20,
        "listrik": 20,
    }
    assert result["confused"] == []
    assert result["thresholds"][0]["accuracy"] in (1.0, None)


def test_the_time_split_trains_on_the_earliest_and_drops_what_training_holds(
    tmp_path: Path,
) -> None:
    rows = separable(19, seed=2)  # 57 examples
    # The latest ten by id are all "sampah" and "listrik"; the file lists the rows
    # newest first, so a split by the file's order would test other rows.
    late = [row for row in rows if row[1] != "jalan"][:10]
    early = [row for row in rows if row not in late]
    # Two complaints sent again later: one word for word, one with a word added
    # (the same complaint nearly: a cosine of 0.95 over words and word pairs).
    long_text = (
        "aspal jalan desa lubang dalam sepanjang jembatan trotoar retak "
        "marka hilang rambu roboh tambal belum"
    )
    early.append((long_text, "jalan"))
    late.append((early[0][0], early[0][1]))
    late.append((long_text + " parah", "jalan"))
    ordered = early + late
    table = [[index + 1, text, label] for index, (text, label) in enumerate(ordered)]
    data = write_csv(tmp_path / "waktu.csv", ["id", "text", "category"], table[::-1])
    # 60 examples: the earliest 48 learn, the latest 12 (``late``) are tested.
    assert len(early) == 48 and len(late) == 12

    result = evaluate_json(
        "--data",
        str(data),
        "--text-column",
        "text",
        "--label-column",
        "category",
        "--time-column",
        "id",
    )

    assert result["method"] == "time"
    assert result["time_kind"] == "numbers"
    assert result["n_train"] == 48
    assert result["duplicates_removed"] == 2
    assert result["n_test"] == 10
    supports = {name: row["support"] for name, row in result["per_class"].items()}
    assert supports == {
        "sampah": sum(label == "sampah" for _text, label in late[:10]),
        "listrik": sum(label == "listrik" for _text, label in late[:10]),
    }
    assert result["accuracy"] == 1.0
    assert result["macro_f1"] == 1.0


def test_the_time_column_may_hold_dates_and_the_text_report_says_so(tmp_path: Path) -> None:
    rows = separable(10, seed=3)
    table = [
        [f"2025-{1 + index // 28:02d}-{1 + index % 28:02d}", text, label]
        for index, (text, label) in enumerate(rows)
    ]
    data = write_csv(tmp_path / "tanggal.csv", ["tanggal", "isi", "jenis"], table)
    out = StringIO()

    call_command(
        "triage_evaluate",
        "--data",
        str(data),
        "--text-column",
        "isi",
        "--label-column",
        "jenis",
        "--time-column",
        "tanggal",
        "--no-progress",
        stdout=out,
    )

    text = out.getvalue()
    assert "menurut waktu (tanggal)" in text
    assert "latih: 24; uji: 6;" in text
    assert re.search(r"macro-F1 +1\.000 ", text)


def test_a_semicolon_file_is_read_with_its_delimiter(tmp_path: Path) -> None:
    rows = [[text, label] for text, label in separable(10, seed=4)]
    data = write_csv(tmp_path / "titik-koma.csv", ["text", "label"], rows, delimiter=";")

    result = evaluate_json(
        "--data",
        str(data),
        "--text-column",
        "text",
        "--label-column",
        "label",
        "--delimiter",
        ";",
    )

    assert result["n_test"] == 30 and result["macro_f1"] == 1.0


def _unusable(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.csv"
    rows = [[text, label] for text, label in separable(6, seed=5)]
    if kind == "missing_column":
        write_csv(path, ["text", "kelas"], rows)
    elif kind == "wrong_delimiter":
        write_csv(path, ["text", "category"], rows, delimiter=";")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "header_only":
        write_csv(path, ["text", "category"], [])
    elif kind == "single_class":
        write_csv(path, ["text", "category"], [[text, "jalan"] for text, _label in rows])
    elif kind == "utf16":
        path.write_text("text,category\naspal lubang,jalan\nsampah busuk,sampah\n", "utf-16")
    elif kind == "random_bytes":
        path.write_bytes(bytes(random.Random(6).randrange(128, 256) for _ in range(4000)))
    elif kind == "latin1":
        path.write_bytes(
            "text,category\ntrotoar rusak café,jalan\nsampah,sampah\n".encode("cp1252")
        )
    elif kind == "not_there":
        pass
    return path


UNUSABLE = {
    "missing_column": "Kolom 'category' tidak ada; kolom yang ada: 'text', 'kelas'.",
    "wrong_delimiter": "tampaknya memakai ';' (pakai --delimiter)",
    "empty": "kosong",
    "header_only": "Tidak ada baris yang berisi teks dan label.",
    "single_class": "Semua label sama ('jalan')",
    "utf16": "UTF-16",
    "random_bytes": "bukan teks UTF-8",
    "latin1": "bukan teks UTF-8",
    "not_there": "tidak ada",
}


@pytest.mark.parametrize("kind", sorted(UNUSABLE))
def test_a_file_it_cannot_use_gets_one_line_naming_the_problem(tmp_path: Path, kind: str) -> None:
    path = _unusable(tmp_path, kind)

    with pytest.raises(CommandError) as caught:
        evaluate_json("--data", str(path), "--text-column", "text", "--label-column", "category")

    message = str(caught.value)
    assert UNUSABLE[kind] in message
    assert "\n" not in message
    assert caught.value.returncode != 0


def test_the_command_line_exits_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    path = _unusable(tmp_path, "missing_column")
    command = [sys.executable, "-m", "aduan", "triage_evaluate", "--data", str(path)]
    done = subprocess.run(  # noqa: S603
        [*command, "--text-column", "text", "--label-column", "category", "--json"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=300,
        check=False,
    )

    assert done.returncode == 2
    assert done.stdout == ""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "Kolom 'category' tidak ada" in lines[0]


def test_data_needs_its_columns_named(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "a.csv", ["text", "category"], [["aspal", "jalan"]])
    with pytest.raises(CommandError, match="--text-column dan --label-column"):
        evaluate_json("--data", str(data))


@pytest.mark.django_db
def test_the_history_is_evaluated_by_time_for_category_and_agency(cast: Cast) -> None:
    history_make(cast, per_topic=12)  # 36 verified reports, a day apart

    result = evaluate_json("--history")

    assert set(result) == {"category", "agency"}
    for figures in result.values():
        assert set(KEYS) <= set(figures)
        assert figures["method"] == "time" and figures["time_kind"] == "dates"
        assert figures["n_train"] == 29
        assert figures["n_test"] + figures["duplicates_removed"] == 7
        assert figures["n_test"] >= 1
        assert 0.0 <= figures["accuracy"] <= 1.0
    # Three topics that share no words: what is tested is learned.
    assert result["category"]["accuracy"] == 1.0
    assert set(result["category"]["per_class"]) <= {
        "infrastruktur.jalan",
        "kesehatan.bpjs",
        "listrik.pemadaman",
    }


@pytest.mark.django_db
def test_too_little_history_is_said_in_one_line(cast: Cast) -> None:
    with pytest.raises(CommandError, match="terlalu sedikit") as caught:
        evaluate_json("--history")
    assert "\n" not in str(caught.value)

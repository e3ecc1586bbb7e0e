"""The index of every region name, as people write them, for reading places from text.

Built once per process (and again when the regions change) from one query of the
region table: each name becomes a *key* — its words lower-cased, without
punctuation, joined with nothing — so "Suka Maju", "Sukamaju" and "suka-maju" are one
key, and a text's run of words is looked up by joining them the same way. Regencies and
cities are keyed without "Kabupaten"/"Kota" (the reader knows those words as prefixes);
names with a slash or a bracket ("Konda/Kondaga", "Misool (Misool Utara)") are keyed by
each form; a few spellings people use for provinces and large cities ("Jabar",
"Jogja", "Jkt") are keyed too."""

import bisect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

import numpy as np
from django.db.models import Count, Max, Sum
from django.db.models.functions import Length
from numpy.typing import NDArray

from aduan.lib.memo import reference_memo
from aduan.regions.models import Region

# Levels as small numbers: the count of dots in the code.
PROVINCE, REGENCY, DISTRICT, VILLAGE = 0, 1, 2, 3

# Letters and digits make words; an apostrophe inside a word is dropped ("Hu'u"), a
# hyphen joins ("Toli-Toli" is the key "tolitoli" either way).
WORD = re.compile(r"[^\W_]+(?:['’`-][^\W_]+)*")
_INNER = re.compile(r"['’`-]")

# Abbreviations inside region names ("Gn. Bintang Awai", "Kep. Masaloka Raya"),
# spelled out in names and in texts alike.
NAME_ABBREVIATIONS = {
    "gn": "gunung",
    "kep": "kepulauan",
    "kp": "kampung",
    "kpg": "kampung",
    "sp": "simpang",
    "lbk": "lubuk",
    "tj": "tanjung",
    "tg": "tanjung",
    "tjg": "tanjung",
    "kel": "kelurahan",
}

_REGENCY_PREFIXES = ("kabupaten administrasi ", "kota administrasi ", "kabupaten ", "kota ")

# Other ways of writing a region, keyed to a key of the index (a province's name, a
# city's name): SMS shorthand and the provinces' common short names.
ALIASES = {
    "jabar": "jawabarat",
    "jateng": "jawatengah",
    "jatim": "jawatimur",
    "dki": "daerahkhususibukotajakarta",
    "dkijakarta": "daerahkhususibukotajakarta",
    "jakarta": "daerahkhususibukotajakarta",
    "jkt": "daerahkhususibukotajakarta",
    "diy": "daerahistimewayogyakarta",
    "jogja": "yogyakarta",
    "jogjakarta": "yogyakarta",
    "yogya": "yogyakarta",
    "ntb": "nusatenggarabarat",
    "ntt": "nusatenggaratimur",
    "sumut": "sumaterautara",
    "sumbar": "sumaterabarat",
    "sumsel": "sumateraselatan",
    "sumatra utara": "sumaterautara",
    "kalbar": "kalimantanbarat",
    "kalteng": "kalimantantengah",
    "kalsel": "kalimantanselatan",
    "kaltim": "kalimantantimur",
    "kaltara": "kalimantanutara",
    "sulut": "sulawesiutara",
    "sulteng": "sulawesitengah",
    "sulsel": "sulawesiselatan",
    "sultra": "sulawesitenggara",
    "sulbar": "sulawesibarat",
    "babel": "kepulauanbangkabelitung",
    "kepri": "kepulauanriau",
    "malut": "malukuutara",
    "jaksel": "jakartaselatan",
    "jakbar": "jakartabarat",
    "jaktim": "jakartatimur",
    "jakut": "jakartautara",
    "jakpus": "jakartapusat",
    "bdg": "bandung",
    "sby": "surabaya",
    "smg": "semarang",
    "crb": "cirebon",
    "mks": "makassar",
    "plg": "palembang",
    "mdn": "medan",
}

FUZZY_SHORTEST = 5  # shorter names are too near each other to forgive a typo

ALIAS_KEYS = frozenset(alias.replace(" ", "") for alias in ALIASES)

# Regency and city names that are also everyday words of a complaint ("batang pohon",
# "batu", "buru-buru", "medan jalan", "puncak"): read only with something else that
# supports them (a prefix, a district of theirs, a hint). Villages and districts are
# judged by the dictionary instead (``is_common``).
COMMON_REGENCY_KEYS = frozenset(
    {
        "batu", "batang", "buru", "palu", "puncak", "medan", "banjar", "metro", "landak",
        "tual", "belu", "lingga", "lebak", "agam", "sigi", "paser", "tapin", "malaka",
        "bintan", "sabang", "solok", "poso",
    }
)  # fmt: skip


_PLAIN = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, abbreviations of names spelled out."""
    found = _PLAIN.findall(_INNER.sub("", text.lower()))
    return [NAME_ABBREVIATIONS.get(word, word) for word in found]


def key(text: str) -> str:
    return "".join(words(text))


def name_keys(name: str, level: int) -> set[str]:
    """Every key a region's name is found by."""
    lowered = name.lower()
    if level == REGENCY:
        for prefix in _REGENCY_PREFIXES:
            if lowered.startswith(prefix):
                lowered = lowered[len(prefix) :]
                break
    if "(" not in lowered and "/" not in lowered:
        return {key(lowered)}
    forms = {lowered}
    if "(" in lowered:
        outside = re.sub(r"\(.*?\)", " ", lowered)
        inside = re.findall(r"\((.*?)\)", lowered)
        forms = {outside, *inside}
    if "/" in lowered:
        forms = {part for form in forms for part in form.split("/")}
    return {found for found in (key(form) for form in forms) if found}


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """All regions by position: ``codes[i]``, ``names[i]``, ``levels[i]`` and the
    centroid ``latitudes[i]``/``longitudes[i]`` (NaN when unknown); ``keys`` maps a
    key to the positions of the regions it names (``codes`` is sorted: a code's
    position is found by bisection, ``position``); ``upper_keys`` the keys of
    provinces, regencies and districts that a prefixed name with one letter wrong is
    compared with (``near_keys``)."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    levels: bytes
    latitudes: NDArray[np.float64]
    longitudes: NDArray[np.float64]
    keys: dict[str, tuple[int, ...]]
    upper_keys: dict[tuple[str, int], tuple[str, ...]]  # by first letter and length
    longest: int  # the most words a key was made of
    common_words: frozenset[str]  # root words and stop words
    stop_words: frozenset[str]
    # The villages with a centroid by cell of GRID_DEGREES: (row, column) → positions.
    village_cells: dict[tuple[int, int], NDArray[np.int64]]

    def position(self, code: str) -> int | None:
        at = bisect.bisect_left(self.codes, code)
        return at if at < len(self.codes) and self.codes[at] == code else None

    def near_keys(self, found: str) -> list[str]:
        """The province, regency and district keys one letter from ``found`` (with
        the same first letter: a typo seldom starts the word)."""
        return [
            known
            for size in (len(found) - 1, len(found), len(found) + 1)
            for known in self.upper_keys.get((found[:1], size), ())
            if one_edit_apart(found, known)
        ]

    def is_common(self, run: list[str], level: int) -> bool:
        """Whether a name (its words) is an everyday word or phrase of a complaint
        ("baru", "tengah", "alun alun", "pasar baru"), or too short to tell."""
        found = "".join(run)
        if found in ALIAS_KEYS:
            return False
        if len(found) <= 3:
            return True
        if level <= REGENCY:
            return found in COMMON_REGENCY_KEYS
        return all(word in self.common_words for word in run)


def one_edit_apart(a: str, b: str) -> bool:
    """Whether one letter added, dropped or changed turns ``a`` into ``b``."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    at = 0
    while at < len(a) and a[at] == b[at]:
        at += 1
    if len(a) == len(b):
        return a[at + 1 :] == b[at + 1 :]
    return a[at:] == b[at + 1 :]


GRID_DEGREES = 0.25  # about 28 km: a point's own cell and its 8 neighbours hold 25 km


def grid_cell(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude / GRID_DEGREES), math.floor(longitude / GRID_DEGREES)


def _village_cells(
    levels: NDArray[np.uint8], latitudes: NDArray[np.float64], longitudes: NDArray[np.float64]
) -> dict[tuple[int, int], NDArray[np.int64]]:
    cells: dict[tuple[int, int], list[int]] = {}
    located = (levels == VILLAGE) & ~np.isnan(latitudes) & ~np.isnan(longitudes)
    for position in np.flatnonzero(located).tolist():
        cell = grid_cell(float(latitudes[position]), float(longitudes[position]))
        cells.setdefault(cell, []).append(position)
    return {cell: np.array(positions, dtype=np.int64) for cell, positions in cells.items()}


def _by_start_and_length(found_keys: set[str]) -> dict[tuple[str, int], tuple[str, ...]]:
    grouped: dict[tuple[str, int], list[str]] = {}
    for found in sorted(found_keys):
        if len(found) >= FUZZY_SHORTEST:
            grouped.setdefault((found[0], len(found)), []).append(found)
    return {group: tuple(found) for group, found in grouped.items()}


def _common_words() -> tuple[frozenset[str], frozenset[str]]:
    """Indonesian root words and stop words (Sastrawi's lists, shipped with the
    stemmer the search already uses)."""
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import (  # type: ignore[import-untyped]
        StopWordRemoverFactory,
    )

    data = resources.files("Sastrawi.Stemmer").joinpath("data", "kata-dasar.txt")
    roots = frozenset(
        word for word in (line.strip() for line in data.read_text("utf-8").splitlines()) if word
    )
    return roots, frozenset(StopWordRemoverFactory().get_stop_words())


Row = tuple[str, str, float | None, float | None]


def gazetteer_build() -> Gazetteer:
    """The index, from one query (in chunks: a smaller peak of memory)."""
    rows = Region.objects.order_by("code").values_list("code", "name", "latitude", "longitude")
    index = _index(rows.iterator(chunk_size=10_000))
    if index is None:  # the database's collation orders codes otherwise than Python
        index = _index(iter(sorted(rows)))
    assert index is not None
    return index


def _index(region_rows: Iterator[Row]) -> Gazetteer | None:
    """The index of rows sorted by code; None if they are not (the index finds a
    code by bisection)."""
    region_codes: list[str] = []
    names: list[str] = []
    levels = bytearray()
    latitudes: list[float] = []
    longitudes: list[float] = []
    keyed: dict[str, list[int]] = {}
    upper: set[str] = set()  # the keys of provinces, regencies and districts
    longest = 1
    for position, (code, name, latitude, longitude) in enumerate(region_rows):
        if region_codes and code <= region_codes[-1]:
            return None
        level = code.count(".")
        region_codes.append(code)
        names.append(name)
        levels.append(level)
        latitudes.append(np.nan if latitude is None else latitude)
        longitudes.append(np.nan if longitude is None else longitude)
        for found in name_keys(name, level):
            keyed.setdefault(found, []).append(position)
            if level <= DISTRICT:
                upper.add(found)
        longest = max(longest, name.count(" ") + 1)
    for alias, target in ALIASES.items():
        if target in keyed:
            keyed.setdefault(key(alias), []).extend(keyed[target])
    roots, stop = _common_words()
    level_array = np.frombuffer(bytes(levels), dtype=np.uint8)
    lat = np.array(latitudes, dtype=np.float64)
    return Gazetteer(
        codes=tuple(region_codes),
        names=tuple(names),
        levels=bytes(levels),
        latitudes=lat,
        longitudes=np.array(longitudes, dtype=np.float64),
        keys={found: tuple(sorted(set(positions))) for found, positions in keyed.items()},
        upper_keys=_by_start_and_length(upper),
        longest=longest,
        common_words=roots | stop,
        stop_words=stop,
        village_cells=_village_cells(level_array, lat, np.array(longitudes, dtype=np.float64)),
    )


_built: tuple[tuple[object, ...], Gazetteer] | None = None


@reference_memo()
def _regions_fingerprint() -> tuple[object, ...]:
    """What changes when the regions do (a load, an admin's edit of a name): asked at
    most every ``settings.REFERENCE_TTL`` seconds, one aggregate query."""
    row = Region.objects.aggregate(
        count=Count("code"), letters=Sum(Length("name")), last=Max("code")
    )
    return (row["count"], row["letters"], row["last"])


def gazetteer() -> Gazetteer:
    """The index, built on first use in each process and again only when the regions
    changed: a build takes about a second, too long to repeat every minute as other
    reference data is."""
    global _built
    fingerprint = _regions_fingerprint()
    if _built is None or _built[0] != fingerprint:
        _built = (fingerprint, gazetteer_build())
    return _built[1]

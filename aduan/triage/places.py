"""The place a report's text names, read against every region name of Indonesia.

A text is cut into words; runs of words are looked up in the gazetteer (``key``: the
words joined). A name after a prefix ("Kota", "Kab.", "Kec.", "desa", "Kel.",
"Provinsi", and their SMS forms) is looked for at that level first and weighs most; a
name alone weighs by its level (a regency's name is more likely meant than a
village's). Names after a street or person marker ("Jl. Kartini", "Pak Slamet") are
not read as regions, except a regency or province closing the street's run ("Jl.
Kartini Cirebon"). A name that is an everyday word ("Baru", "Tengah") counts only when
a mention of its parent level (or one below it) supports it.

Every candidate region scores its own weight plus the support of the other mentions
and of the hints (the sender's earlier reports, the channel's region, a point)
consistent with it (one the ancestor of the other, or, for hints, the same regency).
The best-scoring candidates win; among them the finest level; when several remain the
reading stops at the lowest region they share (the district, the regency, the
province) and lists them; a point picks the nearest. Nothing shared at all (the same
village name in two provinces, nothing else known): no reading."""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency
from aduan.lib.text import ABBREVIATIONS
from aduan.regions.models import Region
from aduan.regions.selectors import distance_km
from aduan.reports.models import Action, Channel, Report, ReportEvent
from aduan.reports.policy import SYSTEM, Actor, View, report_view, visible_q
from aduan.triage.gazetteer import (
    DISTRICT,
    FUZZY_SHORTEST,
    PROVINCE,
    REGENCY,
    VILLAGE,
    WORD,
    Gazetteer,
    gazetteer,
    grid_cell,
    words,
)

MAX_CANDIDATES = 10
LEVEL_VALUES = (
    Region.Level.PROVINCE.value,
    Region.Level.REGENCY.value,
    Region.Level.DISTRICT.value,
    Region.Level.VILLAGE.value,
)

# Prefixes people write before a region's name (after ``words``: "Kel." is already
# "kelurahan"), with the level they announce; for regencies, whether a city (kota)
# or a regency (kabupaten) is meant.
PREFIXES: dict[str, tuple[int, str]] = {
    **dict.fromkeys(("provinsi", "propinsi", "prov", "prop"), (PROVINCE, "")),
    **dict.fromkeys(("kabupaten", "kab", "kabupatan", "kabupatn", "kbupaten"), (REGENCY, "kab")),
    **dict.fromkeys(("kota", "kot", "kodya", "kotamadya", "kotamadia"), (REGENCY, "kota")),
    **dict.fromkeys(("kecamatan", "kec", "kecamtan", "kecamatn", "kcm"), (DISTRICT, "")),
    **dict.fromkeys(
        ("desa", "ds", "kelurahan", "kalurahan", "kelurhan", "kelrahan"),
        (VILLAGE, ""),
    ),
}
# Between a prefix and the name: "Kota Administrasi Jakarta Selatan".
PREFIX_FILLERS = frozenset({"administrasi", "adm"})

# What follows these is a street, a housing estate, a hamlet, a neighbourhood or a
# person — not a region, however it is named.
MARKERS = frozenset(
    {
        "jalan", "jl", "jln", "jaln", "gang", "gg", "lorong", "perum", "perumahan",
        "komplek", "kompleks", "komp", "dusun", "dsn", "dukuh", "blok", "pak", "bu",
        "bapak", "ibu", "bpk", "sdr", "saudara", "saudari", "mas", "mbak", "bang", "an",
    }
)  # fmt: skip
# A marker's run (a street's name) ends at a break, a number, or one of these.
RUN_ENDS = frozenset(
    {
        "di", "ke", "dari", "dekat", "depan", "belakang", "samping", "sebelah", "arah",
        "menuju", "no", "nomor", "nmr", "rt", "rw", "yang", "dan", "atau", "sudah",
        "belum", "sejak", "mohon", "tolong", "itu", "ini", "tersebut", "sekitar",
        "wilayah", "daerah", "kawasan", "lingkungan", "sampai", "hingga", "tidak",
        "sangat", "masih", "pada", "untuk",
    }
)  # fmt: skip
MARKER_RUN = 3  # a street's or a person's name: at most this many words

# How much a name weighs: after a prefix of its own level, by level (a village's name
# after "desa" a little less than a regency after "Kota", so that a regency and a
# village that contradict each other leave the regency); without a prefix, by level.
PREFIXED_WEIGHT = {PROVINCE: 1.0, REGENCY: 1.0, DISTRICT: 0.95, VILLAGE: 0.9}
BARE_WEIGHT = {PROVINCE: 0.7, REGENCY: 0.7, DISTRICT: 0.5, VILLAGE: 0.35}
FUZZY_FACTOR = 0.8  # a prefixed name with one letter wrong
CONTAINED_FACTOR = 0.8  # a name written as part of a longer one
# What a candidate needs besides itself to be read: nothing; any support (a village's
# name written alone: a person's or a shop's name as often as a place, unless the
# text or a hint names where it lies); a mention of its parent's level or finer (an
# everyday word: "Baru" only with its district named).
ALONE, SUPPORTED, CLOSELY_SUPPORTED = 0, 1, 2
# The hints: the sender's earlier reports, the channel's (counter's) region, the
# report's point; each weighs this much for a candidate in the same regency, and
# DISTRICT_BONUS more in the same district.
HISTORY_WEIGHT = 0.5
CHANNEL_WEIGHT = 0.4
POINT_WEIGHT = 0.5
DISTRICT_BONUS = 0.2
POINT_RADIUS_KM = 50.0  # the nearest candidate decides only within this distance
NEAREST_VILLAGE_KM = 25.0  # a point farther than this from every village says nothing


@dataclass(frozen=True, slots=True)
class PlaceHints:
    # Region codes known to matter: the sender's earlier reports' regions, the
    # channel's region (a counter's).
    regions: tuple[str, ...] = ()
    point: tuple[float, float] | None = None  # (latitude, longitude)
    # Which of ``regions`` came from where, for the evidence; a region in neither is
    # taken as the sender's history.
    channel_regions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlaceReading:
    code: str  # the lowest region that is certain, e.g. "32.74.01.1001"
    name: str  # Region.name
    level: str  # Region.Level value
    confidence: float  # in [0, 1]
    # The words of the text that named it, and the hints used, in Indonesian.
    evidence: tuple[str, ...]
    # When it stops above the village: the villages (or districts) still possible,
    # at most MAX_CANDIDATES codes.
    candidates: tuple[str, ...]


# -- words and runs -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    word: str
    start: int
    end: int
    broken: bool  # a break (punctuation, a line) follows it
    gap: str  # what stands between it and the next word


_BREAKS = frozenset(',;:!?()[]{}\n/"|')


def _tokens(text: str) -> list[_Token]:
    matches = list(WORD.finditer(text))
    tokens: list[_Token] = []
    for index, match in enumerate(matches):
        word = "".join(words(match.group()))
        if not word:
            continue
        gap_end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        gap = text[match.end() : gap_end]
        written = match.group().lower()
        # A full stop ends a sentence, not an abbreviation ("Jl.", "Kab.", "Kel.").
        abbreviation = (
            written in ABBREVIATIONS or written in PREFIXES or written in MARKERS
        ) or len(written) <= 3
        broken = (
            index + 1 == len(matches)
            or any(char in _BREAKS for char in gap)
            or ("." in gap and not abbreviation)
        )
        tokens.append(_Token(word, match.start(), match.end(), broken, gap))
    return tokens


@dataclass(slots=True)
class _Mention:
    first: int  # token positions, inclusive
    last: int
    prefixed: bool
    # position in the gazetteer → (weight, what it needs, the words as written)
    candidates: dict[int, tuple[float, int, str]] = field(default_factory=dict)

    def add(self, position: int, weight: float, needs: int, surface: str) -> None:
        known = self.candidates.get(position)
        if known is None or known[0] < weight:
            self.candidates[position] = (weight, needs, surface)


def _needs(index: Gazetteer, run: list[str], level: int, *, prefixed: bool) -> int:
    if prefixed:
        # "Kota Batu" is the city, "Kelurahan Lebak Bulus" the village; "kepala desa
        # baru" is words, "desa lurah" and "Kelurahan Menteng" (a fruit too) need
        # something else that says where.
        if level <= REGENCY or len(run) > 1:
            return ALONE
        if run[0] in index.stop_words or len(run[0]) <= 3:
            return CLOSELY_SUPPORTED
        # "desa wisata", "desa adat": "desa" is a word of every complaint;
        # "Kecamatan Jonggol" is a district whatever "jonggol" also means.
        common = level == VILLAGE and run[0] in index.common_words
        return SUPPORTED if common else ALONE
    if index.is_common(run, level):
        # "baru", "tengah": only with the district named; "alun alun", "pasar baru",
        # "sungai kumpai": with anything that says where.
        return CLOSELY_SUPPORTED if len(run) == 1 or level <= REGENCY else SUPPORTED
    return SUPPORTED if level == VILLAGE else ALONE


def _kind_fits(code: str, kind: str) -> bool:
    if not kind:
        return True
    city = int(code[3:5]) >= 71
    return city if kind == "kota" else not city


def _lookup(index: Gazetteer, found: str, *, fuzzy: bool) -> tuple[int, ...]:
    if not fuzzy:
        return index.keys.get(found, ())
    return tuple(position for near in index.near_keys(found) for position in index.keys[near])


def _prefixed(
    index: Gazetteer, text: str, tokens: list[_Token], at: int, level: int, kind: str
) -> _Mention | None:
    """The region named after the prefix at ``at``, if any: the longest run of words
    that names one, at the prefix's level first; with one letter wrong when no run
    names one exactly (not for villages: too many names one letter apart)."""
    if any(char in ",;\n()" for char in tokens[at].gap):
        return None  # "kota, …": the word, not a prefix
    start = at + 1
    if start + 1 < len(tokens) and tokens[start].word in PREFIX_FILLERS:
        start += 1
    # Three passes: an exact name of the prefix's level; one with a letter wrong; an
    # exact name of another level ("Kota Purbalingga": a regency, the town people
    # mean; "Kecamatan X" where X is a village), weighed as if written alone.
    for attempt in ("exact", "fuzzy", "other"):
        fuzzy = attempt == "fuzzy"
        for length in range(min(index.longest, len(tokens) - start), 0, -1):
            run = tokens[start : start + length]
            if any(token.broken for token in run[:-1]):
                continue
            found = "".join(token.word for token in run)
            if fuzzy and (len(found) < FUZZY_SHORTEST or level == VILLAGE):
                continue
            positions = _lookup(index, found, fuzzy=fuzzy)
            if not positions:
                continue
            mention = _Mention(at, start + length - 1, prefixed=True)
            surface = text[tokens[at].start : run[-1].end]
            written = [token.word for token in run]
            for position in positions:
                code, own = index.codes[position], index.levels[position]
                if attempt == "other":
                    needs = _needs(index, written, own, prefixed=False)
                    mention.add(position, BARE_WEIGHT[own], needs, surface)
                elif own == level and _kind_fits(code, kind):
                    weight = PREFIXED_WEIGHT[level] * (FUZZY_FACTOR if fuzzy else 1.0)
                    needs = _needs(index, written, own, prefixed=True)
                    mention.add(position, weight, needs, surface)
            if mention.candidates:
                return mention
    return None


def _marker_runs(tokens: list[_Token]) -> tuple[set[int], set[int]]:
    """The tokens a marker's run holds: the first (never a region) and the rest
    (a regency or province: "Jl. Kartini Cirebon", or a district whose regency is
    named too; never a village)."""
    first: set[int] = set()
    rest: set[int] = set()
    for at, token in enumerate(tokens):
        if token.word not in MARKERS or token.broken:
            continue
        position = at + 1
        taken = 0
        while position < len(tokens) and taken < MARKER_RUN:
            word = tokens[position].word
            if word in RUN_ENDS or word in PREFIXES or word in MARKERS or word.isdigit():
                break
            (rest if taken else first).add(position)
            taken += 1
            if tokens[position].broken:
                break
            position += 1
    return first, rest


def _mentions(index: Gazetteer, text: str) -> list[_Mention]:
    tokens = _tokens(text)
    mentions: list[_Mention] = []
    taken: set[int] = set()
    for at, token in enumerate(tokens):
        prefix = PREFIXES.get(token.word)
        if prefix is None or at in taken or at + 1 >= len(tokens):
            continue
        mention = _prefixed(index, text, tokens, at, *prefix)
        if mention is not None:
            mentions.append(mention)
            taken.update(range(mention.first, mention.last + 1))
    blocked, in_street = _marker_runs(tokens)
    bare: list[_Mention] = []
    for at in range(len(tokens)):
        if at in taken or at in blocked or tokens[at].word in MARKERS:
            continue
        for length in range(1, index.longest + 1):
            last = at + length - 1
            if last >= len(tokens) or last in taken or (length > 1 and tokens[last - 1].broken):
                break
            if tokens[last].word in MARKERS and length > 1:
                break
            run = tokens[at : last + 1]
            found = "".join(token.word for token in run)
            positions = index.keys.get(found)
            if not positions:
                continue
            surface = text[run[0].start : run[-1].end]
            mention = _Mention(at, last, prefixed=False)
            written = [token.word for token in run]
            for position in positions:
                level = index.levels[position]
                needs = _needs(index, written, level, prefixed=False)
                if at in in_street and level > REGENCY:
                    if level == VILLAGE:
                        continue
                    # "Jalan Raya Sumber, Kabupaten Cirebon": a street may be named
                    # after the district it runs through, if its regency is named.
                    needs = CLOSELY_SUPPORTED
                mention.add(position, BARE_WEIGHT[level], needs, surface)
            if mention.candidates:
                bare.append(mention)
    # A name inside a longer one ("Simpang Tonang" in "Simpang Tonang Selatan")
    # weighs less: the longer one was written.
    spans = {(mention.first, mention.last) for mention in bare}
    for mention in bare:
        if any(
            (first, last) in spans
            for first in range(max(0, mention.last - index.longest + 1), mention.first + 1)
            for last in range(mention.last, mention.first + index.longest)
            if (first, last) != (mention.first, mention.last)
        ):
            for position, (weight, needs, surface) in mention.candidates.items():
                mention.candidates[position] = (weight * CONTAINED_FACTOR, needs, surface)
    # Overlapping runs are one mention ("Cirebon Baru" and "Cirebon"): one of them
    # was meant, never both.
    bare.sort(key=lambda mention: (mention.first, mention.last))
    for mention in bare:
        if mentions and not mentions[-1].prefixed and mention.first <= mentions[-1].last:
            merged = mentions[-1]
            merged.last = max(merged.last, mention.last)
            for position, (weight, needs, surface) in mention.candidates.items():
                merged.add(position, weight, needs, surface)
        else:
            mentions.append(mention)
    return mentions


# -- scoring --------------------------------------------------------------------------


def _ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:depth]) for depth in range(1, len(parts))]


def _related(a: str, b: str) -> bool:
    """One region holds the other (or they are the same)."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


@dataclass(frozen=True, slots=True)
class _Hint:
    code: str
    weight: float
    label: str


def _hint_support(hint: _Hint, code: str) -> float:
    """A hint supports a candidate in its regency (or a province or regency holding
    it), more in its district."""
    depth = min(code.count("."), hint.code.count("."), REGENCY)
    if code.split(".")[: depth + 1] != hint.code.split(".")[: depth + 1]:
        return 0.0
    same_district = (
        code.count(".") >= DISTRICT
        and hint.code.count(".") >= DISTRICT
        and code.split(".")[:3] == hint.code.split(".")[:3]
    )
    return hint.weight + (DISTRICT_BONUS if same_district else 0.0)


def _nearest_village(index: Gazetteer, latitude: float, longitude: float) -> str | None:
    """The village whose centroid is nearest the point, if within NEAREST_VILLAGE_KM:
    among those of the point's cell of the grid and the eight around it."""
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    row, column = grid_cell(latitude, longitude)
    near = [
        cell
        for cell in (
            index.village_cells.get((row + up, column + right))
            for up in (-1, 0, 1)
            for right in (-1, 0, 1)
        )
        if cell is not None
    ]
    if not near:
        return None
    positions = np.concatenate(near)
    # An equirectangular distance ranks neighbours well enough; the nearest one's
    # distance is then taken on the sphere.
    dx = np.radians(index.longitudes[positions] - longitude) * math.cos(math.radians(latitude))
    dy = np.radians(index.latitudes[positions] - latitude)
    position = int(positions[int(np.argmin(dx * dx + dy * dy))])
    distance = distance_km(
        latitude, longitude, float(index.latitudes[position]), float(index.longitudes[position])
    )
    return index.codes[position] if distance <= NEAREST_VILLAGE_KM else None


def _hints(index: Gazetteer, hints: PlaceHints) -> list[_Hint]:
    found: list[_Hint] = []
    for code in dict.fromkeys(hints.regions):
        if index.position(code) is None:
            continue
        if code in hints.channel_regions:
            found.append(_Hint(code, CHANNEL_WEIGHT, _("wilayah loket penerima laporan")))
        else:
            found.append(_Hint(code, HISTORY_WEIGHT, _("laporan sebelumnya dari pengirim ini")))
    if hints.point is not None:
        village = _nearest_village(index, *hints.point)
        if village is not None:
            found.append(_Hint(village, POINT_WEIGHT, _("titik lokasi pada peta")))
    return found


@dataclass(frozen=True, slots=True)
class _Scored:
    score: float
    supporters: frozenset[int]  # indexes of the mentions consistent with it
    hints: frozenset[int]  # indexes of the hints that supported it


def _score(index: Gazetteer, mentions: list[_Mention], hints: list[_Hint]) -> dict[int, _Scored]:
    """Each candidate's score: its weight, the best weight of each other mention
    naming a region that holds it or lies in it, and the hints' support; a candidate
    without the support it needs (``_needs``) is dropped. An everyday word gives no
    support until it has some itself (a second pass)."""
    scored = _score_pass(index, mentions, hints, set())
    supported = {
        position
        for mention in mentions
        for position, (_weight, needs, _surface) in mention.candidates.items()
        if needs == CLOSELY_SUPPORTED and position in scored
    }
    return _score_pass(index, mentions, hints, supported) if supported else scored


def _score_pass(
    index: Gazetteer, mentions: list[_Mention], hints: list[_Hint], supported: set[int]
) -> dict[int, _Scored]:
    # Each region named (owns) and each region holding one named (holds):
    # by mention, the best weight and the level of what named it.
    owns: dict[str, dict[int, tuple[float, int]]] = {}
    holds: dict[str, dict[int, tuple[float, int]]] = {}
    for number, mention in enumerate(mentions):
        for position, (weight, needs, _surface) in mention.candidates.items():
            if needs == CLOSELY_SUPPORTED and position not in supported:
                continue
            code = index.codes[position]
            level = index.levels[position]
            _keep_best(owns.setdefault(code, {}), number, weight, level)
            # Not the region itself: a name written twice supports nothing.
            for region in _ancestors(code):
                _keep_best(holds.setdefault(region, {}), number, weight, level)
    scored: dict[int, _Scored] = {}
    for number, mention in enumerate(mentions):
        for position, (weight, needs, _surface) in mention.candidates.items():
            code = index.codes[position]
            level = index.levels[position]
            # other mention → (best weight, whether one of its level or finer)
            support: dict[int, tuple[float, bool]] = {}
            for other, (other_weight, _level) in holds.get(code, {}).items():
                support[other] = (other_weight, True)  # it names a region inside this one
            for region in _ancestors(code):  # … or a region holding this one
                for other, (other_weight, other_level) in owns.get(region, {}).items():
                    best, close = support.get(other, (0.0, False))
                    support[other] = (max(best, other_weight), close or other_level >= level - 1)
            support.pop(number, None)
            total = weight + sum(best for best, _close in support.values())
            close_support = any(close for _best, close in support.values())
            used = set()
            for number_hint, hint in enumerate(hints):
                hinted = _hint_support(hint, code)
                if hinted:
                    total += hinted
                    used.add(number_hint)
            if needs == CLOSELY_SUPPORTED and not close_support:
                continue
            if needs == SUPPORTED and not support and not used:
                continue
            known = scored.get(position)
            if known is None or known.score < total:
                scored[position] = _Scored(total, frozenset({number, *support}), frozenset(used))
    return scored


def _keep_best(best: dict[int, tuple[float, int]], number: int, weight: float, level: int) -> None:
    known = best.get(number)
    if known is None or (weight, level) > known:
        best[number] = (weight, level)


def _shared(region_codes: Iterable[str]) -> str:
    """The lowest region holding all the codes ("" when they lie in two provinces)."""
    parts_list = [code.split(".") for code in region_codes]
    shared: list[str] = []
    for parts in zip(*parts_list, strict=False):
        if len(set(parts)) != 1:
            break
        shared.append(parts[0])
    return ".".join(shared)


def _candidates_listed(region_codes: list[str], shared: str) -> tuple[str, ...]:
    """At most MAX_CANDIDATES codes: the candidates themselves, or when too many,
    the regions one level up that hold them (while still below ``shared``)."""
    listed = sorted(set(region_codes))
    while len(listed) > MAX_CANDIDATES:
        parents = sorted({code.rpartition(".")[0] for code in listed})
        if not parents[0] or parents[0].count(".") <= shared.count(".") or parents == listed:
            return ()
        listed = parents
    return tuple(listed)


def _confidence(score: float, *, stopped: bool) -> float:
    """A score turned into [0, 1]: one bare regency name 0.5, a prefixed name 0.7,
    a name and its parent named too 0.9; a reading that stops above the candidates
    named is less sure of what was meant."""
    confidence = 1.0 - math.exp(-1.2 * score)
    return round(min(0.99, confidence * (0.8 if stopped else 1.0)), 2)


def _reading(
    index: Gazetteer,
    mentions: list[_Mention],
    hints: list[_Hint],
    point: tuple[float, float] | None,
) -> PlaceReading | None:
    scored = _score(index, mentions, hints)
    if not scored:
        return None
    best = max(item.score for item in scored.values())
    top = [position for position, item in scored.items() if item.score >= best - 1e-9]
    deepest = max(index.levels[position] for position in top)
    finest = sorted(
        (position for position in top if index.levels[position] == deepest),
        key=lambda position: index.codes[position],
    )
    used_hints: set[int] = set()
    chose_by_point = False
    if len(finest) > 1 and point is not None:
        distances = [
            (distance_km(point[0], point[1], lat, lon), position)
            for position in finest
            if math.isfinite(lat := float(index.latitudes[position]))
            and math.isfinite(lon := float(index.longitudes[position]))
        ]
        if distances:
            distance, nearest = min(distances)
            if distance <= POINT_RADIUS_KM:
                finest, chose_by_point = [nearest], True
    finest_codes = [index.codes[position] for position in finest]
    shared = _shared(finest_codes)
    if not shared:
        return None
    position = index.position(shared)
    assert position is not None  # a code of the index, or a region holding one
    stopped = len(finest) > 1
    supporters: set[int] = set()
    for chosen in finest:
        supporters |= scored[chosen].supporters
        used_hints |= scored[chosen].hints
    evidence: list[str] = []
    for number in sorted(supporters):
        surfaces = [
            surface
            for candidate, (_w, _c, surface) in mentions[number].candidates.items()
            if _related(index.codes[candidate], shared)
        ]
        if surfaces:
            evidence.append(max(surfaces, key=len))
    evidence.extend(hints[number].label for number in sorted(used_hints))
    if chose_by_point and _("titik lokasi pada peta") not in evidence:
        evidence.append(_("titik lokasi pada peta"))
    level = index.levels[position]
    return PlaceReading(
        code=shared,
        name=index.names[position],
        level=LEVEL_VALUES[level],
        confidence=_confidence(best, stopped=stopped),
        evidence=tuple(dict.fromkeys(evidence)),
        candidates=_candidates_listed(finest_codes, shared) if stopped else (),
    )


def place_read(text: str, *, hints: PlaceHints = PlaceHints()) -> PlaceReading | None:
    """The region ``text`` names, resolved with ``hints``; None when it names none
    (or names only what cannot be told apart: one village name in two provinces)."""
    index = gazetteer()
    mentions = _mentions(index, text or "")
    if not mentions:
        return None
    return _reading(index, mentions, _hints(index, hints), hints.point)


# -- a report's hints -------------------------------------------------------------

HISTORY_REPORTS = 5  # the sender's latest earlier reports with a region


def report_place_hints(report: Report, *, actor: Actor = SYSTEM) -> PlaceHints:
    """What is known of a report's place besides its text: the regions of the same
    reporter's latest earlier reports (only those ``actor`` may see; none for an
    anonymous report shown to anyone but the national admin, lest the hint tie an
    anonymous report to its sender's others), the region of the agency whose counter
    took it, and its point."""
    regions: list[str] = []
    if not report.is_anonymous or actor.role in ("national_admin", "system"):
        earlier = (
            Report.objects.filter(visible_q(actor), reporter_id=report.reporter_id)
            .filter(region__isnull=False, submitted_at__lt=report.submitted_at)
            .exclude(pk=report.pk)
        )
        if actor.role not in ("national_admin", "system"):
            earlier = earlier.filter(is_anonymous=False)
        regions.extend(
            earlier.order_by("-submitted_at").values_list("region_id", flat=True)[:HISTORY_REPORTS]
        )
    channel_regions: tuple[str, ...] = ()
    if report.channel == Channel.COUNTER:
        agency_id = (
            ReportEvent.objects.filter(report=report, action=Action.SUBMIT)
            .values_list("actor_agency_id", flat=True)
            .first()
        )
        if agency_id is not None:
            code = Agency.objects.filter(pk=agency_id).values_list("region_id", flat=True).first()
            # A city's or regency's counter (or a district's): not a province's or
            # the nation's, where no one place is likely.
            if code and code.count(".") >= REGENCY:
                channel_regions = (code,)
    point = None
    if report.latitude is not None and report.longitude is not None:
        point = (report.latitude, report.longitude)
    return PlaceHints(
        regions=tuple(dict.fromkeys([*regions, *channel_regions])),
        point=point,
        channel_regions=channel_regions,
    )


def report_place_read(report: Report, *, actor: Actor = SYSTEM) -> PlaceReading | None:
    """The place a report's title, body and address name, resolved with what else is
    known of it (``report_place_hints``); None for an actor who may not see the
    report."""
    if report_view(actor, report) != View.FULL:
        return None
    text = "\n".join(part for part in (report.title, report.body, report.address) if part)
    return place_read(text, hints=report_place_hints(report, actor=actor))

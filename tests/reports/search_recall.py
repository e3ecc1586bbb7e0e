"""The labelled search set (issue 19, Build 5): reports a test files, and for each
query the reports it must find. ``found`` is exact: every labelled report found
(recall) and nothing else of the set (precision), on both databases.

A report: title, text, category code, region code. Written as citizens write,
SMS abbreviations and slips included."""

REPORTS: dict[str, tuple[str, str, str, str]] = {
    "pothole": (
        "Jalanan berlubang di depan pasar",
        "Lubang besar membahayakan pengendara motor setiap malam.",
        "infrastruktur.jalan",
        "32.74.01.1001",  # Kejaksan, Kota Cirebon
    ),
    "road_sms": (
        "Laporan SMS",
        "jln dpn sekolah rsk parah bnyk lobang",
        "infrastruktur.jalan",
        "32.09.01",  # Waled, Kabupaten Cirebon
    ),
    "asphalt": (
        "Aspal mengelupas",
        "Perbaikan aspal di ruas Pemuda belum selesai.",
        "infrastruktur.jalan",
        "33.74",  # Kota Semarang, Jawa Tengah
    ),
    "lamp": (
        "Lampu jalan mati",
        "Penerangan jalan umum di Jalan Kartini padam sejak seminggu.",
        "infrastruktur.lampu_jalan",
        "32.74.01",  # Kejaksan, Kota Cirebon
    ),
    "flood": (
        "Banjir di perumahan",
        "Air rob dan banjir masuk rumah warga setelah hujan deras.",
        "infrastruktur.drainase",
        "32.09",  # Kabupaten Cirebon
    ),
    "garbage": (
        "Tumpukan sampah di pinggir sungai",
        "Sampah menumpuk dan berbau busuk, belum diangkut petugas.",
        "lingkungan.sampah",
        "32.73.01",  # Sukasari, Kota Bandung
    ),
    "garbage_late": (
        "Truk tidak datang",
        "Pengangkutan tertunda tiga hari, warga resah.",
        "lingkungan.sampah",
        "33.74",
    ),
    "bridge": (
        "Jembatan putus",
        "Jembatan penghubung dua desa putus diterjang arus.",
        "infrastruktur.jembatan",
        "32.09.02",  # Ciledug, Kabupaten Cirebon
    ),
    "tree": (
        "Pohon tumbang menutup jalan",
        "Pohon besar tumbang setelah angin kencang.",
        "lingkungan.pohon",
        "31.71",  # Jakarta Pusat
    ),
    "levy": (
        "Diminta uang untuk surat pengantar",
        "Petugas kelurahan meminta uang dua puluh ribu.",
        "pungli.pungutan_liar",
        "32.74.01.1002",  # Sukapura, Kota Cirebon
    ),
    "noise": (
        "Suara mesin pabrik sampai pagi",
        "Warga tidak bisa tidur.",
        "lingkungan.kebisingan",
        "33.74",
    ),
}

_ROADS = {"pothole", "road_sms", "asphalt"}
_CIREBON = {"pothole", "road_sms", "lamp", "flood", "bridge", "levy"}

# query → the reports it must find, exactly.
QUERIES: dict[str, set[str]] = {
    # Category names: hundreds of demo reports are filed as "Jalan rusak / berlubang".
    "jalan rusak": _ROADS,
    "Jalan Rusak": _ROADS,
    "berlubang": _ROADS,
    # Region names, the region's and every region above it.
    "Cirebon": _CIREBON,
    "kota cirebon": {"pothole", "lamp", "levy"},
    "kabupaten cirebon": {"road_sms", "flood", "bridge"},
    "Jawa Tengah": {"asphalt", "garbage_late", "noise"},
    "sampah jawa tengah": {"garbage_late"},
    "kejaksan": {"pothole", "lamp", "levy"},  # Sukapura is in Kejaksan
    # Word forms: stems on both sides.
    "lubang": _ROADS,
    "bahaya": {"pothole"},
    "diangkut": {"garbage", "garbage_late"},  # pengangkutan
    # Also the parent category: "Lingkungan Hidup dan Kebersihan".
    "kebersihan": {"garbage", "garbage_late", "noise", "tree"},
    "terjang": {"bridge"},
    # Stop words are left out.
    "jalan yang rusak di cirebon": {"pothole", "road_sms"},
    # The last word as a prefix.
    "jemb": {"bridge"},
    "pohon tumb": {"tree"},
    "kebisi": {"noise"},
    "lampu jal": {"lamp"},
    # Common misspellings and SMS abbreviations, either way round.
    "jln rusak": _ROADS,
    "lobang": _ROADS,
    "rsk cirebon": {"pothole", "road_sms", "bridge"},
    "pungli": {"levy"},
    # The web search syntax still holds.
    '"lampu jalan"': {"lamp"},
    "banjir or jembatan": {"flood", "bridge"},
    "jembatan -putus": set(),
    "kereta": set(),
}

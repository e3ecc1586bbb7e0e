"""Texts as citizens send them, with the region each names (checked against the
regions of Kepmendagri 300.2.2-2138/2025). Written for these tests: SMS shorthand,
e-mails, posts, forms; ambiguous village names, texts naming no place, streets named
after places or people, a few typos.

``code`` is what the reader must give (None: no reading); ``candidates``, when
given, the codes it must list when it stops above them; ``miss`` says why an entry
is a known miss (the test checks that it still is, so that a fix updates the list)."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PlaceText:
    text: str
    code: str | None
    candidates: tuple[str, ...] = ()
    miss: str = ""


PLACE_TEXTS: tuple[PlaceText, ...] = (
    # -- prefixed names, each level ------------------------------------------------
    PlaceText("Jalan berlubang di Kota Cirebon, mohon segera diperbaiki", "32.74"),
    PlaceText("Kab. Cirebon: banjir setinggi lutut sejak subuh", "32.09"),
    PlaceText("Kabupaten Cirebon, jembatan penghubung antar desa ambruk", "32.09"),
    PlaceText("Lampu PJU mati sudah dua minggu di Kec. Kejaksan", "32.74.01"),
    PlaceText("sampah menumpuk di pinggir kali kecamatan kejaksan", "32.74.01"),
    PlaceText("Jalan desa Kemangkon rusak parah, banyak lubang", "33.03.01.2006"),
    PlaceText("Kel. Pekalipan, Kec. Pekalipan, Kota Cirebon: saluran air mampet", "32.74.04.1002"),
    PlaceText("Pelayanan RSUD di Provinsi Jawa Barat lambat sekali", "32"),
    PlaceText("Banjir di Kota Administrasi Jakarta Selatan belum surut", "31.74"),
    PlaceText("Kota Surabaya: trotoar dipakai parkir liar", "35.78"),
    PlaceText("Kabupaten Malang, irigasi sawah kering", "35.07"),
    PlaceText("Kota Malang macet tiap sore di dekat kampus", "35.73"),
    PlaceText("Pungli pembuatan KTP di Kecamatan Cileunyi", "32.04.05"),
    PlaceText("Kelurahan Lebak Bulus: galian kabel tidak ditutup", "31.74.06.1002"),
    PlaceText("Kecamatan Kebayoran Baru, pohon tumbang menutup jalan", "31.74.07"),
    PlaceText("Kabupaten Batang, jalan pantura bergelombang", "33.25"),
    PlaceText("Provinsi Nusa Tenggara Timur kekurangan guru di pedalaman", "53"),
    # -- a village with its district and regency -----------------------------------
    PlaceText(
        "lapor jalan di ds pagerandong kec kaligondang kab purbalingga rusak", "33.03.04.2017"
    ),
    PlaceText(
        "Dengan hormat, saya warga Kel. Sukapura Kec. Kejaksan, lampu jalan mati 2 minggu",
        "32.74.01.1002",
    ),
    PlaceText("Kelurahan Kesenden Kecamatan Kejaksan Kota Cirebon, got meluap", "32.74.01.1003"),
    PlaceText("Desa Sukamaju, Kec. Kersamanah, Kab. Garut: jembatan putus", "32.05.13.2005"),
    PlaceText("desa sukamaju kec cilawu garut air bersih tidak mengalir", "32.05.19.2014"),
    PlaceText("Desa Sidomulyo Kab. Deli Serdang, bantuan pupuk tidak sampai", "12.07.07.2013"),
    PlaceText("Desa Baru, Kecamatan Samadua, Aceh Selatan: listrik sering padam", "11.01.06.2022"),
    PlaceText("Kel. Dago Kec. Coblong Kota Bandung, trotoar rusak", "32.73.02.1004"),
    PlaceText("warga sukapura kejaksan cirebon mengeluhkan sampah", "32.74.01.1002"),
    PlaceText("Kelurahan Menteng, Jakarta Pusat: parkir liar di bahu jalan", "31.71.06.1001"),
    PlaceText("Kelurahan Menteng Kota Bogor: drainase tersumbat", "32.71.04.1001"),
    # -- e-mail and forms ------------------------------------------------------------
    PlaceText(
        "Yth. Admin LAPOR!\n\nSaya ingin melaporkan jalan rusak.\n"
        "Alamat: Jl. Siliwangi No. 12 RT 03/RW 05, Kel. Pekalangan, Kec. Pekalipan, "
        "Kota Cirebon\n\nTerima kasih.",
        "32.74.04.1004",
    ),
    PlaceText(
        "Kepada Yth. Bapak/Ibu,\nKami warga Kecamatan Ngaglik, Kabupaten Sleman, "
        "mengeluhkan bau dari tempat pembuangan sampah.\nHormat kami",
        "34.04.12",
    ),
    PlaceText(
        "Lokasi: Kecamatan Tebet\nMasalah: lampu lalu lintas mati\nSejak: kemarin", "31.74.01"
    ),
    PlaceText("Wilayah: Kota Makassar. Kecamatan Mariso. Keluhan: air PDAM keruh", "73.71.01"),
    # -- SMS shorthand and posts -------------------------------------------------------
    PlaceText("LAPOR jln rusak ds kemangkon kec kemangkon purbalingga", "33.03.01.2006"),
    PlaceText("lapor pungli di kantor kec. kejaksan crb", "32.74.01"),
    PlaceText("jkt macet parah gara2 galian", "31"),
    PlaceText("jaksel banjir lg, tolong pompa air dinyalakan", "31.74"),
    PlaceText("jalan provinsi di jateng banyak lubang", "33"),
    PlaceText("@lapor1708 #LAPOR jalan di Kab. Bogor rusak parah, kapan diperbaiki?", "32.01"),
    PlaceText("#LAPOR banjir lagi di Kota Bekasi, drainase tidak berfungsi @lapor1708", "32.75"),
    PlaceText("kab.purbalingga jalan ke curug rusak", "33.03"),
    PlaceText("LAPOR KOTA SEMARANG ROB MASUK RUMAH WARGA", "33.74"),
    PlaceText("ntt kekeringan, warga beli air mahal", "53"),
    PlaceText("sampah di kec. sumber kab. cirebon menumpuk", "32.09.15"),
    # -- streets named after places or people --------------------------------------------
    PlaceText("Jalan Sudirman rusak berat, banyak kendaraan terjebak", None),
    PlaceText("Jl. Pemuda depan kantor pos macet total", None),
    PlaceText("jl. diponegoro no 12 kota semarang lampu mati", "33.74"),
    PlaceText("Jl. Merdeka, Kel. Pekalipan: pedagang kaki lima menutup trotoar", "32.74.04.1002"),
    PlaceText("Jln. Siliwangi Kota Cirebon berlubang", "32.74"),
    PlaceText("Jl. Kartini No. 5 Cirebon macet setiap pagi", "32", ("32.09", "32.74")),
    PlaceText("Pak Sudirman kepala desa tidak pernah ada di kantor", None),
    PlaceText("Gg. Kartini RT 02 sampah tidak diangkut", None),
    # A street named after the district it runs through, its regency named too.
    PlaceText("Jalan Raya Sumber rusak, Kabupaten Cirebon", "32.09.15"),
    PlaceText("Jl. Sumber, Kab. Cirebon: lampu jalan mati", "32.09"),
    PlaceText("Jalan Raya Sumber No. 3, Kota Cirebon", "32.74"),
    # -- ambiguous: the reader stops where it is certain --------------------------------
    PlaceText("banjir di cirebon sudah tiga hari", "32", ("32.09", "32.74")),
    PlaceText("lapor bdg banjir cileuncang", "32", ("32.04", "32.73")),
    PlaceText("desa Sukamaju jalannya rusak", None),
    PlaceText(
        "desa sukamaju kab garut jalan rusak",
        "32.05",
        ("32.05.13.2005", "32.05.19.2014", "32.05.37.2001"),
    ),
    PlaceText("Kecamatan Cibeureum pelayanan lambat", "32"),
    PlaceText("Kecamatan Cibeureum Kota Tasikmalaya pelayanan lambat", "32.78.06"),
    PlaceText("Kelurahan Depok, Kota Depok", "32.76.01.1006"),
    # -- names that are everyday words ---------------------------------------------------
    PlaceText("Kota Cirebon baru saja kebanjiran lagi", "32.74"),
    PlaceText("jalan baru dibangun sudah rusak lagi", None),
    PlaceText("jalan rusak di tengah kota, bahaya untuk pengendara", None),
    PlaceText("batang pohon tumbang di jalan, belum dipotong", None),
    PlaceText("harapan kami pemerintah segera bertindak", None),
    PlaceText("Saya mau lapor, guru sering tidak masuk kelas", None),
    PlaceText("pemuda kampung sering balap liar malam hari", None),
    # -- no place at all -------------------------------------------------------------------
    PlaceText("Pelayanan BPJS sangat lambat, mohon ditindaklanjuti", None),
    PlaceText("Tolong bantu, bansos belum cair sejak bulan lalu", None),
    PlaceText("anak saya belum dapat KIP padahal sudah daftar", None),
    PlaceText("", None),
    PlaceText("!!!", None),
    # -- typos we forgive (one letter, in a prefixed regency or district) -----------------
    PlaceText("kecamatan kejaksaan kota cirebon, lampu mati", "32.74.01"),
    PlaceText("kab purbaligga jalan rusak", "33.03"),
    PlaceText("kabupatn garut banjir bandang", "32.05"),
    # -- bare names, no prefix (as the stemmed Lapor Gub texts write them) ------------------
    PlaceText("lampu jalan di wonosobo arah kalibeber mati", "33.07.11.1009"),
    PlaceText("sleman banjir lahar dingin", "34.04"),
    PlaceText("kebayoran baru macet total", "31.74.07"),
    # -- known misses --------------------------------------------------------------------
    PlaceText(
        "sukamju kab garut",
        "32.05",
        ("32.05.13.2005", "32.05.19.2014", "32.05.37.2001"),
        miss="a village name with a typo: one-letter typos are forgiven only for "
        "provinces, regencies and districts (83,762 village names are too close)",
    ),
)

"""Indonesian wording of the demo reports: templates with slots, by category, and
the words that fill them. Data only; aduan/demo/reports.py picks and fills them.

Slots: {jalan} a street, {tempat} a landmark, {sejak} how long, {wilayah} the
village or district, {kota} the regency or city, {jumlah} an amount of rupiah,
{jam} a time of day, {nomor} a small number, {topik} the category's topic."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Template:
    category: str
    title: str
    body: str


# Complaints (pengaduan): several per top-level category, each for a sub-category.
COMPLAINTS: tuple[Template, ...] = (
    # infrastruktur
    Template(
        "infrastruktur.jalan",
        "Jalan berlubang di {jalan}, {wilayah}",
        "Jalan di {jalan} dekat {tempat} berlubang cukup dalam {sejak}. Sudah ada pengendara "
        "motor yang jatuh, apalagi saat hujan lubangnya tertutup genangan. Mohon segera "
        "diperbaiki sebelum ada korban lagi.",
    ),
    Template(
        "infrastruktur.jalan",
        "Aspal {jalan} rusak dan bergelombang",
        "Aspal di sepanjang {jalan}, {wilayah}, mengelupas dan bergelombang {sejak}. Truk "
        "bermuatan berat sering lewat. Warga sudah menambal sendiri dengan batu, tetapi "
        "rusak lagi. Mohon perbaikan permanen.",
    ),
    Template(
        "infrastruktur.drainase",
        "Saluran air tersumbat di {jalan}",
        "Got di {jalan} dekat {tempat} tersumbat sampah dan lumpur {sejak}. Setiap hujan "
        "air meluap ke jalan dan masuk ke rumah warga. Mohon dinormalisasi.",
    ),
    Template(
        "infrastruktur.lampu_jalan",
        "Lampu penerangan jalan mati di {jalan}",
        "{nomor} lampu PJU di {jalan}, {wilayah}, mati {sejak}. Jalan gelap gulita setelah "
        "pukul {jam} dan rawan kejahatan. Mohon segera diganti.",
    ),
    Template(
        "infrastruktur.jembatan",
        "Jembatan penghubung di {wilayah} rusak",
        "Jembatan dekat {tempat} di {wilayah} papan lantainya lapuk dan pagarnya hilang. "
        "Anak-anak sekolah melewatinya setiap hari. Mohon diperbaiki sebelum ambruk.",
    ),
    # kesehatan
    Template(
        "kesehatan.puskesmas",
        "Antrean puskesmas {wilayah} sangat lama",
        "Saya datang ke puskesmas {wilayah} pukul {jam} dan baru dilayani siang hari. Loket "
        "pendaftaran hanya satu dan petugas sering tidak di tempat. Mohon pelayanan "
        "diperbaiki.",
    ),
    Template(
        "kesehatan.rumah_sakit",
        "Pasien BPJS ditolak di rumah sakit di {kota}",
        "Orang tua saya peserta BPJS ditolak rawat inap dengan alasan kamar penuh, tetapi "
        "ditawari kamar jika membayar umum {jumlah}. Mohon ditindaklanjuti.",
    ),
    Template(
        "kesehatan.bpjs",
        "Kartu KIS tidak aktif padahal iuran dibayar",
        "Kartu BPJS Kesehatan keluarga saya dinyatakan tidak aktif saat berobat {sejak}, "
        "padahal iuran selalu dibayar tepat waktu. Mohon dicek dan diaktifkan kembali.",
    ),
    Template(
        "kesehatan.posyandu",
        "Posyandu di {wilayah} tidak berjalan",
        "Posyandu dekat {tempat} tidak buka {sejak}. Balita di lingkungan kami belum "
        "mendapat imunisasi dan penimbangan. Mohon diaktifkan kembali.",
    ),
    # pendidikan
    Template(
        "pendidikan.spmb",
        "Anak saya tidak diterima sekolah terdekat di zonasi",
        "Rumah kami hanya sekitar 500 meter dari sekolah di {wilayah}, tetapi anak kami "
        "tidak diterima, sedangkan pendaftar yang lebih jauh diterima. Mohon penjelasan "
        "dan pemeriksaan data SPMB.",
    ),
    Template(
        "pendidikan.sd_smp",
        "Gedung sekolah rusak di {wilayah}",
        "Atap dua ruang kelas SD dekat {tempat} bocor dan plafonnya jebol {sejak}. Murid "
        "terpaksa belajar bergantian. Mohon rehabilitasi ruang kelas.",
    ),
    Template(
        "pendidikan.guru",
        "Guru sering tidak hadir mengajar",
        "Di sekolah anak saya di {wilayah}, guru kelas sering tidak hadir {sejak} dan murid "
        "hanya diberi tugas. Mohon pengawasan dari dinas.",
    ),
    # kependudukan
    Template(
        "kependudukan.ektp",
        "KTP-el belum jadi setelah {sejak}",
        "Saya sudah rekam KTP-el di kantor Disdukcapil {kota}, tetapi {sejak} belum juga "
        "dicetak dengan alasan blangko habis. Saya membutuhkannya untuk melamar kerja.",
    ),
    Template(
        "kependudukan.kk",
        "Perubahan data kartu keluarga tidak diproses",
        "Berkas perubahan KK sudah saya serahkan lewat kelurahan {wilayah} {sejak}, tetapi "
        "belum ada kabar. Mohon informasi statusnya.",
    ),
    Template(
        "kependudukan.akta",
        "Akta kelahiran anak belum terbit",
        "Pengajuan akta kelahiran anak saya secara daring belum diproses {sejak}. Saat "
        "saya datang ke loket, diminta mengulang dari awal.",
    ),
    # bansos
    Template(
        "bansos.pkh",
        "Bantuan PKH tidak cair {sejak}",
        "Saya terdaftar sebagai penerima PKH di {wilayah}, tetapi bantuan tidak masuk ke "
        "rekening {sejak}. Pendamping tidak bisa memberi penjelasan.",
    ),
    Template(
        "bansos.sembako",
        "Bantuan sembako dipotong oleh oknum",
        "Penerima BPNT di {wilayah} diminta membayar {jumlah} saat mengambil bantuan di "
        "agen dekat {tempat}. Mohon ditertibkan.",
    ),
    Template(
        "bansos.dtsen",
        "Keluarga miskin tidak masuk data penerima bantuan",
        "Tetangga saya di {wilayah} seorang janda dengan tiga anak tidak pernah menerima "
        "bantuan, sementara warga yang mampu justru menerima. Mohon data penerima "
        "diperbarui.",
    ),
    # listrik
    Template(
        "listrik.pemadaman",
        "Listrik sering padam di {wilayah}",
        "Listrik di {wilayah} padam berkali-kali {sejak}, kadang sampai {nomor} jam, tanpa "
        "pemberitahuan. Peralatan elektronik warga rusak. Mohon perbaikan jaringan.",
    ),
    Template(
        "listrik.tagihan",
        "Tagihan listrik melonjak tidak wajar",
        "Tagihan listrik rumah saya bulan ini {jumlah}, tiga kali lipat dari biasanya, "
        "padahal pemakaian sama. Mohon meteran dicek.",
    ),
    Template(
        "listrik.jaringan",
        "Kabel listrik menjuntai di {jalan}",
        "Kabel listrik di {jalan} dekat {tempat} menjuntai rendah {sejak} dan hampir "
        "menyentuh kepala pejalan kaki. Sangat berbahaya saat hujan.",
    ),
    # energi
    Template(
        "energi.elpiji",
        "Elpiji 3 kg langka dan mahal di {wilayah}",
        "Elpiji 3 kg sulit didapat di {wilayah} {sejak}. Di pengecer harganya sampai "
        "{jumlah} per tabung, jauh di atas HET.",
    ),
    Template(
        "energi.spbu",
        "Takaran BBM di SPBU kurang",
        "Saya mengisi BBM di SPBU dekat {tempat}, {kota}, dan takarannya terasa kurang. "
        "Beberapa warga juga mengalami hal yang sama. Mohon ditera ulang.",
    ),
    Template(
        "energi.bbm_langka",
        "Antrean solar panjang di SPBU {kota}",
        "Solar sering habis di SPBU sekitar {jalan} {sejak}. Antrean truk sampai ke badan "
        "jalan dan menyebabkan macet.",
    ),
    # transportasi
    Template(
        "transportasi.parkir",
        "Parkir liar di {jalan}",
        "Juru parkir liar di {jalan} dekat {tempat} menarik tarif {jumlah} dan parkir "
        "memakan badan jalan sehingga macet setiap sore.",
    ),
    Template(
        "transportasi.lalu_lintas",
        "Lampu lalu lintas mati di simpang {jalan}",
        "Lampu lalu lintas di simpang {jalan} mati {sejak}. Kendaraan saling serobot dan "
        "sudah terjadi beberapa kecelakaan kecil.",
    ),
    Template(
        "transportasi.angkutan_umum",
        "Angkot ngetem sembarangan di depan {tempat}",
        "Angkutan umum berhenti lama menunggu penumpang di depan {tempat}, {wilayah}, "
        "sehingga arus lalu lintas tersendat setiap pagi pukul {jam}.",
    ),
    # lingkungan
    Template(
        "lingkungan.sampah",
        "Sampah menumpuk di {tempat}",
        "Sampah di TPS dekat {tempat}, {wilayah}, tidak diangkut {sejak}. Baunya menyengat "
        "dan banyak lalat. Mohon jadwal pengangkutan ditambah.",
    ),
    Template(
        "lingkungan.pencemaran_air",
        "Sungai di {wilayah} tercemar limbah",
        "Air sungai di {wilayah} berubah hitam dan berbau {sejak}. Diduga ada pembuangan "
        "limbah dari usaha di sekitar {tempat}. Ikan-ikan mati.",
    ),
    Template(
        "lingkungan.kebisingan",
        "Kebisingan dari tempat usaha di {jalan}",
        "Tempat usaha di {jalan} beroperasi sampai lewat tengah malam dengan suara keras "
        "{sejak}. Warga, termasuk lansia dan bayi, tidak bisa beristirahat.",
    ),
    Template(
        "lingkungan.pohon",
        "Pohon besar rawan tumbang di {jalan}",
        "Pohon besar di {jalan} dekat {tempat} condong ke jalan dan dahannya rapuh. Mohon "
        "dipangkas sebelum tumbang menimpa pengendara.",
    ),
    # ketertiban
    Template(
        "ketertiban.pkl",
        "PKL menutup trotoar {jalan}",
        "Pedagang kaki lima berjualan di trotoar {jalan} dekat {tempat} sehingga pejalan "
        "kaki terpaksa turun ke jalan. Mohon ditata.",
    ),
    Template(
        "ketertiban.bangunan_liar",
        "Bangunan liar di atas saluran air {wilayah}",
        "Ada bangunan semi permanen didirikan di atas saluran air di {jalan}, {wilayah}, "
        "sehingga aliran air terhambat. Mohon ditertibkan.",
    ),
    Template(
        "ketertiban.premanisme",
        "Pemalakan terhadap pedagang di {tempat}",
        "Sekelompok orang meminta uang keamanan {jumlah} per hari kepada pedagang di "
        "{tempat}, {kota}. Pedagang takut melapor langsung.",
    ),
    # pertanahan
    Template(
        "pertanahan.sertifikat",
        "Sertifikat tanah tidak selesai {sejak}",
        "Saya mengurus sertifikat tanah di kantor pertanahan {kota}, tetapi {sejak} belum "
        "selesai tanpa penjelasan. Setiap datang diminta kembali bulan depan.",
    ),
    Template(
        "pertanahan.ptsl",
        "Pungutan dalam program PTSL di {wilayah}",
        "Warga {wilayah} diminta membayar {jumlah} per bidang untuk program PTSL, jauh di "
        "atas ketentuan. Mohon diperiksa.",
    ),
    Template(
        "pertanahan.mafia_tanah",
        "Tanah warisan diklaim pihak lain dengan sertifikat ganda",
        "Tanah warisan keluarga kami di {wilayah} tiba-tiba diklaim pihak lain yang "
        "memegang sertifikat atas bidang yang sama. Mohon pemeriksaan warkah.",
    ),
    # pajak
    Template(
        "pajak.pbb",
        "Tagihan PBB naik drastis",
        "Tagihan PBB rumah saya di {wilayah} tahun ini {jumlah}, naik berlipat dibanding "
        "tahun lalu tanpa pemberitahuan. Mohon penjelasan dasar kenaikannya.",
    ),
    Template(
        "pajak.kendaraan",
        "Layanan Samsat {kota} lambat",
        "Pembayaran pajak kendaraan di Samsat {kota} memakan waktu seharian. Antrean "
        "panjang dan sistem sering gangguan.",
    ),
    # pungli
    Template(
        "pungli.pungutan_liar",
        "Pungli pengurusan surat di kantor kelurahan",
        "Untuk mengurus surat pengantar di kantor {wilayah}, saya dimintai {jumlah} tanpa "
        "kuitansi. Padahal layanan ini gratis.",
    ),
    Template(
        "pungli.sekolah",
        "Sekolah memungut biaya seragam dan buku",
        "Sekolah negeri anak saya di {wilayah} mewajibkan membeli seragam dan buku di "
        "sekolah seharga {jumlah}. Mohon ditertibkan.",
    ),
    Template(
        "pungli.dana_desa",
        "Dugaan penyalahgunaan dana desa di {wilayah}",
        "Pembangunan jalan desa di {wilayah} yang tertulis di papan proyek tidak pernah "
        "dikerjakan, padahal anggaran sudah cair {sejak}. Mohon diaudit.",
    ),
    # bencana
    Template(
        "bencana.banjir",
        "Banjir setiap hujan di {wilayah}",
        "Permukiman di {wilayah} dekat {tempat} kebanjiran setinggi lutut setiap hujan "
        "deras {sejak}. Mohon penanganan saluran dan tanggul.",
    ),
    Template(
        "bencana.longsor",
        "Tebing rawan longsor di {wilayah}",
        "Tebing di samping jalan {wilayah} retak-retak dan sebagian sudah longsor. Rumah "
        "warga di bawahnya terancam. Mohon segera ditangani.",
    ),
    Template(
        "bencana.bantuan",
        "Bantuan korban banjir belum diterima",
        "Warga terdampak banjir di {wilayah} belum menerima bantuan logistik {sejak}, "
        "padahal wilayah lain sudah. Mohon pendataan ulang.",
    ),
    # ketenagakerjaan
    Template(
        "ketenagakerjaan.upah",
        "Gaji di bawah UMK dan sering terlambat",
        "Perusahaan tempat saya bekerja di {kota} membayar gaji {jumlah} per bulan, di "
        "bawah UMK, dan sering terlambat {sejak}. Mohon pengawasan.",
    ),
    Template(
        "ketenagakerjaan.thr",
        "THR tidak dibayarkan perusahaan",
        "Perusahaan di {kota} tempat saya bekerja tidak membayar THR tahun ini dengan "
        "alasan rugi. Karyawan lain juga tidak menerima.",
    ),
    Template(
        "ketenagakerjaan.phk",
        "PHK sepihak tanpa pesangon",
        "Saya di-PHK sepihak {sejak} setelah bekerja lima tahun, tanpa pesangon. Mohon "
        "mediasi dari dinas tenaga kerja.",
    ),
    # perizinan
    Template(
        "perizinan.pbg",
        "Pengurusan PBG berbulan-bulan",
        "Permohonan PBG rumah tinggal saya di {kota} belum terbit {sejak}, padahal berkas "
        "sudah lengkap. Tidak ada kejelasan di sistem.",
    ),
    Template(
        "perizinan.izin_usaha",
        "Usaha tanpa izin di kawasan permukiman {wilayah}",
        "Ada gudang di {jalan}, {wilayah}, yang beroperasi di tengah permukiman dan diduga "
        "tidak berizin. Truk keluar masuk sampai malam.",
    ),
    # air_bersih
    Template(
        "air_bersih.air_mati",
        "Air PDAM mati {sejak} di {wilayah}",
        "Air PDAM di {wilayah} tidak mengalir {sejak}. Kalau mengalir pun keruh dan "
        "berbau. Kami tetap membayar tagihan penuh.",
    ),
    Template(
        "air_bersih.pipa_bocor",
        "Pipa PDAM bocor di {jalan}",
        "Pipa PDAM di {jalan} dekat {tempat} bocor {sejak}. Air terbuang percuma dan jalan "
        "jadi licin.",
    ),
    Template(
        "air_bersih.tagihan",
        "Tagihan air tidak sesuai meteran",
        "Tagihan air bulan ini {jumlah}, padahal angka meteran hampir tidak berubah. Mohon "
        "petugas mencatat meteran dengan benar.",
    ),
    # telekomunikasi
    Template(
        "telekomunikasi.sinyal",
        "Tidak ada sinyal seluler di {wilayah}",
        "Di {wilayah} hampir tidak ada sinyal seluler. Warga harus naik ke bukit untuk "
        "menelepon, dan anak-anak kesulitan belajar daring.",
    ),
    Template(
        "telekomunikasi.penipuan_online",
        "SMS penipuan mengatasnamakan bank",
        "Saya menerima SMS berisi tautan yang mengatasnamakan bank dan meminta data "
        "pribadi. Nomor pengirim masih aktif. Mohon diblokir.",
    ),
    Template(
        "telekomunikasi.konten_negatif",
        "Situs judi online beriklan di media sosial",
        "Banyak iklan judi online muncul di media sosial dan menyasar pelajar di {kota}. "
        "Mohon situs dan akunnya diblokir.",
    ),
    # kepegawaian
    Template(
        "kepegawaian.disiplin",
        "Pegawai kantor kecamatan tidak di tempat",
        "Saat jam kerja pukul {jam}, kantor kecamatan di {wilayah} kosong dan pegawai "
        "tidak ada di tempat. Pelayanan terhenti.",
    ),
    Template(
        "kepegawaian.honorer",
        "Honor tenaga honorer belum dibayar",
        "Honor kami sebagai tenaga honorer di {kota} belum dibayarkan {sejak}. Mohon kejelasan.",
    ),
    Template(
        "kepegawaian.seleksi_casn",
        "Oknum menjanjikan kelulusan seleksi PPPK",
        "Ada oknum di {kota} yang menawarkan kelulusan seleksi PPPK dengan membayar "
        "{jumlah}. Mohon ditindak agar seleksi tetap bersih.",
    ),
    # pangan
    Template(
        "pangan.harga",
        "Harga beras dan minyak goreng naik di pasar {wilayah}",
        "Harga beras medium di pasar {wilayah} mencapai {jumlah} per kilo dan minyak goreng "
        "juga mahal. Mohon operasi pasar.",
    ),
    Template(
        "pangan.pupuk",
        "Pupuk bersubsidi sulit didapat petani",
        "Petani di {wilayah} tidak mendapat pupuk bersubsidi di kios resmi {sejak}, "
        "sedangkan di luar dijual {jumlah} per karung.",
    ),
    Template(
        "pangan.mbg",
        "Menu Makan Bergizi Gratis basi di sekolah",
        "Makanan MBG yang dibagikan di sekolah anak saya di {wilayah} beberapa kali basi "
        "dan berbau. Mohon diperiksa dapurnya.",
    ),
    # keuangan
    Template(
        "keuangan.pinjol",
        "Diteror penagih pinjaman online ilegal",
        "Saya diteror penagih pinjol yang menyebarkan data saya ke semua kontak. Bunganya "
        "sudah jauh melebihi pokok {jumlah}.",
    ),
    Template(
        "keuangan.kur",
        "Pengajuan KUR ditolak tanpa alasan",
        "Pengajuan KUR untuk usaha warung saya di {kota} ditolak tanpa penjelasan, padahal "
        "syarat lengkap.",
    ),
    Template(
        "keuangan.investasi_bodong",
        "Investasi bodong merugikan warga {wilayah}",
        "Puluhan warga {wilayah} menyetor {jumlah} ke sebuah koperasi yang menjanjikan "
        "bunga 10 persen per bulan, kini pengurusnya menghilang.",
    ),
    # keagamaan
    Template(
        "keagamaan.kua",
        "Biaya nikah di KUA tidak sesuai ketentuan",
        "Untuk menikah di KUA {wilayah} pada jam kerja kami dimintai {jumlah}, padahal "
        "seharusnya gratis.",
    ),
    Template(
        "keagamaan.umrah",
        "Biro umrah tidak memberangkatkan jemaah",
        "Biro perjalanan umrah di {kota} belum memberangkatkan kami {sejak} padahal sudah "
        "lunas {jumlah}.",
    ),
    Template(
        "keagamaan.haji",
        "Pelunasan biaya haji tidak tercatat",
        "Pelunasan biaya haji orang tua saya sudah dibayar {sejak}, tetapi di sistem "
        "masih tertulis belum lunas. Mohon diperiksa.",
    ),
    # pelayanan_umum
    Template(
        "pelayanan_umum.sikap_petugas",
        "Petugas layanan bersikap tidak ramah",
        "Saat mengurus layanan di kantor {wilayah} pukul {jam}, petugas membentak dan tidak "
        "menjelaskan persyaratan. Mohon pembinaan.",
    ),
    Template(
        "pelayanan_umum.aplikasi",
        "Aplikasi layanan pemerintah daerah sering error",
        "Aplikasi layanan daring Pemerintah {kota} tidak bisa dipakai {sejak}. Setiap "
        "unggah berkas muncul pesan galat.",
    ),
    Template(
        "pelayanan_umum.desa",
        "Kepala desa jarang di kantor",
        "Warga {wilayah} kesulitan meminta tanda tangan surat karena kepala desa jarang "
        "ada di kantor {sejak}.",
    ),
    # lainnya
    Template(
        "lainnya.umum",
        "Hewan liar berkeliaran di {tempat}",
        "Banyak anjing liar berkeliaran di sekitar {tempat}, {wilayah}, dan mengejar anak "
        "sekolah. Mohon ditangani.",
    ),
    Template(
        "lainnya.umum",
        "Fasilitas umum di {tempat} tidak terawat",
        "Toilet umum dan bangku di {tempat}, {wilayah}, rusak dan kotor {sejak}. Mohon "
        "perawatan rutin.",
    ),
)

# Aspirations (aspirasi) and information requests: one per top-level category, with
# the category's topic and a sub-category for routing.
ASPIRATIONS: tuple[Template, ...] = (
    Template(
        "infrastruktur.trotoar",
        "Usulan pembangunan trotoar di {jalan}",
        "Kami mengusulkan trotoar di {jalan}, {wilayah}, karena banyak anak sekolah dan "
        "lansia berjalan di bahu jalan yang ramai.",
    ),
    Template(
        "infrastruktur.taman",
        "Usulan taman bermain anak di {wilayah}",
        "Mohon lahan kosong dekat {tempat} dijadikan taman bermain dan ruang terbuka hijau "
        "untuk warga {wilayah}.",
    ),
    Template(
        "kesehatan.ckg",
        "Usulan jadwal Cek Kesehatan Gratis di akhir pekan",
        "Banyak pekerja di {kota} tidak bisa ikut CKG pada hari kerja. Kami mengusulkan "
        "layanan dibuka juga hari Sabtu.",
    ),
    Template(
        "pendidikan.paud",
        "Usulan PAUD negeri di {wilayah}",
        "Di {wilayah} belum ada PAUD yang terjangkau. Kami berharap pemerintah membuka PAUD "
        "di dekat {tempat}.",
    ),
    Template(
        "transportasi.angkutan_umum",
        "Usulan trayek bus ke {wilayah}",
        "Warga {wilayah} mengusulkan trayek angkutan umum ke pusat {kota} karena saat ini "
        "hanya ada ojek dengan ongkos {jumlah}.",
    ),
    Template(
        "lingkungan.sampah",
        "Usulan bank sampah di {wilayah}",
        "Kami ingin membentuk bank sampah di {wilayah} dan mohon pendampingan serta sarana "
        "dari dinas terkait.",
    ),
    Template(
        "listrik.belum_berlistrik",
        "Dusun kami belum teraliri listrik",
        "Dusun di ujung {wilayah} dengan sekitar {nomor}0 keluarga belum teraliri listrik "
        "PLN. Kami mohon program listrik desa.",
    ),
    Template(
        "pangan.pertanian",
        "Usulan bantuan alsintan untuk kelompok tani",
        "Kelompok tani di {wilayah} mengusulkan bantuan traktor tangan dan pompa air untuk "
        "musim tanam berikutnya.",
    ),
    Template(
        "pelayanan_umum.kecamatan",
        "Usulan layanan adminduk keliling",
        "Kami mengusulkan layanan administrasi kependudukan keliling ke {wilayah} karena "
        "jarak ke kantor Disdukcapil {kota} jauh.",
    ),
    Template(
        "lainnya.saran",
        "Saran jam layanan kantor pemerintah",
        "Saya menyarankan kantor pelayanan di {kota} membuka loket sampai pukul {jam} agar "
        "pekerja bisa mengurus layanan sepulang kerja.",
    ),
    Template(
        "lainnya.apresiasi",
        "Terima kasih atas pelayanan yang cepat",
        "Saya ingin mengapresiasi petugas di {tempat}, {kota}, yang melayani dengan ramah "
        "dan cepat. Semoga dipertahankan.",
    ),
    Template(
        "bencana.banjir",
        "Usulan normalisasi sungai sebelum musim hujan",
        "Warga {wilayah} mengusulkan pengerukan sungai dekat {tempat} sebelum musim hujan "
        "agar banjir tahun lalu tidak terulang.",
    ),
)

INFORMATION_REQUESTS: tuple[Template, ...] = (
    Template(
        "bansos.pkh",
        "Bagaimana cara mendaftar PKH?",
        "Saya warga {wilayah} dan ingin tahu syarat serta cara mendaftar sebagai penerima "
        "PKH. Ke mana saya harus datang?",
    ),
    Template(
        "pendidikan.spmb",
        "Jadwal dan syarat SPMB tahun ini",
        "Mohon informasi jadwal pendaftaran SPMB SD dan SMP di {kota} tahun ini serta "
        "dokumen yang perlu disiapkan.",
    ),
    Template(
        "kependudukan.pindah",
        "Syarat pindah domisili antarkabupaten",
        "Saya akan pindah dari {kota} ke kabupaten lain. Dokumen apa saja yang perlu "
        "disiapkan dan apakah bisa diurus daring?",
    ),
    Template(
        "pajak.pbb",
        "Cara mengecek tagihan PBB secara daring",
        "Bagaimana cara mengecek dan membayar tagihan PBB di {kota} secara daring?",
    ),
    Template(
        "perizinan.oss",
        "Cara mengurus NIB untuk usaha mikro",
        "Saya punya usaha makanan rumahan di {wilayah}. Bagaimana cara membuat NIB lewat "
        "OSS dan apakah dikenai biaya?",
    ),
    Template(
        "pelayanan_umum.informasi_publik",
        "Permohonan informasi anggaran perbaikan jalan",
        "Saya memohon salinan rincian anggaran perbaikan jalan di {wilayah} tahun ini "
        "sesuai UU Keterbukaan Informasi Publik.",
    ),
    Template(
        "kesehatan.bpjs",
        "Cara pindah faskes BPJS Kesehatan",
        "Bagaimana cara memindahkan faskes tingkat pertama BPJS Kesehatan saya ke "
        "puskesmas {wilayah}?",
    ),
    Template(
        "ketenagakerjaan.lowongan",
        "Informasi pelatihan kerja gratis",
        "Apakah ada pelatihan kerja gratis di {kota} untuk lulusan SMA tahun ini? Mohon "
        "informasi jadwal dan cara mendaftar.",
    ),
    Template(
        "lainnya.umum",
        "Informasi jam layanan kantor pemerintah daerah",
        "Mohon informasi jam layanan kantor pemerintah {kota} selama bulan puasa.",
    ),
)

# How often each top-level category is the subject of a complaint, roughly as the
# real system's yearly reports show: roads, social aid and ID cards lead.
COMPLAINT_WEIGHTS: dict[str, int] = {
    "infrastruktur": 22,
    "kesehatan": 7,
    "pendidikan": 7,
    "kependudukan": 8,
    "bansos": 10,
    "listrik": 5,
    "energi": 3,
    "transportasi": 5,
    "lingkungan": 7,
    "ketertiban": 4,
    "pertanahan": 3,
    "pajak": 2,
    "pungli": 3,
    "bencana": 3,
    "ketenagakerjaan": 3,
    "perizinan": 2,
    "air_bersih": 4,
    "telekomunikasi": 3,
    "kepegawaian": 2,
    "pangan": 3,
    "keuangan": 2,
    "keagamaan": 1,
    "pelayanan_umum": 4,
    "lainnya": 2,
}

STREETS = (
    "Jl. Merdeka",
    "Jl. Jenderal Sudirman",
    "Jl. Ahmad Yani",
    "Jl. Diponegoro",
    "Jl. Gatot Subroto",
    "Jl. Pemuda",
    "Jl. Pahlawan",
    "Jl. Siliwangi",
    "Jl. Kartini",
    "Jl. Veteran",
    "Jl. Cipto Mangunkusumo",
    "Jl. Pramuka",
    "Jl. Raya Pasar",
    "Jl. Imam Bonjol",
    "Jl. Hasanuddin",
    "Jl. Sisingamangaraja",
    "Jl. Teuku Umar",
    "Jl. Dr. Wahidin",
    "Jl. KH. Wahid Hasyim",
    "Jl. Kenanga",
    "Jl. Melati",
    "Jl. Flamboyan",
    "Jl. Cempaka",
    "Jl. Nusantara",
    "Gang Mawar",
    "Gang Masjid",
)

PLACES = (
    "Pasar Baru",
    "SD Negeri 3",
    "SMP Negeri 1",
    "Masjid Jami",
    "kantor kelurahan",
    "puskesmas",
    "lapangan bola",
    "pertigaan lampu merah",
    "Alun-alun",
    "terminal",
    "stasiun",
    "Balai Desa",
    "pos ronda RT 04",
    "minimarket",
    "jembatan kali",
    "gereja",
    "perumahan Griya Asri",
    "TPU",
)

SINCE = (
    "sejak dua minggu lalu",
    "sejak awal bulan ini",
    "sudah tiga bulan",
    "sejak musim hujan",
    "sejak tahun lalu",
    "beberapa hari terakhir",
    "lebih dari sebulan",
    "sejak Lebaran",
)

AMOUNTS = ("Rp20.000", "Rp50.000", "Rp100.000", "Rp150.000", "Rp250.000", "Rp500.000", "Rp1,2 juta")

TIMES = ("07.00", "08.30", "09.00", "10.00", "13.00", "16.00", "19.00", "21.00")

FIRST_NAMES = (
    "Ahmad", "Budi", "Siti", "Dewi", "Agus", "Sri", "Rina", "Joko", "Eko", "Nur",
    "Putri", "Andi", "Wahyu", "Yuliana", "Hendra", "Fitri", "Rizky", "Ayu", "Dedi",
    "Lestari", "Bambang", "Indah", "Made", "Ketut", "Nyoman", "Teguh", "Ratna", "Fajar",
    "Maria", "Yohanes", "Muhammad", "Aisyah", "Taufik", "Wulan", "Hasan", "Desi",
)  # fmt: skip

LAST_NAMES = (
    "Santoso", "Wijaya", "Saputra", "Hidayat", "Lestari", "Nugroho", "Pratama",
    "Siregar", "Nasution", "Harahap", "Kurniawan", "Setiawan", "Susanto", "Rahmawati",
    "Gunawan", "Halim", "Wibowo", "Simanjuntak", "Pangaribuan", "Sitompul", "Tanjung",
    "Permana", "Hakim", "Syahputra", "Purba", "Manurung", "Daulay", "Suryani", "",
)  # fmt: skip

# What happens along the way, by who writes it.
CONFIRM_COMMENTS = ("", "", "Terima kasih, sudah beres.", "Terima kasih atas respons cepatnya.")
REOPEN_REASONS = (
    "Belum tuntas: masih ada bagian yang rusak dan belum diperbaiki.",
    "Jawaban tidak sesuai dengan yang saya laporkan.",
    "Masalahnya terulang lagi beberapa hari setelah ditangani.",
)
REQUEST_INFO_REASONS = (
    "Mohon lengkapi lokasi kejadian (nama jalan, RT/RW) dan foto pendukung.",
    "Mohon jelaskan waktu kejadian dan pihak yang terlibat.",
    "Mohon lampirkan nomor registrasi atau bukti pengajuan layanan.",
)
SUPPLY_INFO = (
    "Lokasinya di {jalan} RT 03/RW 05, dekat {tempat}. Foto sudah saya lampirkan.",
    "Kejadiannya pada pagi hari sekitar pukul {jam}, petugas yang melayani di loket 2.",
    "Nomor registrasi pengajuan saya sudah saya lampirkan.",
)
BOUNCE_REASONS = (
    "Bukan kewenangan kami: lokasi tersebut merupakan kewenangan pemerintah kabupaten/kota.",
    "Bukan kewenangan kami: urusan ini ditangani instansi lain.",
    "Bukan kewenangan kami: aset tersebut bukan milik pemerintah daerah ini.",
)
ARCHIVE_NOTES: dict[str, tuple[str, ...]] = {
    "incomplete": ("Laporan tidak memuat lokasi dan kronologi yang dapat ditindaklanjuti.",),
    "spam": ("Pesan berisi promosi, bukan laporan.", "Pesan uji coba."),
    "out_of_scope": ("Sengketa antarpribadi; silakan menempuh jalur hukum perdata.",),
    "not_public_service": ("Keluhan terhadap usaha swasta, bukan pelayanan publik.",),
}
INTERVENE_REASONS = (
    "Ditutup oleh admin nasional: telah ditangani di luar sistem, dikonfirmasi lewat telepon.",
    "Ditutup oleh admin nasional: pelapor tidak dapat dihubungi dan tindak lanjut "
    "telah dilaksanakan.",
)
NOTES = (
    "Sudah dikoordinasikan dengan kepala bidang.",
    "Menunggu jadwal alat berat.",
    "Perlu anggaran perubahan; dibahas di rapat pimpinan.",
)


# -- what each topic is about, and how its handlers answer ---------------------------

# Words a report of each top-level category contains (lower case, matched as
# substrings of the title and text): the demo's categories follow their text, so
# that triage can learn from them. tests/demo checks every template against this.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "infrastruktur": (
        "jalan", "aspal", "got", "saluran air", "lampu pju", "jembatan", "trotoar", "taman",
    ),
    "kesehatan": ("puskesmas", "rumah sakit", "bpjs", "posyandu", "kesehatan", "faskes"),
    "pendidikan": ("sekolah", "spmb", "guru", "murid", "paud", "kelas"),
    "kependudukan": ("ktp", "kartu keluarga", "kk", "akta", "disdukcapil", "domisili"),
    "bansos": ("pkh", "bpnt", "bantuan", "penerima"),
    "listrik": ("listrik", "pln", "meteran"),
    "energi": ("elpiji", "bbm", "spbu", "solar"),
    "transportasi": ("parkir", "lalu lintas", "angkot", "angkutan umum", "trayek"),
    "lingkungan": ("sampah", "limbah", "sungai", "kebisingan", "suara keras", "pohon"),
    "ketertiban": ("pkl", "pedagang kaki lima", "bangunan liar", "bangunan semi", "pemalakan",
                   "uang keamanan"),
    "pertanahan": ("sertifikat", "ptsl", "tanah"),
    "pajak": ("pbb", "pajak", "samsat"),
    "pungli": ("pungli", "kuitansi", "dana desa", "mewajibkan membeli", "anggaran"),
    "bencana": ("banjir", "longsor", "bencana"),
    "ketenagakerjaan": ("gaji", "umk", "thr", "phk", "pesangon", "pelatihan kerja"),
    "perizinan": ("pbg", "izin", "nib", "oss"),
    "air_bersih": ("pdam", "air", "meteran"),
    "telekomunikasi": ("sinyal", "sms", "judi online", "situs"),
    "kepegawaian": ("pegawai", "honorer", "pppk"),
    "pangan": ("beras", "minyak goreng", "pupuk", "mbg", "makan bergizi", "alsintan",
               "kelompok tani"),
    "keuangan": ("pinjol", "pinjaman online", "kur", "investasi", "koperasi"),
    "keagamaan": ("kua", "nikah", "umrah", "haji"),
    "pelayanan_umum": ("petugas", "aplikasi", "kepala desa", "layanan", "informasi"),
    "lainnya": ("anjing", "fasilitas umum", "toilet", "jam layanan", "saran", "terima kasih",
                "apresiasi", "loket"),
}  # fmt: skip

# The category a citizen picks by mistake for a report of each topic (the verifier
# corrects it): the broad "road" category for anything outdoors, the catch-all for
# the rest. Never the topic's own: a mistake is a different topic.
MISTAKES: dict[str, str] = {
    "infrastruktur": "lingkungan.sampah",
    "lingkungan": "infrastruktur.jalan",
    "bencana": "infrastruktur.drainase",
    "air_bersih": "infrastruktur.drainase",
    "listrik": "infrastruktur.lampu_jalan",
    "transportasi": "infrastruktur.jalan",
    "ketertiban": "infrastruktur.trotoar",
    "energi": "listrik.tagihan",
    "bansos": "kependudukan.kk",
    "kependudukan": "pelayanan_umum.sikap_petugas",
    "pungli": "pelayanan_umum.sikap_petugas",
    "kepegawaian": "pelayanan_umum.sikap_petugas",
    "lainnya": "pelayanan_umum.sikap_petugas",
}
MISTAKE_DEFAULT = "lainnya.umum"

# Work done on the spot (a crew goes out) or at a desk (records, money, rules).
FIELD_TOPICS = frozenset(
    {"infrastruktur", "lingkungan", "bencana", "air_bersih", "listrik", "transportasi",
     "ketertiban", "telekomunikasi", "energi"}
)  # fmt: skip

FIELD_FOLLOW_UPS = (
    "Terima kasih atas laporan Anda. Petugas akan melakukan pengecekan ke lokasi dalam "
    "waktu dekat.",
    "Tim kami telah meninjau lokasi dan mencatat permasalahannya. Penanganan "
    "dijadwalkan minggu ini.",
    "Petugas telah turun ke lokasi bersama aparat kelurahan setempat untuk verifikasi.",
    "Laporan Anda sedang kami koordinasikan dengan bidang teknis terkait. Kami akan "
    "menyampaikan perkembangannya.",
)
DESK_FOLLOW_UPS = (
    "Terima kasih atas laporan Anda. Laporan telah kami terima dan sedang kami periksa.",
    "Kami sedang memeriksa data dan berkas yang terkait dengan laporan Anda.",
    "Laporan Anda sedang kami koordinasikan dengan bidang terkait. Kami akan "
    "menyampaikan perkembangannya.",
    "Petugas kami akan menghubungi Anda untuk meminta keterangan tambahan bila perlu.",
)

# The final answer, by top-level category: what that kind of work ends with.
TOPIC_ANSWERS: dict[str, tuple[str, ...]] = {
    "infrastruktur": (
        "Perbaikan telah selesai dikerjakan oleh tim pemeliharaan. Terlampir foto sebelum "
        "dan sesudah. Terima kasih atas partisipasi Anda.",
        "Lokasi telah kami tangani dan masuk jadwal pemeliharaan rutin agar tidak terulang.",
    ),
    "kesehatan": (
        "Kami telah menegur pengelola layanan kesehatan terkait dan menambah petugas di jam "
        "sibuk. Silakan hubungi kami bila masih terjadi.",
        "Status kepesertaan dan layanan Anda telah kami periksa dan dipulihkan.",
    ),
    "pendidikan": (
        "Dinas pendidikan telah memeriksa sekolah terkait dan meminta perbaikan. Hasilnya "
        "akan dipantau oleh pengawas sekolah.",
        "Data pendaftaran telah kami periksa ulang bersama panitia dan hasilnya sudah "
        "disampaikan kepada Anda.",
    ),
    "kependudukan": (
        "Dokumen kependudukan Anda telah selesai dicetak dan dapat diambil di kantor "
        "Disdukcapil dengan membawa bukti pengajuan.",
        "Data kependudukan Anda telah diperbaiki dan dapat dicek kembali mulai hari ini.",
    ),
    "bansos": (
        "Data Anda telah kami verifikasi ulang bersama pendamping dan diusulkan dalam "
        "pemutakhiran data penerima bantuan.",
        "Penyaluran bantuan telah kami periksa dan oknum yang memotong bantuan sudah ditindak.",
    ),
    "listrik": (
        "Petugas PLN telah memperbaiki jaringan dan aliran listrik kembali normal.",
        "Meteran telah diperiksa petugas dan tagihan Anda telah dikoreksi.",
    ),
    "energi": (
        "Pasokan telah ditambah dan pangkalan serta SPBU terkait telah diperiksa dan "
        "diberi sanksi.",
    ),
    "transportasi": (
        "Petugas dinas perhubungan telah menertibkan lokasi dan akan berpatroli rutin.",
        "Perangkat lalu lintas telah diperbaiki dan berfungsi kembali.",
    ),
    "lingkungan": (
        "Petugas kebersihan dan lingkungan hidup telah menangani lokasi. Jadwal "
        "pengangkutan dan pengawasan ditambah.",
        "Usaha terkait telah diperiksa dan diberi teguran tertulis untuk menghentikan pelanggaran.",
    ),
    "ketertiban": ("Satpol PP telah menertibkan lokasi dan akan melakukan pengawasan berkala.",),
    "pertanahan": (
        "Berkas Anda telah kami periksa; proses sertifikat dilanjutkan dan jadwal "
        "pengukuran telah disampaikan.",
    ),
    "pajak": (
        "Perhitungan pajak telah kami periksa ulang dan penjelasannya telah kami kirimkan. "
        "Anda dapat mengajukan keberatan bila tidak setuju.",
    ),
    "pungli": (
        "Laporan telah kami teruskan ke inspektorat. Petugas yang bersangkutan sedang "
        "diperiksa dan pungutan dihentikan.",
    ),
    "bencana": (
        "Tim BPBD telah menangani lokasi dan bantuan telah disalurkan kepada warga terdampak.",
    ),
    "ketenagakerjaan": (
        "Pengawas ketenagakerjaan telah memanggil perusahaan; hak pekerja wajib dibayarkan "
        "sesuai ketentuan.",
    ),
    "perizinan": (
        "Permohonan izin telah kami periksa dan prosesnya dilanjutkan. Status terbaru "
        "dapat dilihat di sistem perizinan.",
    ),
    "air_bersih": (
        "Petugas PDAM telah memperbaiki jaringan dan aliran air kembali normal.",
        "Meteran air telah dicatat ulang dan tagihan Anda telah dikoreksi.",
    ),
    "telekomunikasi": (
        "Laporan telah kami teruskan ke operator dan nomor atau situs terkait telah diblokir.",
    ),
    "kepegawaian": (
        "Pegawai yang bersangkutan telah dipanggil dan diberi pembinaan oleh atasannya.",
    ),
    "pangan": (
        "Dinas terkait telah memeriksa lapangan dan pasokan telah ditambah melalui "
        "operasi pasar dan penyaluran resmi.",
    ),
    "keuangan": (
        "Laporan telah kami teruskan ke OJK dan Satgas PASTI untuk ditindak; simpan "
        "bukti-bukti yang Anda miliki.",
    ),
    "keagamaan": (
        "Kantor Kementerian Agama telah memeriksa laporan Anda dan meminta pihak terkait "
        "memenuhi kewajibannya.",
    ),
    "pelayanan_umum": (
        "Petugas yang bersangkutan telah diberi pembinaan dan layanan telah diperbaiki. "
        "Terima kasih atas masukan Anda.",
    ),
    "lainnya": (
        "Laporan telah kami tangani bersama perangkat daerah terkait. Silakan hubungi "
        "kami kembali bila masih terjadi.",
    ),
}
ASPIRATION_ANSWERS = (
    "Terima kasih atas usulan Anda. Usulan ini sudah kami masukkan ke dalam rencana "
    "kerja dan anggaran tahun depan.",
    "Usulan Anda akan kami bahas dalam musyawarah perencanaan pembangunan berikutnya.",
)
INFORMATION_ANSWERS = (
    "Informasi yang Anda minta: persyaratan dan jadwal layanan telah kami kirimkan "
    "beserta tautan formulir daring.",
    "Informasi yang Anda minta telah kami kirimkan; salinan dokumen dapat diambil di "
    "loket layanan informasi.",
)

# What other citizens write under a public report they support.
COMMENTS = (
    "Saya juga mengalami hal yang sama.",
    "Betul, kondisinya masih sama sampai hari ini.",
    "Mohon segera ditindaklanjuti, banyak warga yang terdampak.",
    "Terima kasih sudah melaporkan, semoga cepat ditangani.",
    "Di tempat saya juga begitu, sudah lama dibiarkan.",
    "Sudah ada perkembangan? Saya ikut memantau laporan ini.",
)

# The verifier's note when a report is the same case as one already filed.
DUPLICATE_NOTE = (
    "Laporan yang sama sudah ditindaklanjuti; silakan ikuti perkembangannya di laporan asli."
)


@dataclass(frozen=True, slots=True)
class Wording:
    """What a report's handlers write: follow-ups and final answers for its kind of
    work, never a pothole's answer on an ID card."""

    follow_ups: tuple[str, ...]
    answers: tuple[str, ...]


def wording(category: str, report_type: str) -> Wording:
    topic = category.split(".")[0]
    follow_ups = FIELD_FOLLOW_UPS if topic in FIELD_TOPICS else DESK_FOLLOW_UPS
    if report_type == "aspiration":
        return Wording(DESK_FOLLOW_UPS, ASPIRATION_ANSWERS)
    if report_type == "information_request":
        return Wording(DESK_FOLLOW_UPS, INFORMATION_ANSWERS)
    return Wording(follow_ups, TOPIC_ANSWERS[topic])


def mistake(category: str) -> str:
    """The category a hasty citizen picks for a report of ``category``."""
    return MISTAKES.get(category.split(".")[0], MISTAKE_DEFAULT)

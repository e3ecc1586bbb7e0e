"""Indonesian dates as the site writes them: "10 Desember 2026", "10 Des 2026",
"10 Des 2026 14:30" (the month's short name without a full stop). Input formats are
Django's."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"

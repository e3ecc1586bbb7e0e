"""Character set names a Kannel request may carry. Codec names Python knows that are
no character set for an SMS (they fail on any text, or turn it into something
else) once made the endpoint answer 500; the ones Kannel does send; and nonsense."""

NOT_SMS = [
    "punycode",
    "rot13",
    "rot_13",
    "base64",
    "zlib",
    "bz2",
    "idna",
    "uu",
    "hex",
    "quopri",
    "utf-16",
    "utf-16-le",
    "utf-32",
    "utf-7",
    "unicode_escape",
    "raw_unicode_escape",
    "cp037",
    "mbcs",
    "GSM",
    "binary",
]
SMS = ["UTF-8", "utf8", "ISO-8859-1", "latin1", "WINDOWS-1252", "UTF-16BE", "UTF16-BE", "UCS-2"]
NONSENSE = ["", "\x00"]

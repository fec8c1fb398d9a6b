"""Attachments are judged by their content: type, size, zip bombs, server-chosen names."""

import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kejiju import uploads

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def ooxml(main_part: str, extra: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<root/>")
        for n in range(extra):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", "")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return ooxml("word/document.xml")


def xlsx_bytes() -> bytes:
    return ooxml("xl/workbook.xml")


def size_bomb_xlsx() -> bytes:
    """A small xlsx whose central directory declares a 4 GB part."""
    data = bytearray(xlsx_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        data[at + 24 : at + 28] = struct.pack("<I", 0xFFFFFFF0)  # uncompressed size
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def upload(name: str, content: bytes):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


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
    with pytest.raises(ValidationError) as exc:
        uploads.inspect(upload("申报书.pdf", EXE_BYTES))
    assert "文件内容不是允许的类型" in exc.value.messages[0]


def test_size_bomb_xlsx_is_refused():
    with pytest.raises(ValidationError) as exc:
        uploads.inspect(upload("财务报表.xlsx", size_bomb_xlsx()))
    assert exc.value.code == "zip_bomb"


def test_xlsx_with_too_many_entries_is_refused():
    with pytest.raises(ValidationError) as exc:
        uploads.inspect(upload("a.xlsx", ooxml("xl/workbook.xml", extra=uploads.MAX_ZIP_ENTRIES)))
    assert exc.value.code == "zip_bomb"


def test_a_plain_zip_is_not_ooxml():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError) as exc:
        uploads.inspect(upload("a.docx", buffer.getvalue()))
    assert exc.value.code == "not_ooxml"


def test_damaged_zip_is_refused():
    with pytest.raises(ValidationError) as exc:
        uploads.inspect(upload("a.xlsx", b"PK\x03\x04garbage"))
    assert exc.value.code == "damaged"


def test_too_large_and_empty_files(settings):
    settings.KEJIJU_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        uploads.inspect(upload("a.pdf", PDF_BYTES + b"0" * 200))
    assert "超过上限" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        uploads.inspect(upload("a.pdf", b""))


def test_only_the_kinds_asked_for():
    with pytest.raises(ValidationError) as exc:
        uploads.inspect(upload("a.png", PNG_BYTES), kinds=(uploads.PDF,))
    assert "只接受 PDF" in exc.value.messages[0]


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
    form = Form(data={}, files={"file": upload("a.pdf", PDF_BYTES)})
    assert form.is_valid()
    assert form.cleaned_data["file"].inspected.kind == "pdf"

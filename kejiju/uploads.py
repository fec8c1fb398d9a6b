"""Attachments uploaded by users: checked by what they contain, stored under names the server
chooses, and served only through a view that first checks who asks.

Only PDF, JPEG, PNG, DOCX and XLSX are accepted, whatever the file is called: the type comes from
the first bytes (and, for the two Office formats, from the parts inside the zip). DOCX and XLSX
are zip archives, so a file whose entries are too many or whose declared uncompressed size is
absurd (a zip bomb) is refused before anything unpacks it.

Usage in a form: ``file = AttachmentField()``; its ``cleaned_data`` is the uploaded file with an
``inspected`` attribute (:class:`Inspected`). Store it with ``storage_name(prefix, inspected)``
and serve it with ``protected_download(field_file, filename=..., content_type=...)`` from a view
that has already checked permission (e.g. fetched the record through ``visible_to(user)``).
"""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils import timezone

PDF, JPEG, PNG, DOCX, XLSX = "pdf", "jpeg", "png", "docx", "xlsx"
ALL_KINDS = (PDF, JPEG, PNG, DOCX, XLSX)

CONTENT_TYPES = {
    PDF: "application/pdf",
    JPEG: "image/jpeg",
    PNG: "image/png",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", DOCX: ".docx", XLSX: ".xlsx"}
LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", DOCX: "Word（DOCX）", XLSX: "Excel（XLSX）"}

# A real DOCX or XLSX of a few MB has a few hundred parts and unpacks to tens of MB.
MAX_ZIP_ENTRIES = 2000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
HEAD_BYTES = 8

OOXML_MAIN_PART = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}


@dataclass(frozen=True)
class Inspected:
    kind: str
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.kind]


def allowed_text(kinds=ALL_KINDS) -> str:
    return "、".join(LABELS[k] for k in kinds)


def sniff(head: bytes) -> str | None:
    """The kind named by the file's first bytes: ``pdf``, ``jpeg``, ``png``, ``zip`` or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def zip_bomb_problem(archive: zipfile.ZipFile) -> str | None:
    """Why the archive must not be unpacked (too many entries, absurd declared size or
    compression ratio), or None. The declared sizes bound what unpacking reads: zipfile stops at
    the declared size and fails the CRC check if the data goes on."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        return f"文件包含 {len(entries)} 个压缩条目，超过上限 {MAX_ZIP_ENTRIES}，已拒收。"
    declared = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries) or 1
    if declared > MAX_UNCOMPRESSED_BYTES or declared / packed > MAX_COMPRESSION_RATIO:
        return "文件解压后的声明大小异常（疑似压缩炸弹），已拒收。"
    return None


def ooxml_kind(file) -> str:
    """DOCX or XLSX by the parts of the zip; raises ValidationError for a zip bomb, a damaged
    archive or a zip that is not an Office Open XML document."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            problem = zip_bomb_problem(archive)
            if problem:
                raise ValidationError(problem, code="zip_bomb")
            names = {e.filename for e in archive.infolist()}
    except zipfile.BadZipFile:
        raise ValidationError("文件已损坏，无法读取。", code="damaged") from None
    finally:
        file.seek(0)
    if "[Content_Types].xml" in names:
        for kind, part in OOXML_MAIN_PART.items():
            if part in names:
                return kind
    raise ValidationError("该压缩文件不是 Word（DOCX）或 Excel（XLSX）文档。", code="not_ooxml")


def inspect(file, *, kinds=ALL_KINDS, max_bytes: int | None = None) -> Inspected:
    """Checks an uploaded file and says what it is; raises ValidationError with a Chinese
    message at the first problem."""
    limit = max_bytes or settings.KEJIJU_MAX_UPLOAD_BYTES
    size = file.size
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size == 0:
        raise ValidationError("文件为空。", code="empty")
    if size > limit:
        raise ValidationError(
            f"文件大小 {size / 1024 / 1024:.1f} MB，超过上限 {limit / 1024 / 1024:.0f} MB。",
            code="too_large",
        )
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    kind = sniff(head)
    if kind == "zip":
        kind = ooxml_kind(file)
    if kind not in kinds:
        raise ValidationError(
            f"文件内容不是允许的类型（只接受 {allowed_text(kinds)}），请勿仅修改文件扩展名。",
            code="type",
        )
    digest = hashlib.sha256()
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
        digest.update(chunk)
    file.seek(0)
    return Inspected(kind=kind, size=size, sha256=digest.hexdigest())


def storage_name(prefix: str, inspected: Inspected) -> str:
    """A name chosen by the server: nothing of the user's file name reaches the disk."""
    today = timezone.localdate()
    return f"{prefix}/{today:%Y/%m}/{uuid.uuid4().hex}{inspected.extension}"


def clean_display_name(name: str, inspected: Inspected) -> str:
    """The name offered on download: the user's base name (no path) with the real extension."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(c for c in stem if c.isprintable() and c not in '"<>|:*?')[:80] or "附件"
    return stem + inspected.extension


class AttachmentField(forms.FileField):
    """A form field that accepts only the allowed kinds, checked by content."""

    def __init__(self, *args, kinds=ALL_KINDS, max_bytes: int | None = None, **kwargs):
        self.kinds = kinds
        self.max_bytes = max_bytes
        kwargs.setdefault("help_text", f"只接受 {allowed_text(kinds)}，不超过 20 MB。")
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ",".join(EXTENSIONS[k] for k in kinds))

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if file and not getattr(file, "inspected", None) and hasattr(file, "read"):
            file.inspected = inspect(file, kinds=self.kinds, max_bytes=self.max_bytes)
        return file


def protected_download(field_file, *, filename: str, content_type: str) -> FileResponse:
    """Streams a stored file as a download. Call it only after the permission check: the file
    has no public URL (nothing is served from MEDIA_URL)."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""Attachments uploaded by users: checked by their structure, stored under names the server
chooses, and served only through a view that first checks who asks.

Only PDF, JPEG, PNG, DOCX and XLSX are accepted, whatever the file is called. The first bytes
say which format a file claims to be; the file is then read as that format, and refused unless
it is a well-formed file of it with nothing else riding along (a file that only starts like a
PDF or a PNG is a polyglot: an HTML page or a script a browser could be made to run):

- PDF: pypdf must read it (cross-reference table, catalog, page tree: one to ``MAX_PDF_PAGES``
  pages), and no object of it may carry active content: JavaScript (``/JavaScript``, ``/JS``),
  launch actions (``/Launch``), additional actions run on events (``/AA``), an ``/OpenAction``
  other than going to a page, embedded files (``/EmbeddedFile(s)``, ``/EF``, file attachment
  annotations, which would smuggle any file past these checks), Flash (``/RichMedia``) or XFA
  forms (``/XFA``, which run scripts). Every object is looked at, those packed in object streams
  included, but no page content is decompressed; object streams are decompressed up to
  ``MAX_PDF_DECODED_BYTES`` in all and the whole check stops after ``PDF_CHECK_SECONDS``. A PDF
  that only opens with a password cannot be checked and is refused.
- JPEG and PNG: Pillow decodes every pixel (at most ``MAX_IMAGE_PIXELS``), and the file must
  end where the image ends (the JPEG's end-of-image marker, the PNG's ``IEND`` chunk): data
  appended after it is refused. Further complete JPEG images (a camera's multi-picture file)
  are the only thing allowed after a JPEG.
- DOCX and XLSX are zip packages: a package whose entries are too many or whose declared
  uncompressed size is absurd (a zip bomb) is refused before anything unpacks it. It must have
  ``[Content_Types].xml`` declaring the main part (``word/document.xml`` or
  ``xl/workbook.xml``) as a Word document or an Excel workbook, and every member must be of a
  kind such a document holds: XML parts, relationships, legacy VML drawings, pictures, fonts,
  printer settings, and Excel or Word packages embedded for charts (checked the same way). Refused
  are macros (``vbaProject.bin``, macro-enabled content types: .docm/.xlsm saved as .docx),
  ActiveX controls, OLE objects (``.bin``), web pages, scripts and SVG (which can carry script),
  programs, anything else unknown, and relationships that fetch a template, an OLE object or a
  frame from outside the document (how a macro-free document loads macros).

Usage in a form: ``file = AttachmentField()``; its ``cleaned_data`` is the uploaded file with an
``inspected`` attribute (:class:`Inspected`). Store it with ``storage_name(prefix, inspected)``
and serve it with ``protected_download(field_file, filename=..., content_type=...)`` from a view
that has already checked permission (e.g. fetched the record through ``visible_to(user)``).
"""

from __future__ import annotations

import hashlib
import io
import logging
import posixpath
import re
import time
import uuid
import zipfile
import zlib
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

# A 600 dpi scan of an A4 page is 35 million pixels; decoding 50 million takes about 150 MB.
MAX_IMAGE_PIXELS = 50_000_000

MAX_PDF_PAGES = 5000
MAX_PDF_OBJECTS = 1_000_000
MAX_PDF_DECODED_BYTES = 64 * 1024 * 1024  # object streams, all together
PDF_CHECK_SECONDS = 15.0
# pypdf logs each repair it makes to a damaged file (a file refused anyway, or accepted as the
# viewers would read it): noise in the server's log, in words an uploader chose.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class Refused(ValidationError):
    """A ValidationError raised by the checks below (a subclass only to tell ours apart from
    whatever a parser raises)."""


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
    """The kind the file's first bytes claim: ``pdf``, ``jpeg``, ``png``, ``zip`` or None. Only a
    claim: :func:`check_structure` decides whether the file is one."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


# ---- PDF ----------------------------------------------------------------------------------------

# Names that make a PDF do something besides showing its pages, and what to call them.
PDF_ACTIVE = {
    "/JavaScript": "JavaScript 脚本",
    "/JS": "JavaScript 脚本",
    "/Launch": "启动外部程序的动作（/Launch）",
    "/AA": "随事件自动执行的附加动作（/AA）",
    "/EmbeddedFiles": "内嵌文件（/EmbeddedFiles）",
    "/EmbeddedFile": "内嵌文件（/EmbeddedFile）",
    "/EF": "内嵌文件（/EF）",
    "/FileAttachment": "文件附件注释（/FileAttachment）",
    "/RichMedia": "Flash 等富媒体内容（/RichMedia）",
    "/XFA": "可运行脚本的 XFA 动态表单（/XFA）",
}
PDF_REDO = "请用原软件（或“打印为 PDF”）重新导出一份不含脚本和附件的 PDF 后上传。"


def pdf_damaged(detail: str = "") -> Refused:
    return Refused(
        "文件不是有效的 PDF：无法按 PDF 结构读取"
        f"{detail or '（文件已损坏，或是伪装成 PDF 的其他文件）'}，请用原软件重新导出 PDF 后上传。",
        code="pdf_damaged",
    )


def _pdf_active(obj) -> str | None:
    """What active content a PDF object carries itself (its direct sub-objects included; the
    indirect ones are looked at on their own), or None."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, DictionaryObject):
            pairs = item.items()
        elif isinstance(item, ArrayObject):
            pairs = ((None, v) for v in item)
        else:
            continue
        for key, value in pairs:
            if key in PDF_ACTIVE:
                return PDF_ACTIVE[key]
            if isinstance(value, NameObject) and value in PDF_ACTIVE:
                return PDF_ACTIVE[value]
            if key == "/OpenAction":  # a page to open at, or an action run on opening
                action = value.get_object() if isinstance(value, IndirectObject) else value
                kind = action.get("/S") if isinstance(action, DictionaryObject) else "/GoTo"
                if kind in PDF_ACTIVE:
                    return PDF_ACTIVE[kind]
                if kind != "/GoTo":
                    return f"打开文件时自动执行的动作（/OpenAction {kind}）"
            if isinstance(value, DictionaryObject | ArrayObject):
                stack.append(value)
    return None


def _pdf_decrypts(reader) -> bool:
    """Whether the PDF opens without a password (it may still have one for permissions)."""
    from pypdf import PasswordType

    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except Exception:
        return False


def check_pdf(data: bytes) -> None:
    from pypdf import PdfReader, apply_configuration
    from pypdf.generic import IndirectObject, StreamObject

    deadline = time.monotonic() + PDF_CHECK_SECONDS
    problem = None
    # Object streams and cross-reference streams are the only streams decompressed here.
    limit = 16 * 1024 * 1024
    try:
        with apply_configuration(
            zlib_maximum_output_length=limit,
            lzw_maximum_output_length=limit,
            run_length_maximum_output_length=limit,
            brotli_maximum_output_length=limit,
            array_based_stream_maximum_output_length=limit,
            page_tree_maximum_entries=4 * MAX_PDF_PAGES,
        ):
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not _pdf_decrypts(reader):
                raise Refused(
                    "PDF 设有打开密码，无法检查其内容，请去除密码后重新导出再上传。",
                    code="pdf_encrypted",
                )
            root = reader.trailer.get("/Root")
            root = root.get_object() if root is not None else None
            if not hasattr(root, "get") or root.get("/Type") not in ("/Catalog", None):
                raise pdf_damaged("（缺少文档目录）")
            pages = len(reader.pages)
            if pages == 0:
                raise pdf_damaged("（文件中没有任何页面）")
            if pages > MAX_PDF_PAGES:
                raise Refused(
                    f"PDF 共 {pages} 页，超过上限 {MAX_PDF_PAGES} 页，请拆分后上传。",
                    code="pdf_pages",
                )
            references = [
                IndirectObject(number, generation, reader)
                for generation, table in reader.xref.items()
                for number in table
            ] + [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
            if len(references) > MAX_PDF_OBJECTS:
                raise Refused(
                    f"PDF 含有 {len(references)} 个对象，结构异常，已拒收。", code="pdf_complex"
                )
            problem = _pdf_active(reader.trailer)
            decoded, streams = 0, set()
            for reference in references:
                if problem:
                    break
                if time.monotonic() > deadline:
                    raise Refused(
                        "PDF 结构过于复杂，无法在限定时间内完成检查，已拒收。", code="pdf_complex"
                    )
                packed_in = reader.xref_objStm.get(reference.idnum, (None,))[0]
                if packed_in is not None and packed_in not in streams:
                    streams.add(packed_in)
                    stream = reader.get_object(packed_in)
                    decoded += len(stream.get_data()) if isinstance(stream, StreamObject) else 0
                    if decoded > MAX_PDF_DECODED_BYTES:
                        raise Refused(
                            "PDF 的压缩对象解压后过大（疑似压缩炸弹），已拒收。",
                            code="pdf_complex",
                        )
                problem = _pdf_active(reference.get_object())
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on a file it cannot read
        raise pdf_damaged() from exc
    if problem:
        raise Refused(
            f"PDF 中含有不允许的内容：{problem}，为安全起见不予接收。{PDF_REDO}", code="pdf_active"
        )


# ---- JPEG and PNG -------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# In a JPEG's entropy-coded data, 0xFF is followed by 0x00 (a stuffed byte), a restart marker
# 0xD0–0xD7 or another 0xFF (fill); anything else is the next marker.
JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def png_end(data: bytes) -> int | None:
    """Where the PNG ends: the offset after its IEND chunk, walking the chunks; None if the chunks
    do not lead to one."""
    at = len(PNG_SIGNATURE)
    while at + 12 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        at += 12 + length
        if kind == b"IEND":
            return at if at <= len(data) else None
    return None


def jpeg_end(data: bytes, start: int = 0) -> int | None:
    """Where the JPEG that starts at ``start`` ends: the offset after its end-of-image marker,
    walking the segments and the compressed scans; None if they do not lead to one."""
    if data[start : start + 2] != b"\xff\xd8":
        return None
    at = start + 2
    while at + 1 < len(data):
        if data[at] != 0xFF:  # stray bytes before a marker: decoders skip them, so does this
            at = data.find(b"\xff", at)
            if at == -1:
                return None
            continue
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        at += 2
        if marker == 0xD9:  # end of image
            return at
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a segment
            continue
        if at + 2 > len(data):
            return None
        length = int.from_bytes(data[at : at + 2], "big")
        if length < 2:
            return None
        at += length
        if marker == 0xDA:  # start of scan: compressed data up to the next marker
            found = JPEG_MARKER.search(data, at)
            if not found:
                return None
            at = found.start()
    return None


def image_end(data: bytes, kind: str) -> int | None:
    if kind == PNG:
        return png_end(data)
    end = jpeg_end(data)
    # A multi-picture JPEG (MPO: a camera's second view or depth map) carries further complete
    # JPEG images after the first.
    while end is not None and data.startswith(b"\xff\xd8", end):
        end = jpeg_end(data, end)
    return end


def check_image(data: bytes, kind: str) -> None:
    from PIL import Image

    label = LABELS[kind]
    damaged = Refused(
        f"文件不是有效的 {label} 图片：无法完整解码（文件已损坏、被截断，或是伪装成图片的其他文件），"
        "请重新导出后上传。",
        code="image_damaged",
    )
    end = image_end(data, kind)
    if end is None:
        raise damaged
    if data[end:].strip(b"\x00"):
        raise Refused(
            f"{label} 图片结束之后还附带了 {len(data) - end} 字节的其他数据（可能夹带网页或脚本），"
            "已拒收。请用看图软件另存一份后上传。",
            code="image_trailing",
        )
    formats = {PNG: ("PNG",), JPEG: ("JPEG", "MPO")}[kind]
    try:
        with Image.open(io.BytesIO(data), formats=formats) as probe:
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise Refused(
                    f"图片尺寸过大（{width}×{height}，超过 {MAX_IMAGE_PIXELS // 10_000} 万像素），"
                    "请缩小后再上传。",
                    code="image_too_large",
                )
            probe.verify()  # a PNG's chunk checksums
        with Image.open(io.BytesIO(data), formats=formats) as image:
            image.load()  # every pixel
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise Refused(
            f"图片尺寸过大（超过 {MAX_IMAGE_PIXELS // 10_000} 万像素），请缩小后再上传。",
            code="image_too_large",
        ) from exc
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError… on bad data
        raise damaged from exc


# ---- DOCX and XLSX ------------------------------------------------------------------------------

OOXML_MAIN_PART = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}
OOXML = "application/vnd.openxmlformats-officedocument."
OOXML_MAIN_TYPES = {
    DOCX: (
        OOXML + "wordprocessingml.document.main+xml",
        OOXML + "wordprocessingml.template.main+xml",
    ),
    XLSX: (OOXML + "spreadsheetml.sheet.main+xml", OOXML + "spreadsheetml.template.main+xml"),
}
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_XML_PART_BYTES = 4 * 1024 * 1024  # [Content_Types].xml and the .rels parts read here

# What the members of a Word or Excel package are, by extension.
OOXML_PART_EXTENSIONS = {"xml", "rels", "vml"}
OOXML_MEDIA_EXTENSIONS = {
    "png", "jpeg", "jpg", "jpe", "jfif", "gif", "bmp", "dib", "tif", "tiff",
    "emf", "wmf", "emz", "wmz", "wdp", "jxr",
}  # fmt: skip
OOXML_FONT_EXTENSIONS = {"odttf", "ttf", "otf", "fntdata"}
OOXML_OTHER_EXTENSIONS = {"sigs", "data"}  # digital signature origin, Excel data model
# Binary parts that hold data, not code: a printer's settings, an Excel custom property.
OOXML_DATA_BIN = re.compile(r"(^|/)(printersettings/printersettings|customproperty)\d*\.bin$")
# Packages embedded for a chart's data: checked like the upload itself, one level deep.
OOXML_NESTED = {"xlsx": XLSX, "docx": DOCX}
# Relationships that fetch code from outside the document: a remote template (with macros), an
# OLE object, a frame.
EXTERNAL_FETCHES = ("/attachedTemplate", "/oleObject", "/frame", "/subDocument")

SCRIPT_EXTENSIONS = {"html", "htm", "xhtml", "mht", "mhtml", "js", "mjs", "vbs", "svg", "hta"}
PROGRAM_EXTENSIONS = {"exe", "dll", "com", "scr", "bat", "cmd", "ps1", "msi", "jar", "lnk"}


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


def _xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """A small XML part parsed without DTDs, entities or network access; None if it is too large,
    not well-formed or declares a DTD (Office never writes one)."""
    from lxml import etree

    if info.file_size > MAX_XML_PART_BYTES:
        return None
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(archive.read(info), parser)
    except etree.XMLSyntaxError:
        return None
    return None if root.getroottree().docinfo.doctype else root


def _member_problem(name: str, kind: str) -> str | None:
    """Why a member of a DOCX/XLSX must not be there, or None."""
    lower = name.lower()
    extension = lower.rsplit(".", 1)[-1] if "." in posixpath.basename(lower) else ""
    if "vbaproject" in lower or "vbadata" in lower or "attachedtoolbars" in lower:
        return "宏代码"
    if "activex" in lower:
        return "ActiveX 控件"
    if extension in SCRIPT_EXTENSIONS:
        return "网页、脚本或可携带脚本的 SVG 图形"
    if extension in PROGRAM_EXTENSIONS:
        return "可执行程序"
    if extension == "bin":
        return None if OOXML_DATA_BIN.search(lower) else "嵌入的 OLE 对象"
    if lower == "[content_types].xml" or extension in OOXML_PART_EXTENSIONS:
        return None
    if extension in OOXML_MEDIA_EXTENSIONS | OOXML_FONT_EXTENSIONS | OOXML_OTHER_EXTENSIONS:
        return None
    if extension in OOXML_NESTED and "/embeddings/" in f"/{lower}":
        return None
    return "不属于该格式的文件"


def _check_package(archive: zipfile.ZipFile, kind: str, refuse, *, nested: bool = False) -> None:
    """Refuses (through ``refuse(message, code)``) a package with a member a Word or Excel
    document does not hold, macros, or relationships that fetch code from outside."""
    entries = [e for e in archive.infolist() if not e.is_dir()]
    names = [e.filename for e in entries]
    if len({n.lower() for n in names}) != len(names):
        refuse("中有重名的部件", "ooxml_member")
    for name in names:
        if name.startswith("/") or "\\" in name or ".." in name.split("/") or ":" in name:
            refuse(f"中有路径异常的部件「{name[:80]}」", "ooxml_member")
        why = _member_problem(name, kind)
        if not why and nested and name.lower().rsplit(".", 1)[-1] in OOXML_NESTED:
            why = "多层嵌入的文档"
        if why:
            refuse(f"中含有不允许的内容「{name[:80]}」（{why}）", "ooxml_member")

    content_types = _xml(archive, archive.getinfo("[Content_Types].xml"))
    if content_types is None or content_types.tag != f"{CONTENT_TYPES_NS}Types":
        refuse("的内容类型清单（[Content_Types].xml）无法读取", "not_ooxml")
    declared = " ".join(str(v) for v in content_types.xpath("//@ContentType")).lower()
    if "macroenabled" in declared or "vbaproject" in declared or "activex" in declared:
        refuse("启用了宏（.docm/.xlsm 等，或含 VBA 工程、ActiveX 控件）", "ooxml_macro")
    main = "/" + OOXML_MAIN_PART[kind]
    main_type = next(
        (
            o.get("ContentType")
            for o in content_types.iter(f"{CONTENT_TYPES_NS}Override")
            if (o.get("PartName") or "").lower() == main
        ),
        None,
    )
    if main_type not in OOXML_MAIN_TYPES[kind]:
        refuse(f"的主体部件「{main[1:]}」没有声明为 {LABELS[kind]}的内容类型", "not_ooxml")

    for info in entries:
        lower = info.filename.lower()
        if lower.endswith(".rels"):
            rels = _xml(archive, info)
            if rels is None:
                refuse(f"的关系部件「{info.filename[:80]}」无法读取", "ooxml_member")
            for rel in rels.iter(f"{RELATIONSHIPS_NS}Relationship"):
                if rel.get("TargetMode") == "External" and (rel.get("Type") or "").endswith(
                    EXTERNAL_FETCHES
                ):
                    refuse(
                        f"引用了文档之外的模板或对象「{(rel.get('Target') or '')[:80]}」"
                        "（可借此加载宏）",
                        "ooxml_external",
                    )
        nested_kind = OOXML_NESTED.get(lower.rsplit(".", 1)[-1])
        if nested_kind and not nested:
            _check_nested(archive.read(info), nested_kind, info.filename, refuse)


def _check_nested(data: bytes, kind: str, name: str, refuse) -> None:
    """A Word or Excel package embedded in the upload (a chart's data), checked like it."""

    def refuse_inner(message: str, code: str):
        refuse(f"中嵌入的文档「{name[:80]}」{message}", code)

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            if zip_bomb_problem(inner):
                refuse_inner("解压后的声明大小异常（疑似压缩炸弹）", "zip_bomb")
            names = set(inner.namelist())
            if "[Content_Types].xml" not in names or OOXML_MAIN_PART[kind] not in names:
                refuse_inner("无法识别", "ooxml_member")
            _check_package(inner, kind, refuse_inner, nested=True)
    except zipfile.BadZipFile:
        refuse_inner("已损坏", "ooxml_member")


def check_ooxml(file, kind: str) -> None:
    def refuse(message: str, code: str):
        raise Refused(
            f"{LABELS[kind]}文档{message}，已拒收。"
            f"请用 Word、Excel 或 WPS 打开后另存为 {EXTENSIONS[kind]} 再上传。",
            code=code,
        )

    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            _check_package(archive, kind, refuse)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError) as exc:
        raise ValidationError("文件已损坏，无法读取。", code="damaged") from exc
    finally:
        file.seek(0)


# ---- every upload -------------------------------------------------------------------------------


def check_structure(file, kind: str) -> None:
    """Raises ValidationError unless the file is a well-formed ``kind`` with nothing hidden in it
    (see the module's docstring)."""
    if kind in (DOCX, XLSX):
        check_ooxml(file, kind)
        return
    file.seek(0)
    data = file.read()
    file.seek(0)
    if kind == PDF:
        check_pdf(data)
    else:
        check_image(data, kind)


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
    check_structure(file, kind)
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

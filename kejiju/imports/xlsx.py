"""A streaming reader for the first sheet of an .xlsx workbook.

openpyxl's read-only mode builds a cell object, resolves its style and converts its value for
every cell, which makes reading 50,000 rows take longer than validating and writing them. This
reader parses the sheet XML with lxml's ``iterparse`` and only does the conversions an import
needs: shared and inline strings, numbers, booleans, and numbers whose number format is a date.
Workbooks it does not understand (strict OOXML, exotic parts) raise :class:`UnsupportedWorkbook`
and the caller falls back to openpyxl.
"""

import datetime as dt
import posixpath
import re
import zipfile

from lxml import etree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Built-in number formats that show dates or times (ECMA-376 §18.8.30 and the CJK ones).
BUILTIN_DATE_FORMATS = {
    14,
    15,
    16,
    17,
    18,
    19,
    20,
    21,
    22,
    27,
    28,
    29,
    30,
    31,
    32,
    33,
    34,
    35,
    36,
    45,
    46,
    47,
    50,
    51,
    52,
    53,
    54,
    55,
    56,
    57,
    58,
}
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


class UnsupportedWorkbook(Exception):
    pass


def _is_date_format(code: str) -> bool:
    code = _QUOTED.sub("", code).lower()
    return any(ch in code for ch in "ymdhs") and "general" not in code


_V = f"{MAIN}v"
_T = f"{MAIN}t"
_RPH = f"{MAIN}rPh"


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_index(ref: str) -> int:
    index = 0
    for letter in ref:
        if letter > "Z" or letter < "A":
            break
        index = index * 26 + ord(letter) - 64
    return index - 1


class XlsxReader:
    def __init__(self, handle):
        try:
            self.zip = zipfile.ZipFile(handle)
            workbook = etree.fromstring(self.zip.read("xl/workbook.xml"))
        except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
            raise UnsupportedWorkbook(str(exc)) from exc
        sheet = workbook.find(f"{MAIN}sheets/{MAIN}sheet")
        if sheet is None:
            raise UnsupportedWorkbook("no sheet")
        properties = workbook.find(f"{MAIN}workbookPr")
        date1904 = properties is not None and properties.get("date1904") in ("1", "true")
        self.epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
        self.sheet_path = self._target(sheet.get(f"{REL}id"))
        self.shared = self._shared_strings()
        self.date_styles = self._date_styles()

    def _target(self, rel_id: str) -> str:
        rels = etree.fromstring(self.zip.read("xl/_rels/workbook.xml.rels"))
        for rel in rels.iter(f"{PKG_REL}Relationship"):
            if rel.get("Id") == rel_id:
                target = rel.get("Target")
                if target.startswith("/"):
                    return target.lstrip("/")
                return posixpath.normpath(posixpath.join("xl", target))
        raise UnsupportedWorkbook("sheet part not found")

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.zip.namelist():
            return []
        strings = []
        with self.zip.open("xl/sharedStrings.xml") as source:
            for _, item in etree.iterparse(source, tag=f"{MAIN}si"):
                strings.append(self._text(item))
                item.clear()
        return strings

    @staticmethod
    def _text(element) -> str:
        # Rich text runs are joined; phonetic guides (rPh) are not part of the value.
        parts = [t.text or "" for t in element.iter(_T) if t.getparent().tag != _RPH]
        return parts[0] if len(parts) == 1 else "".join(parts)

    def _date_styles(self) -> set[int]:
        if "xl/styles.xml" not in self.zip.namelist():
            return set()
        styles = etree.fromstring(self.zip.read("xl/styles.xml"))
        custom = {
            int(fmt.get("numFmtId")): fmt.get("formatCode", "")
            for fmt in styles.iter(f"{MAIN}numFmt")
        }
        dates = set()
        cell_xfs = styles.find(f"{MAIN}cellXfs")
        for index, xf in enumerate(cell_xfs if cell_xfs is not None else []):
            fmt = int(xf.get("numFmtId", 0))
            if fmt in BUILTIN_DATE_FORMATS or (fmt in custom and _is_date_format(custom[fmt])):
                dates.add(index)
        return dates

    def dimension_rows(self) -> int | None:
        """Rows in the sheet's <dimension>, if the writer recorded it (Excel and WPS do)."""
        with self.zip.open(self.sheet_path) as source:
            for _, element in etree.iterparse(source, events=("start",)):
                if element.tag == f"{MAIN}dimension":
                    match = re.search(r"(\d+)$", element.get("ref", ""))
                    return int(match.group(1)) if match else None
                if element.tag == f"{MAIN}sheetData":
                    return None
        return None

    def rows(self):
        """(row number, tuple of values); empty rows are not yielded."""
        shared, date_styles, epoch = self.shared, self.date_styles, self.epoch
        text = self._text
        with self.zip.open(self.sheet_path) as source:
            letters = [_column_letters(i) for i in range(64)]
            for _, row in etree.iterparse(source, tag=f"{MAIN}row"):
                values: list = []
                suffix = row.get("r") or ""
                for cell in row:
                    ref = cell.get("r")
                    # Cells are usually in order with none skipped: compare with the expected
                    # reference before working out the column from the letters.
                    position = len(values)
                    if ref is not None and (
                        position >= len(letters) or ref != letters[position] + suffix
                    ):
                        index = _column_index(ref)
                        if index > position:
                            values.extend([None] * (index - position))
                    kind = cell.get("t")
                    if kind == "inlineStr":
                        node = cell[0] if len(cell) else None
                        if node is not None and len(node) == 1 and node[0].tag == _T:
                            value = node[0].text or ""
                        else:
                            value = text(cell)
                    elif len(cell) == 0:
                        value = None
                    else:
                        raw = cell[0].text if cell[0].tag == _V else None
                        if raw is None:
                            node = cell.find(_V)
                            raw = node.text if node is not None else None
                        if raw is None:
                            value = None
                        elif kind is None or kind == "n":
                            number = float(raw)
                            style = cell.get("s")
                            if style is not None and int(style) in date_styles:
                                value = epoch + dt.timedelta(days=number)
                            else:
                                value = int(number) if number.is_integer() else number
                        elif kind == "s":
                            value = shared[int(raw)]
                        elif kind == "b":
                            value = raw == "1"
                        else:  # str (formula result), e (error), d (ISO date)
                            value = raw
                    values.append(value)
                number = int(row.get("r") or 0)
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
                yield number, tuple(values)

    def close(self) -> None:
        self.zip.close()

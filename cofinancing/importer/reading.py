"""Read the sheets of an uploaded workbook into rows of raw cell values.

The file is checked before it is parsed: its size (a 50 MB upload is refused without being
opened), that it is a zip with a workbook inside, and how large it unpacks to (a small zip
can hold gigabytes). openpyxl then streams it (read_only), row by row, up to MAX_ROWS rows
per sheet.
"""

import os
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from cofinancing.importer.cells import is_blank
from cofinancing.importer.result import CellError
from cofinancing.importer.spec import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    OPTIONAL,
    SHEETS,
)


@dataclass(frozen=True)
class Row:
    number: int  # the row number as Excel shows it
    cells: dict  # header → raw value; an optional column the sheet lacks is not in it


class WorkbookRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def file_size(source) -> int:
    if isinstance(source, (str, Path)):
        return os.path.getsize(source)
    size = getattr(source, "size", None)
    if size is not None:
        return size
    position = source.tell()
    source.seek(0, os.SEEK_END)
    size = source.tell()
    source.seek(position)
    return size


def too_large_message() -> str:
    return _("The file is larger than %(size)d MB. Split it or remove what is not needed.") % {
        "size": MAX_FILE_BYTES // (1024 * 1024)
    }


def _check_package(handle) -> None:
    not_a_workbook = _(
        "This file is not an Excel workbook (.xlsx). Save it as .xlsx and try again."
    )
    try:
        with zipfile.ZipFile(handle) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise WorkbookRefused(not_a_workbook) from None
    if not any(member.filename == "xl/workbook.xml" for member in members):
        raise WorkbookRefused(not_a_workbook)
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise WorkbookRefused(too_large_message())


def _header(sheet) -> list[str]:
    first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    return ["" if value is None else str(value).strip() for value in first]


def _rows(sheet, name: str, errors: list[CellError]) -> list[Row]:
    header = _header(sheet)
    position = {}
    for index, title in enumerate(header):
        position.setdefault(title, index)
    missing = [title for title in SHEETS[name] if title not in position]
    for title in missing:
        errors.append(CellError(_("This column is missing from row 1."), sheet=name, column=title))
    if missing:
        return []
    wanted = {
        title: position[title]
        for title in (*SHEETS[name], *OPTIONAL.get(name, ()))
        if title in position
    }
    rows = []
    for number, values in enumerate(
        sheet.iter_rows(min_row=2, max_col=len(header), values_only=True), start=2
    ):
        if all(is_blank(value) for value in values):
            continue
        if len(rows) == MAX_ROWS:
            errors.append(
                CellError(
                    _("This sheet has more than %(limit)d rows. Split the workbook.")
                    % {"limit": MAX_ROWS},
                    sheet=name,
                )
            )
            return []
        cells = {
            title: values[index] if index < len(values) else None for title, index in wanted.items()
        }
        rows.append(Row(number=number, cells=cells))
    return rows


def read_workbook(source) -> tuple[dict[str, list[Row]], list[CellError]]:
    """The rows of each of the six sheets, and every problem with the file or its headers.

    `source` is a path or a binary file object (an uploaded file, BytesIO).
    """
    if file_size(source) > MAX_FILE_BYTES:
        return {}, [CellError(too_large_message())]
    opened = isinstance(source, (str, Path))
    handle = open(source, "rb") if opened else source  # noqa: SIM115 - closed below
    try:
        handle.seek(0)
        _check_package(handle)
        handle.seek(0)
        return _read(handle)
    except WorkbookRefused as refused:
        return {}, [CellError(refused.message)]
    finally:
        if opened:
            handle.close()


def _read(handle) -> tuple[dict[str, list[Row]], list[CellError]]:
    errors: list[CellError] = []
    rows: dict[str, list[Row]] = {}
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; not our concern.
            warnings.simplefilter("ignore")
            workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        raise WorkbookRefused(
            _("This file could not be read as an Excel workbook (.xlsx). It may be damaged.")
        ) from None
    try:
        for name in SHEETS:
            if name not in workbook.sheetnames:
                errors.append(CellError(_("This sheet is missing from the workbook."), sheet=name))
                continue
            sheet = workbook[name]
            # Stated dimensions can be wrong in files from other programs; read every row.
            sheet.reset_dimensions()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    rows[name] = _rows(sheet, name, errors)
            except Exception:  # a damaged sheet
                errors.append(
                    CellError(_("This sheet could not be read; it may be damaged."), sheet=name)
                )
    finally:
        workbook.close()
    return rows, errors

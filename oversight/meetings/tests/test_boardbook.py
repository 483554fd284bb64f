"""Board books read back with pypdf: contents, page count, the recipient on every page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen.canvas import Canvas

from oversight.meetings.boardbook import (
    BookAgenda,
    BookItem,
    ContentsEntry,
    Material,
    build_board_book,
)


def pdf(label: str, pages: int, size: tuple[float, float] = LETTER) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size)
    for number in range(1, pages + 1):
        canvas.drawString(72, 400, f"{label} page {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def build(agenda: BookAgenda, recipient: str = "ada", **kwargs):
    out = io.BytesIO()
    built = build_board_book(agenda, recipient=recipient, output=out, **kwargs)
    out.seek(0)
    return built, PdfReader(out)


AGENDA = BookAgenda(
    committee="Audit Committee of Example Corp",
    title="Regular meeting",
    when="12 March 2026, 09:00 (America/New_York)",
    place="Board room and video",
    items=(
        BookItem(
            "Q4 financial statements",
            presenter="cleo",
            starts_at="09:00",
            minutes=30,
            materials=(
                Material("Q4 statements.pdf", "application/pdf", pdf("Statements", 3)),
                Material(
                    "Earnings release.pdf", "application/pdf", pdf("Release", 2, A4)
                ),
            ),
        ),
        BookItem(
            "Auditor communications",
            presenter="dev",
            materials=(
                Material("Findings.xlsx", "application/vnd.ms-excel", b"x" * 2048),
            ),
        ),
        BookItem("Executive session with the independent auditor"),
    ),
)


def test_book_has_cover_contents_dividers_and_merged_materials():
    built, reader = build(AGENDA)
    # cover, contents, divider + 3 + 2, divider + placeholder, divider
    assert built.page_count == len(reader.pages) == 11
    assert built.contents == (
        ContentsEntry("1. Q4 financial statements", 3, 0),
        ContentsEntry("Q4 statements.pdf", 4, 1),
        ContentsEntry("Earnings release.pdf", 7, 1),
        ContentsEntry("2. Auditor communications", 9, 0),
        ContentsEntry("Findings.xlsx", 10, 1),
        ContentsEntry("3. Executive session with the independent auditor", 11, 0),
    )
    divider = reader.pages[2].extract_text()
    for text in (
        "Item 1",
        "Q4 financial statements",
        "Presenter: cleo",
        "Time: 09:00",
        "Duration: 30 minutes",
        "Q4 statements.pdf (page 4)",
        "Earnings release.pdf (page 7)",
    ):
        assert text in divider
    assert "No materials." in reader.pages[10].extract_text()
    assert "Statements page 1" in reader.pages[3].extract_text()
    assert "Release page 2" in reader.pages[7].extract_text()


def contents_lines(reader: PdfReader, index: int = 1) -> list[tuple[str, str]]:
    """(title, page) pairs as extracted from a contents page."""
    lines = reader.pages[index].extract_text().splitlines()
    assert lines[0] == "Contents"
    body = lines[1:-2]  # the footer is the last two lines
    return list(zip(body[::2], body[1::2], strict=True))


def test_contents_page_lists_every_item_with_its_page():
    _, reader = build(AGENDA)
    assert contents_lines(reader) == [
        ("1. Q4 financial statements", "3"),
        ("Q4 statements.pdf", "4"),
        ("Earnings release.pdf", "7"),
        ("2. Auditor communications", "9"),
        ("Findings.xlsx", "10"),
        ("3. Executive session with the independent auditor", "11"),
    ]


def test_every_page_names_the_recipient_and_its_number():
    _, reader = build(AGENDA, recipient="ben")
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "Prepared for ben - Confidential" in text, number
        assert f"Page {number} of 11" in text, number
        assert "Prepared for ada" not in text


def test_the_stamp_survives_pdf_string_delimiters_in_the_name():
    _, reader = build(AGENDA, recipient="ada (chair) \\ committee")
    assert "Prepared for ada (chair) \\ committee" in reader.pages[3].extract_text()


def test_a_page_without_resources_or_contents_is_stamped():
    writer = PdfWriter()
    writer.add_blank_page(300, 300)
    del writer.pages[0]["/Resources"]
    blank = io.BytesIO()
    writer.write(blank)
    agenda = BookAgenda(
        "Audit Committee",
        "Special meeting",
        "1 April 2026",
        items=(
            BookItem(
                "Blank",
                materials=(Material("blank.pdf", "application/pdf", blank.getvalue()),),
            ),
        ),
    )
    _, reader = build(agenda)
    assert "Page 4 of 4" in reader.pages[3].extract_text()


def test_the_stamp_sits_inside_pages_of_other_sizes_origins_and_rotations():
    writer = PdfWriter(clone_from=io.BytesIO(pdf("Odd", 2, A4)))
    writer.pages[0].rotate(90)
    writer.pages[1].mediabox = RectangleObject((100, 100, 695.28, 941.89))
    odd = io.BytesIO()
    writer.write(odd)
    agenda = BookAgenda(
        "Audit Committee",
        "Special meeting",
        "1 April 2026",
        items=(
            BookItem(
                "Odd pages",
                materials=(Material("odd.pdf", "application/pdf", odd.getvalue()),),
            ),
        ),
    )
    _, reader = build(agenda)
    for page in reader.pages[3:]:
        box = page.mediabox
        stamps: list[tuple[float, float]] = []

        def visit(text, cm, tm, font, size, stamps=stamps):
            if "Prepared for ada" in text:
                stamps.append((cm[4] + tm[4], cm[5] + tm[5]))

        page.extract_text(visitor_text=visit)
        assert page.rotation == 0
        [(x, y)] = stamps
        assert (x, y) == (float(box.left) + 54, float(box.bottom) + 24)


def test_non_pdf_and_broken_pdf_materials_get_a_placeholder_that_says_why(
    tmp_path: Path,
):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 this is not really a PDF")
    agenda = BookAgenda(
        "Audit Committee",
        "Regular meeting",
        "1 April 2026",
        items=(
            BookItem(
                "Materials",
                materials=(
                    Material("notes.docx", "application/msword", b"doc"),
                    Material("broken.pdf", "application/pdf", broken),
                ),
            ),
        ),
    )
    built, reader = build(agenda)
    assert built.page_count == 5
    assert built.notes == (
        "notes.docx: application/msword is not a PDF; open it in Oversight",
        "broken.pdf: the PDF could not be read",
    )
    placeholder = reader.pages[3].extract_text()
    assert "notes.docx" in placeholder
    assert "Size: 3 bytes" in placeholder
    assert "Not included in the book: application/msword is not a PDF" in placeholder
    assert "could not be read" in reader.pages[4].extract_text()
    assert "Size: 33 bytes" in reader.pages[4].extract_text()


def test_a_password_protected_pdf_is_listed_not_merged():
    writer = PdfWriter(clone_from=io.BytesIO(pdf("Secret", 1)))
    writer.encrypt("open sesame")
    locked = io.BytesIO()
    writer.write(locked)
    agenda = BookAgenda(
        "Audit Committee",
        "Regular meeting",
        "1 April 2026",
        items=(
            BookItem(
                "Locked",
                materials=(
                    Material("locked.pdf", "application/pdf", locked.getvalue()),
                ),
            ),
        ),
    )
    built, _ = build(agenda)
    assert built.notes == (
        "locked.pdf: the PDF is password-protected; open it in Oversight",
    )


def test_a_pdf_without_pages_is_listed_not_merged():
    empty = io.BytesIO()
    PdfWriter().write(empty)
    agenda = BookAgenda(
        "Audit Committee",
        "Regular meeting",
        "1 April 2026",
        items=(
            BookItem(
                "Empty",
                materials=(Material("empty.pdf", "application/pdf", empty.getvalue()),),
            ),
        ),
    )
    built, _ = build(agenda)
    assert built.notes == ("empty.pdf: the PDF has no pages",)


def test_progress_reports_every_page_up_to_the_total():
    calls: list[tuple[int, int]] = []
    built, _ = build(AGENDA, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(n, 11) for n in range(12)]
    assert built.page_count == 11


def test_long_agendas_spill_the_contents_onto_more_pages():
    items = tuple(
        BookItem(f"Item title {n} " + "with a very long description " * 5)
        for n in range(50)
    )
    built, reader = build(BookAgenda("Audit Committee", "Long", "today", items=items))
    # cover, 2 contents pages (36 lines each), 50 dividers
    assert built.page_count == len(reader.pages) == 53
    assert built.contents[0].page == 4
    first, second = contents_lines(reader, 1), contents_lines(reader, 2)
    assert (len(first), len(second)) == (36, 14)
    assert first[0][0].endswith("...")
    assert second[-1][1] == "53"


def test_an_empty_agenda_still_makes_a_book():
    built, reader = build(BookAgenda("Audit Committee", "Regular meeting", "today"))
    assert built.page_count == len(reader.pages) == 2
    assert "The agenda has no items." in reader.pages[1].extract_text()


def test_outline_has_an_entry_per_item_with_materials_nested():
    _, reader = build(AGENDA)
    outline = reader.outline
    titles = [entry.title for entry in outline if not isinstance(entry, list)]
    assert titles == [
        "1. Q4 financial statements",
        "2. Auditor communications",
        "3. Executive session with the independent auditor",
    ]
    assert [entry.title for entry in outline[1]] == [
        "Q4 statements.pdf",
        "Earnings release.pdf",
    ]


def test_text_outside_the_standard_fonts_does_not_break_the_book():
    agenda = BookAgenda(
        "Audit Committee", "Réunion ✓", "today", items=(BookItem("Zürich → 東京"),)
    )
    built, reader = build(agenda, recipient="ada ✓")
    assert built.page_count == 3
    assert "Prepared for ada ? - Confidential" in reader.pages[0].extract_text()
    assert "Zürich ? ??" in reader.pages[2].extract_text()


@pytest.mark.parametrize("source_kind", ["bytes", "path"])
def test_material_from_bytes_or_path(tmp_path: Path, source_kind: str):
    data = pdf("Doc", 2)
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    source = data if source_kind == "bytes" else path
    material = Material("doc.pdf", "application/pdf", source)
    assert material.size() == len(data)
    built, _ = build(
        BookAgenda(
            "Audit Committee",
            "Regular meeting",
            "today",
            items=(BookItem("Doc", materials=(material,)),),
        )
    )
    assert built.page_count == 5


def test_notes_are_printed_on_the_divider_and_never_run_off_the_page():
    few = BookItem("Open action items", notes=("Send the plan (Gus, due 30 Jun 2026)",))
    many = BookItem("Many", notes=tuple(f"Action {n}" for n in range(200)))
    _, reader = build(
        BookAgenda("Audit Committee", "Regular meeting", "today", items=(few, many))
    )
    assert "- Send the plan (Gus, due 30 Jun 2026)" in reader.pages[2].extract_text()
    crowded = reader.pages[3].extract_text()
    assert "- Action 0" in crowded
    assert "more." in crowded
    assert "- Action 199" not in crowded

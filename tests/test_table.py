"""Task tables one cell a line as OCR without Vietnamese reads them: the number column's title
and the row numbers come out as look-alike glyphs."""
import pytest

from dondoc.nlp.extract import extract
from dondoc.nlp.table import ocr_row_marker

from .conftest import CORPUS


def ocr_doc(rel):
    return extract((CORPUS / rel).read_text(encoding="utf-8"))


@pytest.mark.parametrize("line, expected, read", [
    ("i", 1, "1"), ("|", 1, "1"), ("Ll.", 1, "1 ."), ("i27", 127, "127"), ("7L.", 71, "71."), ("2,", 2, "2."),
])
def test_a_misread_row_number_is_read_when_it_is_the_next_number(line, expected, read):
    assert ocr_row_marker(line, expected, in_group=False) == read


def test_glyphs_of_one_that_are_not_the_next_number_are_a_group_numeral():
    assert ocr_row_marker("Ill Tiep tuc sap xep to chuc", 5, in_group=False) == "III Tiep tuc sap xep to chuc"


def test_a_lone_glyph_before_the_row_numbered_one_is_the_group_numeral():
    assert ocr_row_marker("|", 1, in_group=False, one_follows=True) == "I"


def test_a_lone_glyph_that_fits_no_number_is_left_as_it_is():
    assert ocr_row_marker("l", 5, in_group=False) is None


def test_a_number_read_right_is_left_as_it_is():
    assert ocr_row_marker("2", 2, in_group=False) is None
    assert ocr_row_marker("II", 3, in_group=False) is None


def test_a_header_whose_tt_is_misread_still_opens_the_table():
    # dev13/002's appendix as OCR reads it: "TE / Tén nhiém vu / Co quan chu tri ..." then "Ll." for row 1
    t = next(t for t in ocr_doc("dev13-variants/ocr_eng/002.txt").tasks if t.text.startswith("T6 chuc tuyén truyén"))
    assert t.lead == ["Bộ Ngoại giao"] and t.evidence == "table"


def test_a_group_numeral_read_as_a_bar_does_not_swallow_the_groups_first_row():
    # dev9/005: "| / Hoàn thiện thể chế ... / 1 / Rà soát, thể chế hóa ..."
    tasks = ocr_doc("dev9-variants/ocr_eng/005.txt").tasks
    t = next(t for t in tasks if "thé ché hda cac chu truong" in t.text)
    assert t.text.startswith("Ra soat, thé ché hda")
    assert t.lead == ["Bộ Nông nghiệp và Môi trường", "Bộ Quốc phòng"]


def test_a_row_numbered_i_after_a_group_read_as_ill_is_a_row_of_its_own():
    # dev13/001: the header printed again, "Ill Tiếp tục sắp xếp tổ chức bộ máy ..." (group III), "i" (row 1)
    tasks = ocr_doc("dev13-variants/ocr_eng/001.txt").tasks
    t = next(t for t in tasks if t.text.startswith("Tiép tuc ra soat, sap xép tinh gon cac t6 churc bén trong"))
    assert t.evidence == "table"
    assert "Ill" not in t.text and not any(x.text.startswith("Ill Ti") for x in tasks)

"""Task tables one cell a line as OCR without Vietnamese reads them: the number column's title
and the row numbers come out as look-alike glyphs."""
import pytest

from dondoc.nlp.extract import extract
from dondoc.nlp.table import ocr_row_marker

from .conftest import CORPUS


def corpus_doc(rel):
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
    t = next(t for t in corpus_doc("dev13-variants/ocr_eng/002.txt").tasks if t.text.startswith("T6 chuc tuyén truyén"))
    assert t.lead == ["Bộ Ngoại giao"] and t.evidence == "table"


def test_a_group_numeral_read_as_a_bar_does_not_swallow_the_groups_first_row():
    # dev9/005: "| / Hoàn thiện thể chế ... / 1 / Rà soát, thể chế hóa ..."
    tasks = corpus_doc("dev9-variants/ocr_eng/005.txt").tasks
    t = next(t for t in tasks if "thé ché hda cac chu truong" in t.text)
    assert t.text.startswith("Ra soat, thé ché hda")
    assert t.lead == ["Bộ Nông nghiệp và Môi trường", "Bộ Quốc phòng"]


def test_a_row_numbered_i_after_a_group_read_as_ill_is_a_row_of_its_own():
    # dev13/001: the header printed again, "Ill Tiếp tục sắp xếp tổ chức bộ máy ..." (group III), "i" (row 1)
    tasks = corpus_doc("dev13-variants/ocr_eng/001.txt").tasks
    t = next(t for t in tasks if t.text.startswith("Tiép tuc ra soat, sap xép tinh gon cac t6 churc bén trong"))
    assert t.evidence == "table"
    assert "Ill" not in t.text and not any(x.text.startswith("Ill Ti") for x in tasks)


def test_a_header_whose_tt_ocr_lost_opens_the_table_at_its_column_titles():
    # dev14/001 Phụ lục III as OCR reads it: "aes / NHIEM VU / THO! HAN / HOAN THANH / CO QUAN CHU TRi ..."
    t = next(t for t in corpus_doc("dev14-variants/ocr_eng/001.txt").tasks if t.text.startswith("T6ng ra soat hé théng phap luat"))
    assert t.evidence == "table" and [d.date for d in t.deadlines] == ["2026-12-31"]


def test_a_table_found_at_its_second_page_starts_at_the_row_there():
    # the same appendix: OCR read the `TT` of the next page; its first row is numbered 8, not 1
    t = next(t for t in corpus_doc("dev14-variants/ocr_eng/001.txt").tasks if "lam sach hé théng" in t.text)
    assert t.evidence == "table" and t.text.startswith("S6 hoa va lam sach")


def test_a_time_column_before_the_lead_column_dates_the_row():
    # dev14/001 Phụ lục III: "Tổng rà soát hệ thống pháp luật Việt Nam / Tháng 12/2026 / Bộ Tư pháp chủ trì hướng dẫn, ..."
    t = next(t for t in corpus_doc("dev14/001.txt").tasks if t.text.startswith("Tổng rà soát hệ thống pháp luật Việt Nam"))
    assert t.lead == ["Bộ Tư pháp"] and [d.date for d in t.deadlines] == ["2026-12-31"]


def test_a_lead_cell_that_numbers_its_bodies_names_each_and_its_dates():
    # "1. Bộ Tài chính tổng kết ... (trong Quý II/2026). / 2. Bộ Tư pháp, các bộ, cơ quan tham mưu ..."
    t = next(t for t in corpus_doc("dev14/001.txt").tasks if t.text.startswith("Thể chế hóa các cơ chế, chính sách đặc thù"))
    assert t.lead[:2] == ["Bộ Tài chính", "Bộ Tư pháp"] and t.support[:1] == ["Các địa phương"]
    assert sorted(d.date for d in t.deadlines) == ["2026-06-30", "2026-12-31"]


def test_two_cells_on_one_line_split_at_the_second_bodys_capital():
    # "Bộ Nông nghiệp và Môi trường Các bộ, cơ quan, địa / phương": the lead cell, then the support cell
    t = next(t for t in corpus_doc("dev14/001.txt").tasks if t.text.startswith("Rà soát, phê duyệt điều chỉnh Quy hoạch sử dụng đất"))
    assert t.lead == ["Bộ Nông nghiệp và Môi trường"] and t.evidence == "table"


def test_a_title_in_capitals_wrapped_onto_a_second_line_names_no_body():
    # "II. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU PHÁT TRIỂN KINH TẾ - XÃ / HỘI 5 NĂM 2026 - 2030" is one title
    assert not any(name.startswith("Hội 5") for t in corpus_doc("dev14/001.txt").tasks for name in t.lead)


def test_a_lead_cell_that_says_what_its_bodies_do_names_them():
    # dev14/001: "Bộ Nội vụ, Bộ Tài chính nghiên / cứu, hoàn thiện" before the support cell
    t = next(t for t in corpus_doc("dev14/001.txt").tasks if t.text.startswith("Hoàn thiện pháp luật trong lĩnh vực bảo hiểm xã hội"))
    assert t.lead == ["Bộ Nội vụ", "Bộ Tài chính"]


def test_a_lead_cell_listing_ministries_after_cac_bo_names_each():
    # "Các Bộ: Tài chính, Nông nghiệp / và Môi trường, Xây dựng, Công / an, Quốc phòng theo chức năng, ..."
    t = next(t for t in corpus_doc("dev14/001.txt").tasks if t.text.startswith("Hoàn thiện pháp luật để xử lý triệt để tài sản công"))
    assert t.lead == ["Bộ Tài chính", "Bộ Nông nghiệp và Môi trường", "Bộ Xây dựng", "Bộ Công an", "Bộ Quốc phòng"]


def test_a_time_cell_whose_quarter_ocr_read_as_eleven_is_no_body():
    # dev14/001 as OCR reads it: "Quy 11/2026" (Quý II/2026) between the task and "B6 Néng nghiép va Mai trudng"
    tasks = corpus_doc("dev14-variants/ocr_eng/001.txt").tasks
    assert not any(name.startswith("Quy 11") for t in tasks for name in t.lead)

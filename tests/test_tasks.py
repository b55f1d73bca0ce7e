"""Task forms, leads and supports, on corpus texts (and snippets written for the test)."""
from dondoc.nlp.extract import extract

from .conftest import CORPUS


def doc(rel):
    return extract((CORPUS / rel).read_text(encoding="utf-8"))


def task_starting(d, words):
    return next(t for t in d.tasks if t.text.startswith(words))


def test_numbered_items_under_a_request_lead_by_the_addressee():
    d = doc("seeds/002_0ee92cbf0101893e.txt")
    t = task_starting(d, "Tăng cường giáo dục kiến thức")
    assert t.lead == ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"]


def test_giao_names_the_lead():
    d = doc("seeds/000_1480374bd54b458c.txt")
    t = task_starting(d, "Giao Sở LĐTBXH đầu mối")
    assert t.lead == ["Sở Lao động - Thương binh và Xã hội"]
    assert [x.date for x in t.deadlines] == ["2024-11-20"]


def test_two_tasks_in_one_paragraph_split_at_a_second_assignment():
    d = doc("seeds/000_1480374bd54b458c.txt")
    t = task_starting(d, "chỉ đạo UBND cấp huyện")
    assert t.lead[:2] == ["Ủy ban nhân dân cấp huyện", "Ủy ban nhân dân cấp xã"]


def test_agency_section_gives_lead_and_support():
    d = doc("seeds/004_aab771c767b14fb2.txt")
    t = task_starting(d, "Sở Thông tin và Truyền thông: Chủ trì")
    assert t.lead == ["Sở Thông tin và Truyền thông"]
    assert "Công an tỉnh" in t.support


def test_paragraphs_under_an_agency_section_keep_its_lead():
    d = doc("seeds/004_aab771c767b14fb2.txt")
    assert task_starting(d, "Chỉ đạo, hướng dẫn các cơ quan truyền thông").lead == ["Sở Thông tin và Truyền thông"]


def test_sentence_subject_is_the_lead():
    d = doc("seeds/004_aab771c767b14fb2.txt")
    assert task_starting(d, "Công an tỉnh đẩy mạnh").lead == ["Công an tỉnh"]


def test_preamble_salutation_closing_and_distribution_are_not_tasks():
    d = doc("seeds/000_1480374bd54b458c.txt")
    assert [t.text[:20] for t in d.tasks] == [
        "Chỉ đạo Sở LĐTBXH ti", "Riêng các địa phương", "chỉ đạo UBND cấp huy", "Nội dung thanh tra, ",
        "Bộ LĐTBXH yêu cầu xử", "Giao Sở LĐTBXH đầu m"]


def test_statements_of_fact_are_not_tasks():
    d = doc("dev/021.txt")
    assert d.tasks == []


def test_action_programme_meta_lines_give_lead_and_deadline():
    d = doc("dev/003.txt")
    t = task_starting(d, "Căn cứ vào điều kiện thực tế của địa phương")
    assert t.lead == ["Sở Lao động - Thương binh và Xã hội"]
    assert [x.date for x in t.deadlines] == ["2020-09-30"]


def test_table_rows_are_tasks_with_the_time_column_as_deadline():
    d = doc("dev/023.txt")
    t = task_starting(d, "2 | 31/03/2014 – 04/04/2014")        # "... | Khoa nhận hồ sơ xét tốt nghiệp."
    assert t.lead == ["Khoa"] and [x.date for x in t.deadlines] == ["2014-04-04"]


def test_one_cell_a_line_table_rows():
    d = doc("dev/026.txt")
    t = task_starting(d, "Nghiên cứu giải pháp tạo đột phá")
    assert t.lead == ["Bộ Tư pháp"] and [x.date for x in t.deadlines] == ["2026-08-31"]


def test_a_name_ending_a_wrapped_task_line_is_not_the_lead_cell():
    # "... Nghị quyết số 72-NQ/TW của / Bộ Chính trị / Bộ Y tế": the line before ends on "của"
    t = task_starting(doc("dev/026.txt"), "Tiếp tục thể chế hóa đầy đủ, kịp thời các chủ trương, định hướng tăng cường")
    assert t.lead == ["Bộ Y tế"]


def test_a_lead_cell_listing_names_over_several_lines():
    t = task_starting(doc("dev/026.txt"), "Tăng cường truyền thông thường xuyên")
    assert t.lead == ["Các bộ, cơ quan ngang bộ", "Ủy ban nhân dân tỉnh, thành phố"] and t.support == ["Bộ Tư pháp"]


def test_a_remark_in_brackets_after_the_lead_keeps_its_cell():
    t = task_starting(doc("dev/026.txt"), "Tiếp tục tổ chức rà soát, sửa đổi")
    assert t.lead == ["Bộ Tư pháp"] and t.support == ["Các bộ, cơ quan ngang bộ"]


def test_lead_in_deadline_applies_to_its_items():
    d = doc("dev/007.txt")
    t = task_starting(d, "90% CNVCLĐ")
    assert [x.date for x in t.deadlines] == ["2021-12-31"]


def test_without_a_named_agency_the_lead_is_the_addressees():
    d = doc("dev/016.txt")
    assert len(d.tasks) == 3 and len(d.tasks[0].lead) == 3


def test_task_spans_point_into_the_text():
    d = doc("dev/010.txt")
    for t in d.tasks:
        assert " ".join(d.text[t.span[0]:t.span[1]].split()) == t.text


def test_spans_of_a_repaired_ocr_text_point_into_the_original():
    raw = (CORPUS / "seeds-variants/ocr_eng/003_35f16506bfe594bc.txt").read_text(encoding="utf-8")
    d = extract(raw)
    assert d.tasks and d.warnings
    for t in d.tasks:
        assert " ".join(d.text[t.span[0]:t.span[1]].split()) == t.text


def test_abbreviation_the_document_defines_is_expanded():  # written for the test
    text = ("Kính gửi: Ủy ban nhân dân tỉnh Kon Tum\n\n"
            "Thực hiện ý kiến chỉ đạo, Ban Quản lý các khu công nghiệp tỉnh Kon Tum (sau đây viết tắt là BQLKCN) đề nghị:\n\n"
            "1. Giao BQLKCN tổng hợp, báo cáo tình hình lao động trước ngày 20/11/2024.\n")
    d = extract(text)
    assert d.tasks[0].lead == ["Ban Quản lý các khu công nghiệp tỉnh Kon Tum"]
    assert any(a.canonical == "Ban Quản lý các khu công nghiệp tỉnh Kon Tum" and a.name == "BQLKCN" for a in d.agencies)


def test_a_defined_field_abbreviation_serves_with_bo_and_so():  # written for the test
    text = ("Kính gửi: Ủy ban nhân dân các tỉnh\n\n"
            "Bộ Quốc phòng và An ninh biên giới (sau đây viết tắt là QPANBG) đề nghị:\n\n"
            "1. Giao Sở QPANBG báo cáo trước ngày 20/11/2024.\n")
    d = extract(text)
    assert d.tasks[0].lead == ["Sở Quốc phòng và An ninh biên giới"]


def test_a_short_name_in_brackets_names_the_body_in_full_later():  # written for the test
    text = ("Kính gửi: Cục Thuế tỉnh Lâm Đồng\n\n"
            "Cục Thuế tỉnh Lâm Đồng chỉ đạo Chi cục Thuế khu vực Bảo Lộc - Di Linh (Chi cục Thuế KV BL-DL) thực hiện:\n\n"
            "1. Chi cục Thuế KV BL-DL rà soát hồ sơ hoàn thuế trước ngày 20/3/2027.\n")
    assert extract(text).tasks[-1].lead == ["Chi cục Thuế khu vực Bảo Lộc - Di Linh"]


def test_a_bracketed_phrase_that_shortens_nothing_defines_nothing():  # written for the test
    text = ("Kính gửi: Sở Y tế\n\nĐề nghị Sở Y tế (Phòng NVY) tổng hợp số liệu trước ngày 20/3/2027.\n")
    assert extract(text).tasks[0].lead == ["Sở Y tế"]


def test_ocr_meta_lines_give_the_lead_despite_misread_names():
    raw = (CORPUS / "dev-variants/ocr_eng/003.txt").read_text(encoding="utf-8")
    t = next(t for t in extract(raw).tasks if t.text.startswith("Ra soat, kién nghi"))
    assert t.lead == ["Sở Lao động - Thương binh và Xã hội"]
    assert "Liên đoàn Lao động tỉnh" in t.support


def test_a_closing_formula_wrapped_over_two_lines_is_not_a_task():
    raw = (CORPUS / "dev-variants/ocr_eng/013.txt").read_text(encoding="utf-8")
    tasks = extract(raw).tasks
    assert len(tasks) == 1 and "thong bao dé" not in tasks[0].text


def test_ocr_abbreviated_lead_after_chi_dao_does_it_for_the_addressee():
    raw = (CORPUS / "seeds-variants/ocr_eng/000_1480374bd54b458c.txt").read_text(encoding="utf-8")
    t = next(t for t in extract(raw).tasks if t.text.startswith("Chi dao S6 LDTBXH"))
    assert t.lead == ["Sở Lao động - Thương binh và Xã hội", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"]
    assert t.evidence == "explicit"


def test_an_ocr_item_numbered_with_a_comma_and_broken_by_a_page_keeps_its_lead():
    # "5, S@ Tai chinh: Bố trí kinh phí ... nhân dịp lễ, tết,\n\nTháng hành động vì trẻ em; ..."
    raw = (CORPUS / "seeds-variants/ocr_eng/004_aab771c767b14fb2.txt").read_text(encoding="utf-8")
    t = next(t for t in extract(raw).tasks if t.text.startswith("S@ Tai chinh"))
    assert t.lead == ["Sở Tài chính"] and "Thang hanh déng vi tré em" in t.text


def test_a_sentence_ending_on_a_year_ends_before_a_lead_in():
    # "- Thành lập Ban vận động ... giai đoạn 2016 - 2021. Trong đó:" -> the first sentence is a task
    t = task_starting(doc("dev/007.txt"), "Thành lập Ban vận động")
    assert t.text.endswith("giai đoạn 2016 - 2021.")


def test_an_agency_after_a_long_doi_voi_phrase_with_commas_leads():
    # "2. Đối với các chi phí khám bệnh, chữa bệnh ... giai đoạn năm 2019-2022, Bảo hiểm xã hội
    # Việt Nam khẩn trương tổ chức thực hiện ..."
    t = task_starting(doc("dev/010.txt"), "Đối với các chi phí khám bệnh, chữa bệnh bảo hiểm y tế vượt tổng mức")
    assert t.lead == ["Bảo hiểm xã hội Việt Nam"]


def test_a_line_ending_on_ngay_runs_on_past_a_page_break():
    # OCR: "... va truéc ngay\n\n15/11 (d6i voi bao cdo nam) ..." is one sentence
    raw = (CORPUS / "seeds-variants/ocr_eng/001_e16342c4faedd0ca.txt").read_text(encoding="utf-8")
    t = next(t for t in extract(raw).tasks if t.text.startswith("Thuc hién day du ché d6 théng tin"))
    assert [x.date for x in t.deadlines] == ["2020-05-20", "2020-11-15"]


def test_an_ocr_roman_heading_read_with_l_still_closes_a_section():
    # OCR "Il. HO SO": the list of papers under "II. HỒ SƠ" is not work anyone must do
    raw = (CORPUS / "dev-variants/ocr_eng/023.txt").read_text(encoding="utf-8")
    tasks = extract(raw).tasks
    assert len(tasks) >= 4
    assert not any(t.text.startswith(("Don xin", "Ban sao")) for t in tasks)


def test_a_distribution_entry_wrapped_over_lines_stays_in_the_list():
    # the real PDF's `Nơi nhận:` runs an entry over two lines before `- Lưu: VT, CN.`
    found = doc("dev2-variants/real_pdf_read/008.txt").tasks
    assert [t.text[:10] for t in found] == ["Giao các B"]


def test_a_tables_rows_numbered_again_under_each_group_keep_their_own_cells():
    # dev9/005: group II numbers its rows from 1 after row 10 of group I (the appendix row is
    # the last task of that wording; section II says the same without a body)
    t = [t for t in doc("dev9/005.txt").tasks if t.text.startswith("Đào tạo, bồi dưỡng, huấn luyện chuyên sâu")][-1]
    assert t.lead == ["Bộ Quốc phòng", "Bộ Công an", "Bộ Nông nghiệp và Môi trường", "Bộ Xây dựng"]


def test_a_task_cell_ending_on_nguyen_tu_is_not_run_on_into_the_lead_cell():
    # dev9/006: "... trong lĩnh vực năng lượng / nguyên tử" then "Bộ Khoa học và / Công nghệ"
    t = [t for t in doc("dev9/006.txt").tasks if t.text.startswith("Điều tra, đánh giá nhu cầu đào tạo")][-1]
    assert t.lead == ["Bộ Khoa học và Công nghệ"]


def test_a_lead_cell_of_bodies_the_gazetteer_does_not_know_leads_its_row():
    # dev9/004 row 12: "Cơ sở khám / bệnh, / chữa / bệnh" then the supporters "Bộ Y tế, Sở Y tế, ..."
    t = task_starting(doc("dev9/004.txt"), "Nghiên cứu cơ chế, bảo đảm điều kiện, tiêu chí chuyên môn")
    assert t.lead == ["Cơ sở khám bệnh, chữa bệnh"] and t.support[:2] == ["Bộ Y tế", "Sở Y tế"]


def test_rows_numbered_under_their_group_after_a_repeated_header_are_tasks():
    # dev10/001: "2.3" and "3.2" stand right after the header printed again on a new page
    d = doc("dev10/001.txt")
    for words in ("Hỗ trợ chi phí cho các hoạt động mang tính kỹ thuật cao", "Kết nối kênh huy động vốn"):
        assert task_starting(d, words).lead == ["Bộ Khoa học và Công nghệ"]


def test_a_regulations_duty_on_land_users_is_no_task():
    # dev8/001: "Tổ chức sử dụng đất trưng dụng phải phục hồi lại đất ..." binds whoever requisitions land
    found = doc("dev8/001.txt").tasks
    assert not any(t.text.startswith(("Tổ chức sử dụng đất trưng dụng", "Người sử dụng đất nông nghiệp hợp pháp")) for t in found)

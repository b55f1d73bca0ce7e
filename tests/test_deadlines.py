"""Each way a deadline is written, with snippets from the corpus (and a few written for the
test where the corpus has no example: marked so)."""
from datetime import date

import pytest

from dondoc.nlp.deadline import find_deadlines
from dondoc.nlp.fold import fold


def dates(text, issued=date(2024, 2, 23), year=None):
    return [d.date for d in find_deadlines(text, fold(text), issued, year)]


def kinds(text, issued=date(2024, 2, 23)):
    return [(d.date, d.kind, d.rule) for d in find_deadlines(text, fold(text), issued)]


def test_full_date_after_truoc_ngay():
    assert dates("báo cáo kết quả thanh tra về Bộ LĐTBXH trước ngày 20/11/2024 (mẫu báo cáo)") == ["2024-11-20"]


def test_day_month_takes_the_year_of_issue():
    assert dates("về Sở Lao động - Thương binh và Xã hội trước ngày 20/5 (đối với báo cáo sơ kết 6 tháng)",
                 issued=date(2020, 3, 5)) == ["2020-05-20"]


def test_date_in_words():
    assert dates("xong trước ngày 01 tháng 8 năm 2026 đối với chi phí năm 2024", issued=date(2026, 4, 25)) == ["2026-08-01"]


def test_cham_nhat_ngay():  # written for the test
    assert dates("gửi về Sở Tư pháp chậm nhất ngày 15/12/2023.", issued=date(2023, 11, 1)) == ["2023-12-15"]


def test_to_the_end_of_a_year():
    assert dates("- Đến hết năm 2020 tất cả các xã, phường, thị trấn phải bố trí người", issued=date(2020, 3, 5)) == ["2020-12-31"]


def test_within_a_year():
    assert dates("kiểm tra việc thực hiện chính sách, pháp luật về trẻ em trong năm 2024.") == ["2024-12-31"]


def test_quarter():
    assert kinds("Thời gian thực hiện: Hoàn thành trong quý III/2020.", issued=date(2020, 5, 4)) == [("2020-09-30", "period_end", None)]


def test_within_a_month():  # written for the test
    assert dates("hoàn thành trong tháng 3/2024") == ["2024-03-31"]


def test_a_date_inside_a_citation_is_no_deadline():
    assert dates("Thực hiện Công văn số 69/LĐTBXH-TTr ngày 09/01/2023 của Bộ") == []


def test_an_effective_date_is_no_deadline():
    assert dates("để Luật trẻ em và các quy định được triển khai thực hiện có hiệu quả, hiệu lực từ ngày 01 tháng 6 năm 2017.",
                 issued=None, year=2017) == []


@pytest.mark.parametrize("text", [  # written for the test
    "Triển khai Chiến lược phát triển nhân lực đến năm 2030, tầm nhìn đến năm 2045.",
    "Thực hiện Đề án nâng cao năng lực cứu nạn đến năm 2030 và định hướng đến năm 2045.",
])
def test_a_strategys_horizon_in_its_name_is_no_deadline(text):
    assert dates(text) == []


def test_period_gives_its_last_day():  # written for the test
    assert dates("trực từ ngày 30/4 đến hết ngày 02/5/2026", issued=date(2026, 4, 20)) == ["2026-05-02"]


def test_relative_to_receipt_counts_from_issue():  # written for the test
    assert kinds("báo cáo trong thời hạn 10 ngày kể từ ngày nhận được văn bản") == [("2024-03-04", "relative", None)]


def test_relative_working_days():  # written for the test
    assert dates("trong vòng 5 ngày làm việc kể từ ngày nhận được Công văn này") == ["2024-03-01"]


def test_yearly_report_with_a_day_is_recurring():
    got = kinds("gửi Bộ Lao động - Thương binh và Xã hội, Ủy ban nhân dân tỉnh trước ngày 30 tháng 11 hằng năm.", issued=date(2020, 5, 4))
    assert got == [("2020-11-30", "recurring", "yearly")]


def test_quarterly_report_lists_the_quarters_left_in_the_year():  # written for the test
    got = kinds("Định kỳ hằng quý báo cáo kết quả về Sở Tư pháp.", issued=date(2024, 5, 10))
    assert [d for d, _, _ in got] == ["2024-06-30", "2024-09-30", "2024-12-31"]
    assert {r for _, _, r in got} == {"quarterly"}


def test_monthly_report_lists_its_first_occurrence():  # written for the test
    assert dates("báo cáo hằng tháng về Văn phòng UBND tỉnh", issued=date(2024, 5, 10)) == ["2024-05-31"]


def test_a_word_like_nam_is_no_year():  # written for the test: `hàng nhầm` is goods sent by mistake
    assert dates("Doanh nghiệp báo cáo việc đưa hàng nhầm vào cảng.", issued=date(2017, 2, 13)) == []


def test_a_time_cell_listing_months_ends_with_the_last():  # written for the test
    got = find_deadlines("Tháng 11, 12/2013 và bổ sung, sửa đổi hằng năm.", fold("Tháng 11, 12/2013 và bổ sung, sửa đổi hằng năm."), date(2013, 11, 11), time_cell=True)
    assert [d.date for d in got] == ["2013-12-31"]


def test_continuous_work_has_no_deadline():
    assert dates("- Thời gian thực hiện: Thường xuyên hằng năm.", issued=date(2020, 5, 4)) == []


def test_ocr_garbled_trigger_still_reads():
    assert dates("két qua cong tac tré em 6 thang trudc ngay 25/5/2022 va két qua", issued=date(2022, 2, 28)) == ["2022-05-25"]


@pytest.mark.parametrize("text, expected", [
    ("Tháng 8/2026", "2026-08-31"),
    ("Quý IV/2026", "2026-12-31"),
    ("2026", "2026-12-31"),
])
def test_time_column_values(text, expected):
    got = find_deadlines(text, fold(text), date(2026, 4, 6), time_cell=True)
    assert [d.date for d in got] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("Quy 11/2026", "2026-06-30"), ("Quy 111/2026", "2026-09-30"), ("Quy 1V/2026", "2026-12-31"), ("Quy l/2026", "2026-03-31"),
])
def test_a_quarters_numeral_read_by_ocr_with_the_glyphs_of_one(text, expected):
    # dev14/001 as OCR without Vietnamese reads it: "Quy 11/2026" for "Quý II/2026" (written for the test: the other three)
    got = find_deadlines(text, fold(text), date(2026, 4, 6), time_cell=True)
    assert [d.date for d in got] == [expected]


def test_a_quarter_no_calendar_has_is_no_date():
    assert dates("Quý 12/2026", issued=date(2026, 4, 6)) == []


@pytest.mark.parametrize("day, issued, first", [(25, date(2013, 11, 15), "2013-11-25"), (25, date(2013, 11, 26), "2013-12-25"),
                                                (30, date(2014, 1, 31), "2014-03-30")])
def test_a_day_of_every_month_is_first_due_on_that_day_after_issue(day, issued, first):
    # written for the test: "ngày N hằng tháng" (day N of every month), the next one that month has
    text = f"Thường xuyên báo cáo tình hình thực hiện về Bộ Xây dựng trước ngày {day} hằng tháng."
    assert kinds(text, issued) == [(first, "recurring", "monthly")]


@pytest.mark.parametrize("text", ["trong thời hạn 15 ngày làm việc kể từ ngày nhận được văn bản đề nghị của Ủy ban nhân dân xã",
                                  "trong vòng 05 ngày kể từ ngày nhận đủ hồ sơ hợp lệ"])
def test_a_period_from_receiving_another_text_has_no_date(text):
    # sentences written for this rule: a per-case time limit, counted from an application's receipt
    found = find_deadlines(text, fold(text), date(2027, 3, 1))
    assert [(d.date, bool(d.condition)) for d in found] == [(None, True)]


@pytest.mark.parametrize("text", ["trong 10 ngày kể từ ngày nhận được Công văn này",
                                  "trong 10 ngày kể từ ngày nhận được, các đơn vị gửi báo cáo",
                                  "trong 10 ngày kể từ ngày ký ban hành"])
def test_a_period_from_receiving_this_text_counts_from_its_issue(text):
    assert dates(text, issued=date(2027, 3, 1)) == ["2027-03-11"]

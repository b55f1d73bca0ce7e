"""One general pattern of how dispatches assign work, one test each, on sentences written for the
extraction issue (the corpus tests pin the same rules on real documents)."""
from datetime import date

import pytest

from dondoc.nlp.bodies import noun_phrase, noun_phrases
from dondoc.nlp.deadline import find_deadlines
from dondoc.nlp.doc import build
from dondoc.nlp.extract import extract
from dondoc.nlp.fold import fold

LETTER = """ỦY BAN NHÂN DÂN
THÀNH PHỐ ĐÀ NẴNG

Số: 12/UBND-VX
V/v triển khai công tác năm 2027

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Đà Nẵng, ngày 05 tháng 01 năm 2027

Kính gửi: Các sở, ban, ngành thành phố.

{body}

Nơi nhận:
- Như trên;
- Lưu: VT, VX.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Văn An
"""

RESOLUTION = """CHÍNH PHỦ

Số: 31/NQ-CP

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Hà Nội, ngày 10 tháng 02 năm 2027

NGHỊ QUYẾT
Về việc chuyển giao Trung tâm Hội chợ triển lãm

CHÍNH PHỦ
Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;

QUYẾT NGHỊ:

{body}

TM. CHÍNH PHỦ
THỦ TƯỚNG

Trần Văn Bình
"""


def tasks(body, template=LETTER):
    return extract(template.format(body=body)).tasks


def only(body, template=LETTER):
    found = tasks(body, template)
    assert len(found) == 1, [t.text for t in found]
    return found[0]


# -- the lead given by a heading or a lead-in ------------------------------------------------------
def test_items_under_a_giao_lead_in_are_the_named_bodys():
    t = only("3. Giao Ủy ban nhân dân các huyện, thị xã, thành phố:\n"
             "a) Phối hợp với Sở Y tế tổ chức phun khử khuẩn tại các trường học.")
    assert t.lead == ["Ủy ban nhân dân các huyện, thị xã, thành phố"] and t.support == ["Sở Y tế"]
    assert t.evidence == "heading"


def test_a_heading_without_a_colon_names_the_lead():
    found = tasks("1. Sở Y tế\na) Tổ chức giám sát dịch bệnh tại các cửa khẩu.\n2. Sở Tài chính\na) Bố trí kinh phí phòng dịch.")
    assert [t.lead for t in found] == [["Sở Y tế"], ["Sở Tài chính"]]


def test_a_listed_kind_of_body_names_each_body_and_is_no_task():
    found = tasks("2. Các Sở: Tài chính, Nông nghiệp và Môi trường\na) Bố trí kinh phí cho công tác phòng dịch.")
    assert [t.lead for t in found] == [["Sở Tài chính", "Sở Nông nghiệp và Môi trường"]]


@pytest.mark.parametrize("levels", ["quận, huyện", "xã, phường, thị trấn", "huyện, thị xã và thành phố",
                                    "quận, huyện, thị xã, thành phố thuộc tỉnh"])
def test_a_committee_of_several_levels_listed_without_cac_is_one_lead(levels):
    found = tasks(f"1. Ủy ban nhân dân {levels}:\n- Tổng hợp danh sách hộ gia đình được hỗ trợ trên địa bàn.\n"
                  "2. Sở Xây dựng:\n- Hướng dẫn thiết kế mẫu nhà ở.")
    assert [t.lead for t in found] == [[f"Ủy ban nhân dân {levels}"], ["Sở Xây dựng"]]


def test_a_committee_of_one_level_ends_before_the_next_body_of_its_list():
    names = [p.name for p in noun_phrases(build("Ủy ban nhân dân huyện, Phòng Y tế"), 0, 35)[0]]
    assert names == ["Ủy ban nhân dân huyện", "Phòng Y tế"]


def test_a_sub_numbered_unit_unknown_to_the_gazetteer_leads_its_items():
    t = only("3.1. Phòng Hành chính quản trị\n– Xây dựng kịch bản diễn tập phòng cháy, chữa cháy.")
    assert t.lead == ["Phòng Hành chính quản trị"]


def test_a_resolution_without_addressees_gives_work_by_giao():
    found = tasks("1. Đồng ý chủ trương chuyển giao Trung tâm Hội chợ triển lãm về Ủy ban nhân dân thành phố.\n"
                  "2. Giao Bộ Công Thương:\na) Chủ trì, phối hợp với các bộ liên quan thực hiện thủ tục bàn giao.",
                  RESOLUTION)
    assert [t.lead for t in found] == [["Bộ Công Thương"]]


# -- the lead as the subject of the clause -----------------------------------------------------------
@pytest.mark.parametrize("body, lead", [
    ("Điều 2. Tổ công tác có nhiệm vụ xây dựng lộ trình chuyển đổi số của thành phố.", "Tổ công tác"),
    ("– Bước 1: Phòng Điều dưỡng thông báo kế hoạch đến các khoa.", "Phòng Điều dưỡng"),
    ("– Buéc 1: Phòng Điều dưỡng thông báo kế hoạch đến các khoa.", "Phòng Điều dưỡng"),   # "Bước" as OCR reads it
    ("Ủy ban nhân dân các quận có trách nhiệm kiểm tra việc treo cờ trên địa bàn.", "Ủy ban nhân dân các quận"),
])
def test_the_subject_leads_known_or_not(body, lead):
    assert only(body).lead == [lead]


@pytest.mark.parametrize("body, leads", [
    # an adverbial between subject and verb that holds a list of its own
    ("Sở Nội vụ, Sở Tư pháp, theo chức năng, nhiệm vụ được giao, hướng dẫn các xã rà soát hồ sơ.",
     ["Sở Nội vụ", "Sở Tư pháp"]),
    # how often, with no comma
    ("Thanh tra thành phố hằng quý kiểm tra việc thực hiện kết luận thanh tra.", ["Thanh tra thành phố"]),
])
def test_an_aside_between_subject_and_verb_keeps_the_subject(body, leads):
    assert only(body).lead == leads


@pytest.mark.parametrize("body, leads", [
    # sentences written for this rule: where a body stands is part of it, not the end of the subject
    ("Các bộ ở Trung ương tổ chức tuyên truyền pháp luật về bảo hiểm y tế.", ["Các bộ"]),
    ("Sở Tài chính ở địa phương, Sở Y tế hướng dẫn các huyện lập dự toán.", ["Sở Tài chính", "Sở Y tế"]),
])
def test_a_body_named_with_where_it_stands_is_the_subject(body, leads):
    assert only(body).lead == leads


def test_a_collective_further_down_a_list_takes_the_lists_cac():
    t = only("Các sở, ban, ngành, đoàn thể và chính quyền địa phương tăng cường kiểm tra an toàn thực phẩm.")
    assert "Chính quyền địa phương" in t.lead and "Đoàn thể" in t.lead


def test_a_collective_whose_head_is_also_a_verb_after_cac():
    t = only("Các tổ chức đại diện của người sử dụng lao động phổ biến nội dung Nghị quyết đến doanh nghiệp.")
    assert t.lead == ["Các tổ chức đại diện của người sử dụng lao động"]


def test_a_verb_of_two_syllables_ends_a_capitalised_name():
    t = only("Bộ Y tế và Viện Hàn lâm Khoa học và Công nghệ Việt Nam tổng hợp kinh phí thực hiện nhiệm vụ.")
    assert t.lead == ["Bộ Y tế", "Viện Hàn lâm Khoa học và Công nghệ Việt Nam"]


def test_a_body_at_every_level_of_government():
    t = only("Điều 2. Hội đồng nhân dân các cấp giám sát việc thực hiện Nghị quyết này.", RESOLUTION)
    assert t.lead == ["Hội đồng nhân dân các cấp"]


def test_a_thing_named_with_a_head_noun_is_no_body():
    doc = build("các cơ sở dữ liệu quốc gia khác có liên quan kết nối với nhau")
    assert noun_phrase(doc, 0, len(doc.text)) is None


def test_cơ_quan_typed_without_marks_is_no_district():
    text = "Thu truong co quan ngang Bo, Chu tich Uy ban nhan dan cac tinh bao cao"
    phrases, _ = noun_phrases(build(text), 0, len(text))
    assert phrases[0].name == "Thu truong co quan ngang Bo"


def test_the_execution_article_names_who_acts_when_no_one_is_addressed():
    t = only("Điều 1. Ban hành kèm theo Nghị quyết này Kế hoạch tuyên truyền.\n"
             "Điều 2. Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc\nTrung ương chịu trách\nnhiệm thi hành "
             "Nghị quyết này.\n\nKẾ HOẠCH\n1. Tổ chức tuyên truyền Nghị quyết trên các phương tiện thông tin đại chúng "
             "trong quý II/2027.", RESOLUTION)
    assert t.lead == ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"]


def test_chu_tri_opening_a_paragraph_under_a_heading_is_the_headings_task():
    t = only("1. Bộ Xây dựng\n\nChủ trì hướng dẫn các địa phương hỗ trợ nhà ở cho người có công.")
    assert t.lead == ["Bộ Xây dựng"] and t.evidence == "heading"


def test_a_legal_code_cited_in_the_preamble_is_no_task():
    preamble = "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;"
    found = tasks("Điều 1. Sở Y tế báo cáo kết quả.", RESOLUTION.replace(preamble, preamble + "\nCăn cứ Bộ luật Dân sự số 91/2015/QH13;"))
    assert [t.text for t in found] == ["Sở Y tế báo cáo kết quả."]


def test_a_body_the_gazetteer_does_not_know_is_proposed():
    d = extract(LETTER.format(body="– Bước 1: Phòng Điều dưỡng thông báo kế hoạch đến các khoa."))
    assert d.proposed_agencies == ["Phòng Điều dưỡng"]


def test_a_word_inside_a_name_is_no_agency():
    d = extract(LETTER.replace("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ ĐÀ NẴNG", "SỞ Y TẾ QUẢNG NAM\nBỆNH VIỆN ĐA KHOA TỈNH").format(
        body="Hội đồng nhân dân khóa XVII đề nghị các khoa rà soát danh mục thuốc."))
    assert "Khoa" not in (d.issuer or "").split()[:1]
    assert not any(a.canonical == "Các Khoa" for a in d.agencies)



def test_a_bodys_initials_in_brackets_name_it_later():
    found = tasks("Ủy ban nhân dân thành phố yêu cầu:\n"
                  "1. Trung tâm Khảo thí và Đánh giá (TT.KTĐG) chủ trì tổ chức kỳ thi đánh giá năng lực.\n"
                  "2. TT.KTĐG công bố kết quả thi trên cổng thông tin trước ngày 30/6/2027.")
    assert [t.lead for t in found] == [["Trung tâm Khảo thí và Đánh giá"]] * 2


def test_a_bracket_that_is_not_the_names_initials_defines_nothing():
    found = tasks("Ủy ban nhân dân thành phố yêu cầu:\n"
                  "1. Trung tâm Khảo thí và Đánh giá (CNTT) chủ trì tổ chức kỳ thi đánh giá năng lực.\n"
                  "2. CNTT công bố kết quả thi trên cổng thông tin trước ngày 30/6/2027.")
    assert found[1].lead != ["Trung tâm Khảo thí và Đánh giá"]


def test_an_abbreviation_is_the_same_with_or_without_its_dot():
    found = tasks("Ủy ban nhân dân thành phố yêu cầu:\n"
                  "1. Trung tâm Khảo thí và Đánh giá (TT.KTĐG) chủ trì tổ chức kỳ thi đánh giá năng lực.\n"
                  "2. TTKTĐG công bố kết quả thi trên cổng thông tin trước ngày 30/6/2027.")
    assert found[1].lead == ["Trung tâm Khảo thí và Đánh giá"]

def test_va_between_capitalised_words_stays_inside_a_name():
    t = only("Ủy ban nhân dân thành phố yêu cầu:\n1. Trung tâm Bảo tồn và Phát huy giá trị di sản chủ trì lập hồ sơ di tích.")
    assert t.lead == ["Trung tâm Bảo tồn và Phát huy giá trị di sản"]


def test_va_before_another_body_ends_the_name():
    t = only("Ủy ban nhân dân thành phố yêu cầu:\n1. Phòng Tài chính và Sở Y tế rà soát dự toán.")
    assert "Phòng Tài chính" in t.lead and "Sở Y tế" in t.lead


# -- what a sentence is ------------------------------------------------------------------------------
def test_a_guidance_letter_states_rules_and_assigns_only_what_it_asks():
    letter = LETTER.replace("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ ĐÀ NẴNG", "BỘ TÀI CHÍNH").replace(
        "V/v triển khai công tác năm 2027", "V/v hướng dẫn thực hiện quy định về khai thuế").replace(
        "Kính gửi: Các sở, ban, ngành thành phố.", "Kính gửi: Cục Thuế các tỉnh, thành phố.")
    body = ("Bộ Tài chính hướng dẫn cụ thể một số nội dung như sau:\n"
            "1. Thời hạn nộp hồ sơ khai thuế: chậm nhất là ngày thứ 20 của tháng tiếp theo.\n"
            "2. Hồ sơ khai thuế thực hiện theo quy định tại Điều 43 Luật Quản lý thuế.\n"
            "3. Người nộp thuế được gia hạn nộp hồ sơ trong thời hạn 30 ngày kể từ ngày hết hạn.\n"
            "Đề nghị Cục Thuế các tỉnh phổ biến đến người nộp thuế./.")
    t = only(body, letter)
    assert t.text.startswith("Đề nghị Cục Thuế") and t.lead == ["Cục Thuế các tỉnh"] and t.deadlines == []


def test_a_purpose_opener_hides_a_main_clause():
    t = only("Nhằm nâng cao kỹ năng cho giáo viên, Phòng Giáo dục và Đào tạo các huyện tổ chức tập huấn trong tháng 02/2027.")
    assert t.lead == ["Phòng Giáo dục và Đào tạo các huyện"] and [d.date for d in t.deadlines] == ["2027-02-28"]


def test_an_obligation_without_a_subject_is_a_task_of_the_addressees():
    t = only("Trong quá trình thực hiện phải bảo đảm an toàn tuyệt đối cho người tham gia.")
    assert t.lead == ["Các sở, ban, ngành thành phố"] and t.evidence == "recipients"


def test_two_bodies_with_two_duties_in_one_paragraph_are_two_tasks():
    found = tasks("Trung tâm Y tế các quận bố trí điểm tiếp nhận; Hội Chữ thập đỏ thành phố vận động hội viên tham gia./.")
    assert [t.lead for t in found] == [["Trung tâm Y tế các quận"], ["Hội Chữ thập đỏ thành phố"]]


def test_a_plans_purpose_section_assigns_nothing():
    found = tasks("I. MỤC ĐÍCH\n1. Nâng cao nhận thức của cán bộ về phòng chống thiên tai.\n"
                  "II. NHIỆM VỤ\n1. Sở Xây dựng rà soát các công trình xuống cấp.")
    assert [t.lead for t in found] == [["Sở Xây dựng"]]


def test_the_members_of_a_new_board_are_no_tasks():
    found = tasks("Điều 1. Thành lập Ban Chỉ đạo chuyển đổi số, gồm các thành viên sau đây:\n"
                  "1. Trưởng ban: Chủ tịch Ủy ban nhân dân thành phố.\n2. Các ủy viên:\n- Giám đốc Sở Nội vụ;\n- Giám đốc Sở Tài chính.\n"
                  "Điều 2. Nhiệm vụ của Ban Chỉ đạo:\n1. Chỉ đạo triển khai Đề án chuyển đổi số.", RESOLUTION)
    assert [(t.text, t.lead) for t in found] == [("Chỉ đạo triển khai Đề án chuyển đổi số.", ["Ban Chỉ đạo"])]


def test_corrections_quoted_in_an_erratum_and_past_facts_are_no_tasks():
    assert tasks("Trong năm 2026, các sở đã hoàn thành kế hoạch chuyển đổi số.\n"
                 "Điều 1. Đính chính lỗi kỹ thuật tại Quyết định số 15/QĐ-UBND:\n"
                 "Chỉnh sửa cụm từ “khoản 1 Điều 8” thành cụm từ “khoản 2 Điều 16”.", RESOLUTION) == []


def test_items_ending_for_information_and_action_are_tasks_but_the_closing_notice_is_not():
    found = tasks("1. Các sở tuyên truyền, phổ biến quy định mới đến doanh nghiệp để biết, thực hiện.\n"
                  "Ủy ban nhân dân thành phố thông báo để các cơ quan, đơn vị biết, thực hiện./.")
    assert [t.text[:13] for t in found] == ["Các sở tuyên "]


def test_a_time_limit_without_a_directive_verb_dates_its_task():
    t = only("Việc cấp phát sách giáo khoa cho học sinh hoàn thành chậm nhất vào ngày 15/6/2027.")
    assert [d.date for d in t.deadlines] == ["2027-06-15"]


def test_the_common_closing_on_difficulties_is_no_task():
    assert tasks("Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh về Sở Nội vụ để tổng hợp.") == []


def test_a_past_marker_in_the_object_is_no_past_fact():
    # sentence written for this rule: `đã` belongs to "những người đã nộp", not to the work
    t = only("1. Các sở tiếp tục giải quyết hồ sơ của những người đã nộp đủ giấy tờ theo quy định.")
    assert t.lead == ["Các sở"]


def test_a_leaders_opinion_conveyed_by_the_office_directs_the_items():
    # sentences written for this rule: a Vice-Chairman's opinion, conveyed, is a direction
    t = only("Xét đề nghị của Sở Y tế, Phó Chủ tịch Ủy ban nhân dân thành phố Trần Văn Cường có ý kiến như sau:\n"
             "1. Sở Tài chính bố trí kinh phí cho chương trình tiêm chủng mở rộng.")
    assert t.lead == ["Sở Tài chính"]


def test_a_bodys_opinion_in_reply_assigns_nothing():
    # sentences written for this rule: a department answering a question gives its view
    assert tasks("Phúc đáp Công văn số 12/CV của Công ty A, Sở Tư pháp có ý kiến như sau:\n"
                 "1. Sở Tài chính bố trí kinh phí cho các dự án theo quy định.") == []


def test_work_that_opens_with_its_basis_is_a_task_but_a_recital_is_not():
    # sentences written for this rule
    t = only("Căn cứ Kế hoạch số 15/KH-UBND ngày 02/01/2027 của Ủy ban nhân dân thành phố;\n"
             "2. Giao Sở Kế hoạch và Đầu tư:\n"
             "- Căn cứ Kế hoạch này để tổng hợp, bố trí vốn cho các quận trong dự toán năm 2027.")
    assert t.lead == ["Sở Kế hoạch và Đầu tư"] and t.text.startswith("Căn cứ Kế hoạch này")


def test_a_head_noun_opening_a_run_of_verbs_is_a_verb():
    # sentences written for this rule: `Thanh tra` is the first of three verbs, not the inspectorate
    t = only("1. Giao Sở Xây dựng:\n- Thanh tra, kiểm tra, xử lý các vi phạm về trật tự xây dựng.")
    assert t.lead == ["Sở Xây dựng"]


def test_a_requirement_of_how_work_is_done_binds_no_body():
    # sentences written for this rule: a plan's requirements, then its work
    found = tasks("2. Yêu cầu\n- Việc tổ chức lễ hội phải bảo đảm tiết kiệm, an toàn, đúng quy định.\n"
                  "- Trong quá trình thực hiện phải bảo đảm an toàn cho người dân.")
    assert [t.text[:12] for t in found] == ["Trong quá tr"]


def test_a_target_set_under_assigned_work_is_work():
    # sentences written for this rule
    t = only("1. Giao Sở Công Thương:\n- 50% doanh nghiệp có từ 500 lao động trở lên phải có nhà văn hóa.")
    assert t.lead == ["Sở Công Thương"]


def test_a_body_that_may_act_is_not_told_to():
    # sentences written for this rule: `có thể` ends the name and hedges the predicate
    assert tasks("Các hộ gia đình có thể sử dụng các mẫu thiết kế nhà ở do Sở Xây dựng cung cấp.") == []


def test_a_steps_doer_named_in_the_paragraph_under_it_owns_the_step():
    # sentences written for this rule: the step's title, then who does it
    found = tasks("2. Tổ chức thực hiện\n2.5. Bước 5: Thẩm định và xác định nguồn kinh phí thực hiện.\n\n"
                  "Trên cơ sở đề nghị của Sở Xây dựng, Sở Tài chính thẩm định và xác định nguồn kinh phí.")
    assert [t.lead for t in found] == [["Sở Tài chính"], ["Sở Tài chính"]]


def test_the_lead_and_supporters_listed_under_key_headings_are_the_items_not_tasks():
    # sentences written for this rule: a plan's "content / who / when" groups
    found = tasks("I. CÔNG TÁC TUYÊN TRUYỀN\n1. Nội dung\na) Tổ chức hội nghị quán triệt Chỉ thị.\n"
                  "2. Cơ quan chủ trì, phối hợp\na) Cơ quan chủ trì\n- Sở Nội vụ.\n- Sở Tư pháp.\n"
                  "b) Cơ quan phối hợp\n- Công an thành phố; các đơn vị thuộc Ủy ban nhân dân thành phố.\n"
                  "3. Thời gian thực hiện: Tháng 3/2027.")
    assert [(t.lead, t.support, [d.date for d in t.deadlines]) for t in found] == \
        [(["Sở Nội vụ", "Sở Tư pháp"], ["Công an thành phố", "Các đơn vị"], ["2027-03-31"])]


def test_a_key_heading_without_its_comma_still_lists_the_leads():
    # sentences written for this rule: "Chủ trì thực hiện" as a heading over bullets of bodies
    found = tasks("II. CÔNG TÁC KIỆN TOÀN\n1. Nội dung\na) Kiện toàn Ban Chỉ đạo các cấp.\n"
                  "2. Chủ trì thực hiện\n- Sở Nội vụ.\n- Ủy ban nhân dân các huyện.\n"
                  "3. Thời gian thực hiện: Tháng 12/2027.")
    assert [(t.lead, [d.date for d in t.deadlines]) for t in found] == \
        [(["Sở Nội vụ", "Ủy ban nhân dân các huyện"], ["2027-12-31"])]


def test_a_distribution_entry_wrapped_mid_word_stays_in_the_list():
    # sentences written for this rule: an OCR'd list whose entry breaks before a lower-case word
    from dondoc.nlp import doc as docs
    from dondoc.nlp.extract import closing_spans
    text = ("Sở Y tế tổ chức tập huấn./.\n\nNơi nhận:\n\n- Các Sở: Y tế, Giáo dục, Tài\nchính, Nội vụ;\n\n"
            "- Văn phòng Trung ương Đảng;\n\n- Lưu: VT.")
    [(s, e)] = closing_spans(docs.build(text))
    assert text[s:e].startswith("Nơi nhận") and text[s:e].endswith("Lưu: VT.")


def test_a_decisions_principles_and_sources_of_funds_assign_nothing():
    # sentences written for this rule: "Nguyên tắc" and "Nguồn vốn" articles state how, not who must
    text = ("ỦY BAN NHÂN DÂN TỈNH A\nSố: 15/2027/QĐ-UBND\nA, ngày 10 tháng 3 năm 2027\n\nQUYẾT ĐỊNH\n"
            "Về hỗ trợ sửa chữa nhà ở cho hộ nghèo\n\nĐiều 1. Nguyên tắc hỗ trợ\n\n"
            "1. Kết hợp nhiều nguồn lực để thực hiện; Nhà nước hỗ trợ, gia đình tự tổ chức sửa chữa.\n\n"
            "2. Hỗ trợ công khai, đúng đối tượng.\n\nĐiều 2. Nguồn vốn thực hiện\n\n"
            "Ngân sách tỉnh bảo đảm 70% kinh phí; ngân sách huyện bảo đảm 30% còn lại.\n\n"
            "Điều 3. Tổ chức thực hiện\n\n1. Sở Xây dựng hướng dẫn các huyện lập danh sách hộ được hỗ trợ.\n")
    assert [t.lead for t in extract(text).tasks] == [["Sở Xây dựng"]]


_PLAN = ("ỦY BAN NHÂN DÂN HUYỆN B\nSố: 21/KH-UBND\nB, ngày 05 tháng 3 năm 2027\n\nKẾ HOẠCH\n"
         "Tổ chức tháng hành động vì trẻ em năm 2027\n\nII. NHIỆM VỤ\n\n"
         "1. Tổ chức tuyên truyền về quyền trẻ em trên đài truyền thanh huyện.\n\n{item}\n")


@pytest.mark.parametrize("item", ["3. Chế độ báo cáo định kỳ: thực hiện theo quy định tại Thông tư số 05/2027/TT-BNV.",
                                  "4. Việc quyết toán kinh phí thực hiện theo hướng dẫn của Sở Tài chính.",
                                  "5. Thực hiện theo hướng dẫn tại Công văn số 112/SYT-NV."])
def test_an_item_that_only_points_to_a_rule_in_force_assigns_nothing(item):
    # sentences written for this rule: a matter, then the rule that governs it, among a plan's work
    found = extract(_PLAN.format(item=item)).tasks
    assert [t.text[:9] for t in found] == ["Tổ chức t"]


def test_a_duty_to_act_by_the_rules_is_still_a_task():
    item = "6. Thủ trưởng các đơn vị quy định tại Điều 1 chịu trách nhiệm thực hiện theo hướng dẫn tại Kế hoạch này."
    assert len(extract(_PLAN.format(item=item)).tasks) == 2


def test_work_done_by_the_rules_with_a_second_duty_is_still_a_task():
    item = "6. Thực hiện theo hướng dẫn của Sở Nội vụ, đồng thời báo cáo kết quả trước ngày 15/4/2027."
    assert len(extract(_PLAN.format(item=item)).tasks) == 2


def test_a_rate_the_text_sets_is_no_task():
    # sentences written for this rule: support amounts and rates, then work
    found = tasks("1. Hỗ trợ 40 triệu đồng/hộ đối với hộ phải xây mới nhà ở.\n"
                  "2. Mức chi điều dưỡng: 1.110.000 đồng/người/lần.\n"
                  "Muc chi diéu duGng tai gia dinh: 1.110.000 déng/ngudi/lan.\n"
                  "3. Sở Tài chính bố trí kinh phí hỗ trợ 40 triệu đồng/hộ cho các huyện.")
    assert [t.lead for t in found] == [["Sở Tài chính"]]


# -- tables --------------------------------------------------------------------------------------------
def test_a_pipe_tables_lead_and_time_columns():
    t = only("TT | Nội dung công việc | Thời gian thực hiện | Đơn vị chủ trì/phối hợp\n"
             "1 | Tổ chức tập huấn cho cán bộ y tế cơ sở | Trước ngày 18/3/2027 | Sở Y tế; Sở Tài chính")
    assert t.lead[0] == "Sở Y tế" and [d.date for d in t.deadlines] == ["2027-03-18"] and t.evidence == "table"


def test_a_pipe_rows_work_cell_wrapped_over_two_lines_still_names_who_does_it():
    t = only("STT | Ngày | Công việc\n"
             "1 | 24/03/2027 | Phòng Đào tạo gửi danh sách sinh viên đủ điều kiện\ntốt nghiệp về các khoa.")
    assert t.lead == ["Phòng Đào tạo"] and t.evidence == "subject"

def test_meta_lines_under_an_item_give_its_lead_supporters_and_date():
    t = only("1. Rà soát các thủ tục hành chính về đất đai.\n"
             "- Cơ quan thực hiện: Sở Nông nghiệp và Môi trường chủ trì, phối hợp với Sở Tư pháp; Ủy ban nhân dân các quận.\n"
             "- Thời gian thực hiện: trước ngày 30/6/2027.")
    assert (t.lead, t.support) == (["Sở Nông nghiệp và Môi trường"], ["Sở Tư pháp", "Ủy ban nhân dân các quận"])
    assert [d.date for d in t.deadlines] == ["2027-06-30"]

@pytest.mark.parametrize("label", ["Thời gian hoàn tất", "Thời hạn hoàn tất"])
def test_a_time_limit_line_closing_a_plans_step_dates_the_work_of_the_step(label):
    found = tasks("2.2. Bước 2: Kiểm tra hiện trạng nhà ở.\n"
                  "Ban Chỉ đạo cấp xã tổ chức kiểm tra hiện trạng nhà ở của từng hộ gia đình.\n"
                  f"{label}: trước ngày 25 tháng 02 năm 2027.")
    t = next(t for t in found if t.text.startswith("Ban Chỉ đạo"))
    assert [d.date for d in t.deadlines] == ["2027-02-25"]


def test_a_descriptive_table_assigns_nothing():
    assert tasks("Đối tượng khảo sát gồm:\n\nTT | Khoa tham gia | Đối tượng\n1 | Khoa Dược | Sinh viên năm thứ ba\n") == []


# -- deadlines -----------------------------------------------------------------------------------------
def dates(text, issued=date(2027, 1, 5)):
    return [(d.date, d.condition) for d in find_deadlines(text, fold(text), issued)]


def test_a_weekday_each_week_is_the_first_such_day_after_issue():
    assert dates("báo cáo tiến độ vào thứ Năm hằng tuần") == [("2027-01-07", None)]


def test_a_period_from_an_event_of_unknown_day_has_no_date_but_keeps_the_event():
    assert dates("báo cáo trong vòng 07 ngày kể từ ngày kết thúc đợt kiểm tra.") == [(None, "kết thúc đợt kiểm tra")]


def test_working_days_skip_weekends_and_public_holidays():
    # issued Tue 28/4/2026: 30/4 and 1/5 are holidays, 2-3/5 a weekend
    assert dates("gửi báo cáo trong 05 ngày làm việc kể từ ngày nhận được văn bản", date(2026, 4, 28)) == [("2026-05-07", None)]


def test_a_sitting_dates_a_report_by_its_month():
    assert dates("báo cáo kết quả tại phiên họp tháng 9 năm 2027 của Ủy ban") == [("2027-09-30", None)]


# -- headers -------------------------------------------------------------------------------------------
def test_a_resolution_number_after_its_kind_and_the_date_it_was_passed():
    text = ("ỦY BAN THƯỜNG VỤ QUỐC HỘI\n\nNghị quyết số: 31/2027/UBTVQH15\n\nNGHỊ QUYẾT\n"
            "Về việc giám sát chuyên đề năm 2028\n\nCăn cứ Luật Tổ chức Quốc hội ngày 20 tháng 11 năm 2014;\n\n"
            "QUYẾT NGHỊ:\nĐiều 1. Giao Hội đồng Dân tộc chủ trì giám sát chuyên đề.\n\n"
            "Nghị quyết này được Ủy ban Thường vụ Quốc hội thông qua ngày 20 tháng 4 năm 2027./.\n")
    d = extract(text)
    assert (d.number, d.issued) == ("31/2027/UBTVQH15", "2027-04-20")


def test_a_blank_day_is_no_date_with_a_warning_never_a_cited_date():
    text = LETTER.replace("ngày 05 tháng 01 năm 2027", "ngày   tháng   năm 2027").replace(
        "V/v triển khai công tác năm 2027", "V/v triển khai Nghị định số 10/2026/NĐ-CP ngày 15 tháng 3 năm 2026")
    d = extract(text.format(body="Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\nĐề nghị các sở báo cáo kết quả."))
    assert d.issued is None and any("Ngày ban hành" in w for w in d.warnings)


DECISION = """BỘ Y TẾ

Số: 45/QĐ-BYT

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Hà Nội, ngày 10 tháng 3 năm 2027

QUYẾT ĐỊNH
Về việc thành lập Tổ công tác chuyển đổi số

BỘ TRƯỞNG BỘ Y TẾ

{body}

Nơi nhận:
- Như Điều 3;
- Lưu: VT.

BỘ TRƯỞNG

Trần Văn Bình
"""


def test_the_enacting_formula_on_the_line_under_a_recital_ends_the_preamble():
    found = tasks("Căn cứ Nghị định số 42/2025/NĐ-CP ngày 20 tháng 2 năm 2025 của Chính phủ;\n"
                  "Theo đề nghị của Cục trưởng Cục Công nghệ thông tin,\nQUYẾT ĐỊNH:\n"
                  "Điều 1. Thành lập Tổ công tác chuyển đổi số của Bộ Y tế.\n"
                  "Điều 2. Tổ công tác có nhiệm vụ xây dựng kế hoạch chuyển đổi số trước ngày 30/6/2027.", DECISION)
    assert [t.lead for t in found] == [["Tổ công tác"]]


def test_a_recital_cut_by_a_page_break_opens_no_section():
    found = tasks("Căn cứ Nghị quyết số 02-NQ/TW ngày 17 tháng 3 năm 2026 của Bộ\n\n"
                  "Chính trị về phát triển Thủ đô;\n\nQUYẾT ĐỊNH:\n"
                  "Điều 1. Tổ công tác có nhiệm vụ xây dựng kế hoạch chuyển đổi số trước ngày 30/6/2027.", DECISION)
    assert [t.lead for t in found] == [["Tổ công tác"]]

def test_a_long_subject_is_kept_whole():
    lines = ["Về việc đính chính Thông tư số 01/2027/TT-BTC"] + [f"dòng thứ {i} của trích yếu kéo dài" for i in range(2, 14)]
    text = RESOLUTION.replace("Về việc chuyển giao Trung tâm Hội chợ triển lãm", "\n".join(lines)).format(body="Điều 1. Đính chính.")
    assert extract(text).subject.endswith("dòng thứ 13 của trích yếu kéo dài")


def test_a_title_running_into_the_body_ends_where_the_body_starts():
    text = LETTER.replace("V/v triển khai công tác năm 2027\n", "").replace(
        "Kính gửi: Các sở, ban, ngành thành phố.\n", "THÔNG BÁO\nVề việc tổ chức ngày hội hiến máu tình nguyện\n"
        "Hưởng ứng Tuần lễ hồng năm 2027, Ủy ban nhân dân thành phố giao Sở Y tế chủ trì tổ chức ngày hội hiến máu.\n")
    d = extract(text.format(body=""))
    assert d.subject == "Về việc tổ chức ngày hội hiến máu tình nguyện"
    assert [t.lead for t in d.tasks] == [["Sở Y tế"]]


def test_finding_a_files_second_document_loads_no_language_model():
    """The readers split a file into its documents in their memory-limited processes."""
    import subprocess
    import sys
    code = "import sys, dondoc.nlp.documents; print('spacy' in sys.modules, 'underthesea' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_a_second_national_motto_starts_a_second_document():
    from dondoc.nlp.documents import split_documents
    text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nTờ trình về dự thảo\n\n"
            "ỦY BAN NHÂN DÂN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nDự thảo quyết định\n")
    starts = split_documents(text, fold(text))
    assert len(starts) == 2 and text[starts[1]:].startswith("ỦY BAN NHÂN DÂN")


# -- blocks ----------------------------------------------------------------------------------------
def test_a_sentence_a_scan_rewrapped_across_a_gap_is_one_block():
    from dondoc.nlp.layout import blocks
    text = ("Ủy ban nhân dân thành phố đề nghị các cơ quan, đơn vị của Trung ương; các sở, ban, ngành, đơn vị "
            "và các hộ gia đình trên địa bàn các quận, huyện, thị xã và các xã, phường, thị trấn\ntrên địa bàn\n\n"
            "Thành phố treo cờ Tổ quốc từ ngày 10/5/2026 đến hết ngày 14/5/2026.\n")
    assert len(blocks(text)) == 1


def test_a_paragraph_that_ends_its_sentence_is_followed_by_a_block_of_its_own():
    from dondoc.nlp.layout import blocks
    text = ("Ủy ban nhân dân thành phố đề nghị các cơ quan, đơn vị của Trung ương; các sở, ban, ngành, đơn vị "
            "và các hộ gia đình trên địa bàn các quận, huyện, thị xã và các xã, phường, thị trấn treo\ncờ Tổ quốc.\n\n"
            "Thành phố tổ chức kiểm tra việc treo cờ.\n")
    assert len(blocks(text)) == 2


# -- what a reminder recounts ------------------------------------------------------------------------

@pytest.mark.parametrize("recounted", [
    "Ngày 15/10/2026, Bộ Tài chính ban hành Thông tư số 12/2026/TT-BTC, trong đó các địa phương phải gửi báo cáo trước ngày 30/11/2026.",
    "Tại văn bản số 45/VPCP-KGVX, việc tổng hợp danh sách hộ gia đình phải hoàn thành trước ngày 15 tháng 12 năm 2026."])
def test_a_time_limit_over_before_the_letter_was_issued_recounts_an_earlier_request(recounted):
    assert tasks(recounted) == []


def test_the_same_obligation_with_a_time_limit_still_ahead_is_a_task():
    t = only("Các địa phương phải gửi báo cáo kết quả rà soát trước ngày 30/01/2027.")
    assert [d.date for d in t.deadlines] == ["2027-01-30"]


@pytest.mark.parametrize("opener", ["Trên cơ sở đề nghị của Ủy ban nhân dân các quận,", "Thực hiện Công văn số 45/VPCP-KGVX,"])
def test_a_body_taking_the_lead_after_a_basis_opener_is_a_task(opener):
    t = only(f"{opener} Sở Xây dựng chủ trì, phối hợp với Sở Tài chính lập Đề án hỗ trợ nhà ở.")
    assert t.lead == ["Sở Xây dựng"] and t.support == ["Sở Tài chính"]


def test_a_basis_opener_before_a_statement_is_still_no_task():
    assert tasks("Trên cơ sở đề nghị của Ủy ban nhân dân các quận, kinh phí năm 2027 đã được phân bổ.") == []


# -- words that fold alike -----------------------------------------------------------------------

def test_a_word_read_whole_is_no_past_tense():
    # sentence written for this rule: `đăng nhập` opens with the letters of `đã`
    t = only("Văn phòng Sở thực hiện đăng nhập các thủ tục đã công bố vào Cơ sở dữ liệu quốc gia.")
    assert t.lead == ["Văn phòng Sở"]


def test_a_head_noun_written_without_its_marks_in_marked_text_is_another_word():
    # sentence written for this rule: `Quy trình` is no `Quỹ`, so names no body
    doc = build("Quy trình nội bộ giải quyết thủ tục tại Phụ lục II.")
    assert noun_phrase(doc, 0, len(doc.text)) is None


def test_the_same_head_noun_in_text_typed_without_marks_still_names_a_body():
    doc = build("Quy ho tro nong dan tinh chu tri trien khai chuong trinh.")
    assert noun_phrase(doc, 0, len(doc.text)).name.startswith("Quy ho tro")


@pytest.mark.parametrize("sentence", ["Quy trinh noi bo giai quyet thu tuc tai Phu luc II.",
                                      "Quy dinh ve thu tuc duoc cong bo tai Phu luc I."])
def test_in_text_without_marks_quy_opening_a_compound_is_no_head_noun(sentence):
    # sentences written for this rule: `quy trình`, `quy định` typed without marks are no `Quỹ`
    doc = build(sentence)
    assert noun_phrase(doc, 0, len(doc.text)) is None


@pytest.mark.parametrize("sentence, name", [
    ("Cac to chuc, ca nhan co lien quan phoi hop thuc hien Nghi dinh nay.", "Cac to chuc, ca nhan co lien quan"),
    ("Co so giao duc dai hoc cong bo chuan dau ra cua chuong trinh dao tao.", "Co so giao duc dai hoc"),
    ("Hoi dong trong tai lao dong cap tinh giai quyet tranh chap.", "Hoi dong trong tai lao dong cap tinh"),
    ("Thu truong cac don vi quan ly nha nuoc chiu trach nhiem thi hanh.", "Thu truong cac don vi")])
def test_in_text_without_marks_a_verbs_syllable_inside_a_noun_goes_on_with_the_name(sentence, name):
    # sentences written for this rule: `cá nhân` holds no `nhận`, `giáo dục` no `giao`, `trọng tài` no
    # stop word `trong` or `tại`, `quản lý` no district `quận`
    doc = build(sentence)
    assert noun_phrase(doc, 0, len(doc.text)).name == name


@pytest.mark.parametrize("sentence", ["Quy IV/2027 hoan thanh viec ra soat.", "Quy 2 nam 2027 bao cao ket qua."])
def test_without_marks_a_quarter_is_no_fund(sentence):
    # sentences written for this rule: `Quý IV/2027` typed without marks is no `Quỹ`
    assert noun_phrase(build(sentence), 0, len(sentence)) is None


@pytest.mark.parametrize("sentence", ["SO LUONG TRUNG TAM THUONG MAI tren dia ban tinh.",
                                      "So lieu thong ke duoc tong hop theo quy."])
def test_without_marks_so_of_a_count_is_no_department(sentence):
    # sentences written for this rule: `số lượng`, `số liệu` typed without marks are no `Sở`
    assert noun_phrase(build(sentence), 0, len(sentence)) is None


def test_without_marks_a_district_still_closes_its_committees_name():
    doc = build("Uy ban nhan dan quan Ba Dinh tiep nhan ho so.")
    assert noun_phrase(doc, 0, len(doc.text)).name == "Ủy ban nhân dân quận"


def test_without_marks_giao_before_a_body_still_assigns():
    import unicodedata
    plain = "".join(c for c in unicodedata.normalize("NFD", LETTER.replace("đ", "d").replace("Đ", "D"))
                    if unicodedata.category(c) != "Mn")
    found = tasks("Giao Vu Phap che chu tri, phoi hop voi cac don vi ra soat van ban truoc ngay 30/6/2027.", plain)
    assert [t.lead for t in found] == [["Vu Phap che"]]


@pytest.mark.parametrize("sentence", ["Các xã phụ cận có điều kiện khó khăn.", "Số liệu làm căn cứ xét duyệt."])
def test_a_syllable_that_folds_to_can_inside_another_word_is_no_obligation(sentence):
    # sentences written for this rule: `phụ cận`, `căn cứ` fold to a `can` that is no `cần`
    doc = build(sentence)
    start = doc.folded.index(" can") + 1
    assert not doc.spelled(start, start + 3)


@pytest.mark.parametrize("sentence", [
    "Tạo điều kien cho nguoi dan tiep can thong tin chinh thuc ve chinh sach.",
    "Moi can bo, cong chuc duoc tham gia tap huan mot lan trong nam."])
def test_in_text_without_marks_can_inside_a_compound_is_no_obligation(sentence):
    # sentences written for this rule: `tiếp cận`, `cán bộ` typed without marks
    doc = build(fold(sentence))
    start = doc.folded.index(" can ") + 1
    assert not doc.spelled(start, start + 3)


def test_in_text_without_marks_can_before_a_verb_is_still_an_obligation():
    doc = build("Cac dia phuong can bo sung danh sach truoc ngay 15/02/2027.")
    start = doc.folded.index(" can ") + 1
    assert doc.spelled(start, start + 3)


def test_a_verb_written_without_its_marks_in_marked_text_is_no_imperative():
    # sentence written for this rule: a tariff line's `Gan` (liver) is no `Gắn`
    doc = build("Danh mục mặt hàng:\nGan béo, tươi hoặc ướp lạnh 10,9 9,5 8,1\n")
    assert not doc.is_directive_at(doc.text.index("Gan"))


def test_gan_opens_a_task_where_work_is_handed_out():
    item = "2. Gắn việc bảo vệ trẻ em với phong trào xây dựng gia đình văn hóa ở khu dân cư."
    assert [t.text[:8] for t in extract(_PLAN.format(item=item)).tasks] == ["Tổ chức ", "Gắn việc"]


def test_a_year_set_off_by_a_comma_opens_the_work_it_dates():
    # sentence written for this rule: the year the work is due by, then the work
    t = only("Các sở thực hiện mục tiêu sau:\nĐến năm 2028, giải quyết dứt điểm hồ sơ tồn đọng của người có công.")
    assert [d.date for d in t.deadlines] == ["2028-12-31"]


# -- requirements and penalties ------------------------------------------------------------------

_DECREE = ("CHÍNH PHỦ\nSố: 45/2027/NĐ-CP\nHà Nội, ngày 10 tháng 3 năm 2027\n\nNGHỊ ĐỊNH\n"
           "Quy định chế độ hỗ trợ người có công\n\nĐiều 5. Trách nhiệm thi hành\n\n"
           "1. Bộ Tài chính có trách nhiệm bố trí kinh phí thực hiện chế độ quy định tại Nghị định này.\n\n{item}\n")


def test_the_manner_an_activity_must_keep_is_no_task_where_work_is_handed_out():
    # sentence written for this rule: the activity, not a body, is what must be so
    item = "2. Việc xác nhận đối tượng hưởng chế độ quy định tại Nghị định này phải bảo đảm công khai, chặt chẽ, chính xác."
    assert [t.lead for t in extract(_DECREE.format(item=item)).tasks] == [["Bộ Tài chính"]]


def test_an_activitys_requirement_followed_by_work_after_a_semicolon_keeps_the_work():
    item = "2. Việc lập danh sách phải bảo đảm công khai; kiểm tra, xử lý kịp thời các trường hợp kê khai sai."
    assert len(extract(_DECREE.format(item=item)).tasks) == 2


def test_a_penalty_for_whoever_breaks_the_rule_is_no_task():
    # sentence written for this rule: what befalls the offender, owed by no body
    item = "2. Người kê khai gian dối để hưởng chế độ thì tùy theo mức độ vi phạm sẽ bị xử lý kỷ luật và phải hoàn trả số tiền đã nhận."
    assert len(extract(_DECREE.format(item=item)).tasks) == 1


def test_rows_of_a_table_under_a_group_of_work_already_done_are_no_tasks():
    # table written for this rule: group I reports done work, group II is the plan
    text = ("BỘ XÂY DỰNG\nSố: 88/QĐ-BXD\nHà Nội, ngày 10 tháng 3 năm 2027\n\nQUYẾT ĐỊNH\nPhê duyệt kế hoạch lựa chọn nhà thầu\n\n"
            "Điều 1. Phê duyệt kế hoạch lựa chọn nhà thầu tại Phụ lục kèm theo.\n\n"
            "STT | Tên gói thầu | Giá gói thầu | Thời gian thực hiện\n"
            "I | Phần công việc đã thực hiện | 120.000.000 |\n"
            "1 | Khảo sát địa hình khu đất | 60.000.000 | Quý I/2027\n"
            "II | Phần công việc thuộc kế hoạch | 900.000.000 |\n"
            "1 | Thi công xây dựng nhà lớp học | 900.000.000 | Quý III/2027\n")
    assert [t.text[:15] for t in extract(text).tasks] == ["1 | Thi công xâ"]


def test_a_colon_standing_apart_before_a_line_in_lower_case_ends_no_block():
    # lines written for this rule: a scan's speck read as " :" inside a sentence that runs on
    from dondoc.nlp.layout import blocks
    text = ("a) Khẩn trương tổ chức rà soát toàn bộ thôn, tổ dân phố trên địa bàn; xây :\n\n"
            "dựng Phương án tổng thể sắp xếp thôn, tổ dân phố, báo cáo cấp ủy cùng cấp.\n")
    assert len(blocks(text)) == 1


def test_a_colon_closing_a_lead_in_still_ends_its_block():
    from dondoc.nlp.layout import blocks
    text = "Các sở thực hiện các nội dung sau:\n\nTổ chức tuyên truyền về quyền trẻ em.\n"
    assert len(blocks(text)) == 2


_REGULATION = ("ỦY BAN NHÂN DÂN TỈNH A\nSố: 16/2027/QĐ-UBND\nA, ngày 10 tháng 3 năm 2027\n\nQUYẾT ĐỊNH\n"
               "Về chính sách hỗ trợ khi Nhà nước thu hồi đất\n\nĐiều 1. Mức hỗ trợ\n\n{item}\n\n"
               "Điều 2. Sở Tài chính hướng dẫn các huyện lập dự toán kinh phí hỗ trợ.\n")



def regulation_leads(item):
    return [t.lead for t in extract(_REGULATION.format(item=item)).tasks]

@pytest.mark.parametrize("item", [
    "1. Hỗ trợ bằng tiền một lần với mức 3.000.000 đồng cho hộ có đến 5 khẩu.",
    "1. Bốn (04) triệu đồng/hộ nếu di chuyển trước thời hạn từ 30 ngày trở lên;",
    "4. Những nội dung không quy định tại Quyết định này thì thực hiện theo Nghị định số 47/2027/NĐ-CP.",
    "2. Thu hồi trên 70% diện tích đất nông nghiệp thì được hỗ trợ trong thời gian mười hai (12) tháng.",
    "3. Giảm 90% tiền sử dụng đất cho các đối tượng là thân nhân liệt sĩ."])
def test_a_regulations_benefit_and_its_amount_is_no_task(item):
    # sentences written for this rule: what a regulation grants, with a sum or a share, owed by no body
    assert regulation_leads(item) == [["Sở Tài chính"]]


def test_a_body_handed_a_sum_to_spend_is_still_a_task():
    item = "1. Sở Lao động - Thương binh và Xã hội hỗ trợ 3.000.000 đồng cho mỗi hộ trước ngày 30/6/2027."
    assert len(regulation_leads(item)) == 2


def test_the_enacting_line_after_a_recital_ending_on_a_comma_stands_apart():
    # lines written for this rule: a long preamble in one paragraph ends `Xét đề nghị của …,`
    from dondoc.nlp.layout import blocks
    recital = "Căn cứ Luật Đất đai ngày 26/11/2003; " * 8 + "Xét đề nghị của Sở Tài nguyên và Môi trường,"
    text = f"{recital}\n\nQUYẾT ĐỊNH:\n\nĐiều 1. Ban hành kèm theo Quyết định này Quy định bồi thường.\n"
    assert [text[b.start:b.end].strip()[:11] for b in blocks(text)] == ["Căn cứ Luật", "QUYẾT ĐỊNH:", "Điều 1. Ban"]


@pytest.mark.parametrize("item", [
    "2. Nếu cây trồng không đúng mật độ quy định thì khi tính bồi thường phải tính giảm theo tỷ lệ tương ứng.",
    "3. Trường hợp chi trả chậm do thay đổi giá thì điều chỉnh theo đơn giá mới.",
    "4. Khi có thay đổi về diện tích, phải lập lại hồ sơ theo mẫu."])
def test_what_a_regulation_says_holds_in_a_case_is_no_task(item):
    # sentences written for this rule: a case, then what holds in it, and no body named to act
    assert regulation_leads(item) == [["Sở Tài chính"]]


def test_a_case_in_which_a_named_body_must_act_is_still_a_task():
    item = "2. Trường hợp chi trả chậm do thay đổi giá, Ủy ban nhân dân cấp huyện lập lại phương án bồi thường."
    assert len(regulation_leads(item)) == 2


def test_a_case_under_work_handed_out_is_the_sections_task():
    found = extract(_PLAN.format(item="2. Trường hợp phát sinh vướng mắc ngoài thẩm quyền, kịp thời báo cáo Ủy ban nhân dân huyện.")).tasks
    assert len(found) == 2


def obligation_marked(text):
    from dondoc.nlp.clauses import analyse
    return "obligation" in analyse(build(text), 0, len(text)).marks


def test_must_inside_a_case_says_what_the_case_is_and_asks_nothing():
    # sentences written for this rule: `phải` between `trường hợp` and its `thì`, then after the case
    assert not obligation_marked("Đất trồng cây lâu năm được bồi thường, trường hợp cây trồng phải chặt bỏ trước "
                                 "thời hạn thì bồi thường thêm giá trị còn lại của vườn cây.")
    assert obligation_marked("Chủ đầu tư phải chi trả trong 30 ngày, trường hợp chậm thì bồi thường theo đơn giá mới.")


def test_a_regulations_heading_over_its_rates_is_no_task():
    item = "a) Hỗ trợ hộ gia đình chính sách\n\n- Mức hỗ trợ 3.000.000 đồng/hộ đối với hộ gia đình thương binh phải di chuyển chỗ ở."
    assert regulation_leads(item) == [["Sở Tài chính"]]


def test_organisations_and_persons_filing_papers_is_a_rule_for_anyone():
    item = "a) Tổ chức, cá nhân nộp hồ sơ trực tiếp hoặc qua dịch vụ bưu chính đến Bộ phận một cửa."
    assert regulation_leads(item) == [["Sở Tài chính"]]


def test_the_contents_of_a_paper_someone_files_are_no_tasks():
    item = ("3. Người vận tải phải lập phương án vận chuyển. Phương án gồm các nội dung chủ yếu sau:\n"
            "a) Tuyến đường dự kiến và thời gian vận chuyển;\nb) Hướng dẫn bảo đảm an toàn trên tuyến.")
    assert regulation_leads(item) == [["Sở Tài chính"]]


def in_a_task_section(text):
    """Is `text` a task where work is handed out (a numbered item under `Tổ chức thực hiện`)?"""
    from dondoc.nlp.classify import Setting, classify
    from dondoc.nlp.clauses import analyse
    doc = build(text)
    setting = Setting("task", False, True, True, lambda n: False, lambda n: False, date(2027, 3, 10))
    return classify(doc, analyse(doc, 0, len(text)), setting, []).task


@pytest.mark.parametrize("field", [
    "Đánh giá mức độ rủi ro của hệ thống sau thử nghiệm: □ Không thay đổi; □ Giảm; □ Tăng.",
    "Đề xuất hỗ trợ từ cơ quan quản lý (nếu có): ...................................................",
    "Tổ chức tín dụng phi ngân hàng lập hồ sơ gửi Ngân hàng Nhà nước chi nhánh."])
def test_what_a_text_prints_for_others_to_fill_or_to_hold_is_no_task(field):
    # sentences written for these rules: a form's blank or box, a credit institution (no verb
    # `tổ chức`)
    assert not in_a_task_section(field)


@pytest.mark.parametrize("sentence", [
    "Sửa đổi cụm từ “500 triệu đồng” thành “01 tỷ đồng” tại Điều 3 và Điều 4.",
    "Bổ sung điểm c vào khoản 2 Điều 9 của Nghị định số 12/2027/NĐ-CP."])
def test_an_amending_texts_own_act_is_no_task(sentence):
    assert not in_a_task_section(sentence)


def test_an_amending_act_is_read_to_its_own_sentence_end():
    # the next article quotes its new wording (`… như sau:`); the act before it quotes nothing
    assert circular_tasks("Điều 1. Sửa đổi, bổ sung Thông tư số 12/2025/TT-BYT\n"
                          "1. Bổ sung điểm c vào khoản 2 Điều 9.\n"
                          "2. Sửa đổi khoản 3 Điều 10 như sau:\n"
                          "“3. Hồ sơ đề nghị gồm đơn và bản sao giấy phép.”") == []


def test_amending_rules_a_body_keeps_is_still_a_task():
    assert in_a_task_section("Sửa đổi, bổ sung Quy chế làm việc của Sở trước ngày 30/6/2027.")


def test_the_sources_of_the_money_are_no_tasks():
    assert circular_tasks("Điều 5. Kinh phí thực hiện\n1. Nguồn kinh phí của các bộ, cơ quan trung ương:\n"
                          "a) Sử dụng 10% tiết kiệm chi thường xuyên năm 2027;\nb) Sử dụng nguồn cải cách tiền lương còn dư.") == []


def test_a_task_with_a_short_blank_is_still_a_task():
    assert in_a_task_section("Tổng hợp báo cáo kết quả gửi Sở Tài chính trước ngày …/…/2027.")


def test_a_thing_handed_over_to_a_body_hands_it_no_work():
    assert regulation_leads("2. Đối với cá nhân vi phạm thì bàn giao cho Công an cấp xã để xử lý theo quy định.") == [
        ["Sở Tài chính"]]


def test_what_a_form_under_a_blank_addressee_says_names_no_one():
    # dev11/006: the decree's appendix prints the application form (`Kính gửi: ……….(1)`)
    from .conftest import CORPUS
    found = extract((CORPUS / "dev11" / "006.txt").read_text(encoding="utf-8")).tasks
    assert found and not any("cam kết thực hiện nghiêm chỉnh" in t.text for t in found)


# a circular written for its rules: the enacting formula closes the legal bases, a catalogue lists fields
_CIRCULAR = ("BỘ Y TẾ\nSố: 15/2027/TT-BYT\nHà Nội, ngày 03 tháng 3 năm 2027\n\nTHÔNG TƯ\nQuy định về khám sức khỏe định kỳ\n\n"
             "Căn cứ Luật Khám bệnh, chữa bệnh số 15/2023/QH15;\nTheo đề nghị của Cục trưởng Cục Quản lý Khám, chữa bệnh;\n"
             "Bộ trưởng Bộ Y tế ban hành Thông tư quy định về khám sức khỏe định kỳ.\n\n{articles}\n")


def circular_tasks(articles):
    return [(t.text[:40], t.lead) for t in extract(_CIRCULAR.format(articles=articles)).tasks]


def test_a_circulars_enacting_formula_is_no_task():
    assert circular_tasks("Điều 1. Sở Y tế các tỉnh tổ chức khám sức khỏe định kỳ cho người lao động.") == [
        ("Sở Y tế các tỉnh tổ chức khám sức khỏe đ", ["Sở Y tế các tỉnh"])]


def test_a_ministry_told_to_issue_a_circular_still_has_a_task():
    found = tasks("1. Bộ Y tế ban hành Thông tư hướng dẫn khám sức khỏe định kỳ trước ngày 30/6/2027.", RESOLUTION)
    assert [t.lead for t in found] == [["Bộ Y tế"]]


def test_an_article_titled_by_a_long_body_name_leads_its_items():
    found = circular_tasks("Chương III\nTRÁCH NHIỆM CỦA CÁC CƠ QUAN\n"
                           "Điều 9. Cơ quan quản lý thi hành án hình sự, hỗ trợ tư pháp thuộc Công an cấp tỉnh\n"
                           "1. Hướng dẫn Công an cấp xã thực hiện việc quản lý người được tha tù trước thời hạn.\n"
                           "2. Tổng hợp, báo cáo kết quả thực hiện trong phạm vi địa phương.")
    assert [lead for _, lead in found] == [
        ["Cơ quan quản lý thi hành án hình sự, hỗ trợ tư pháp thuộc Công an cấp tỉnh"]] * 2


def test_a_provincial_bodys_duties_under_its_article_title():
    # dev11/005: `Điều 14. Cơ quan quản lý tạm giữ, … Công an cấp tỉnh` in the chapter of duties
    from .conftest import CORPUS
    found = extract((CORPUS / "dev11" / "005.txt").read_text(encoding="utf-8")).tasks
    task = next(t for t in found if t.text.startswith("Chỉ đạo nghiệp vụ, hướng dẫn Công an cấp xã"))
    assert task.lead == ["Cơ quan quản lý tạm giữ, tạm giam và cấm đi khỏi nơi cư trú Công an cấp tỉnh"]


def test_a_catalogue_lists_entries_under_a_long_title():
    title = ("Điều 1. Danh mục các lĩnh vực mà người có chức vụ, quyền hạn sau khi thôi giữ chức vụ không được thành lập, "
             "giữ chức danh quản lý, điều hành doanh nghiệp tư nhân, công ty trách nhiệm hữu hạn, công ty cổ phần, "
             "hợp tác xã trong thời hạn quy định")
    assert circular_tasks(f"{title}\n1. Nghiên cứu khoa học.\n2. Phát triển công nghệ.\n3. Giao dịch điện tử.") == []


def test_a_duty_put_on_a_body_under_a_catalogue_is_a_task():
    found = circular_tasks("Điều 1. Danh mục ngành, nghề kinh doanh có điều kiện\n1. Dịch vụ xét nghiệm.\n"
                           "2. Giám đốc Sở Y tế có trách nhiệm rà soát danh mục hằng năm.")
    assert [lead for _, lead in found] == [["Sở Y tế"]]


def test_a_list_of_tasks_is_no_catalogue():
    found = circular_tasks("Điều 1. Danh mục nhiệm vụ năm 2027\n1. Xây dựng phần mềm quản lý hồ sơ khám sức khỏe.")
    assert len(found) == 1


def test_a_minister_told_to_lay_down_detailed_rules_has_a_task():
    found = circular_tasks("Điều 5. Tổ chức thực hiện\n1. Cục trưởng Cục Quản lý Khám, chữa bệnh quy định chi tiết "
                           "biểu mẫu khám sức khỏe định kỳ.")
    assert [lead for _, lead in found] == [["Cục trưởng Cục Quản lý Khám, chữa bệnh"]]


def _appendix(number, title):
    """A Prime Minister's decision whose appendix follows: the tables below are written for their rules."""
    return f"THỦ TƯỚNG CHÍNH PHỦ\nSố: {number}/QĐ-TTg\nHà Nội, ngày 12 tháng 3 năm 2027\n\nQUYẾT ĐỊNH\n{title}\n\nPhụ lục\n"


# table written for this rule: groups I and II, each numbering its rows from 1
_GROUPED_TABLE = _appendix("901", "Ban hành Kế hoạch thực hiện Chương trình phòng, chống thiên tai") + """NHIỆM VỤ CỤ THỂ
TT
Nội dung, nhiệm vụ
Cơ quan chủ
trì
Cơ quan
phối hợp
Thời gian
I
Hoàn thiện thể chế về phòng, chống
thiên tai
1
Rà soát các văn bản quy phạm pháp
luật về phòng, chống thiên tai.
Bộ Tư pháp
Các bộ,
cơ quan
Năm
2027 - 2028
2
Sửa đổi quy chuẩn kỹ thuật công trình
đê điều.
Bộ Xây dựng
Các bộ,
cơ quan
Năm 2027
II
Nâng cao năng lực lực lượng tại chỗ
1
Tập huấn lực lượng xung kích ở cơ sở.
Bộ Quốc phòng
Các địa
phương
Giai đoạn
2027 - 2030
"""


def test_a_tables_rows_numbered_again_in_each_group_are_each_a_task():
    found = [(t.text[:12], t.lead, [d.date for d in t.deadlines]) for t in extract(_GROUPED_TABLE).tasks]
    assert found == [("Rà soát các ", ["Bộ Tư pháp"], ["2028-12-31"]),
                     ("Sửa đổi quy ", ["Bộ Xây dựng"], ["2027-12-31"]),
                     ("Tập huấn lực", ["Bộ Quốc phòng"], ["2030-12-31"])]


def test_a_line_ending_on_a_word_that_only_folds_like_a_preposition_ends_its_cell():
    # lines written for this rule: "nguyên tử" folds to "nguyen tu", as "từ" does
    from dondoc.nlp.layout import dangles
    assert dangles("bảo đảm hoàn thành trước") and dangles("theo Nghị quyết số 72-NQ/TW của")
    assert not dangles("trong lĩnh vực năng lượng nguyên tử") and not dangles("quản lý giá thuốc")
    assert dangles("bao dam hoan thanh truoc")          # typed without marks: read folded


# table written for this rule: lead cells the gazetteer cannot name, one word a line
_UNNAMED_LEAD_TABLE = _appendix("902", "Ban hành Kế hoạch thực hiện Chương trình bảo hiểm y tế toàn dân") + """STT
Tên nhiệm vụ
Cơ quan
chủ trì
Cơ quan
phối hợp
Thời gian hoàn
thành
1.
Đưa chỉ tiêu bao phủ bảo hiểm y tế vào kế
hoạch phát triển kinh tế - xã hội hằng năm.
Các
bộ
ở
Trung ương
Bộ Tài chính
Năm 2027
2.
Rà soát quy trình tiếp nhận người bệnh
vào ngày nghỉ, ngày lễ.
Cơ sở khám
bệnh,
chữa
bệnh
Bộ Y tế, Sở Y tế
Quý II/2027
"""


def test_a_lead_cell_the_gazetteer_cannot_name_is_read_as_bodies():
    found = [(t.lead, t.support) for t in extract(_UNNAMED_LEAD_TABLE).tasks]
    assert found == [(["Các bộ"], ["Bộ Tài chính"]), (["Cơ sở khám bệnh, chữa bệnh"], ["Bộ Y tế", "Sở Y tế"])]


# table written for this rule: numbered groups ("1." and its title) over rows 1.1, 1.2 …, and the
# header printed again on a new page right before a row
_SUB_NUMBERED_TABLE = _appendix("903", "Phê duyệt Đề án hỗ trợ doanh nghiệp công nghệ số") + """TT
Nhiệm vụ, giải pháp
Cơ quan
chủ trì
Cơ quan
phối hợp
Thời gian
thực hiện
1.
Hoàn thiện thể chế
1.1
Rà soát thủ tục hành chính về xuất khẩu
dịch vụ công nghệ số.
Bộ Tài chính
Bộ Công Thương
Quý IV/2027
1.2
Xây dựng cơ chế tín dụng cho doanh nghiệp
công nghệ số.
Ngân hàng Nhà nước
Bộ Tài chính
Quý II/2028
TT
Nhiệm vụ, giải pháp
Cơ quan
chủ trì
Cơ quan
phối hợp
Thời gian
thực hiện
2.
Phát triển thị trường
2.1
Tổ chức diễn đàn doanh nghiệp công nghệ số
tại các thị trường chiến lược.
Bộ Ngoại giao
Bộ Công Thương
Quý III/2027
"""


def test_rows_numbered_under_their_groups_are_each_a_task():
    found = [(t.text[:12], t.lead, [d.date for d in t.deadlines]) for t in extract(_SUB_NUMBERED_TABLE).tasks]
    assert found == [("Rà soát thủ ", ["Bộ Tài chính"], ["2027-12-31"]),
                     ("Xây dựng cơ ", ["Ngân hàng Nhà nước"], ["2028-06-30"]),
                     ("Tổ chức diễn", ["Bộ Ngoại giao"], ["2027-09-30"])]


def test_a_forms_sections_numbered_1_1_are_no_rows_of_a_table_without_a_lead_column():
    from dondoc.nlp.doc import build
    from dondoc.nlp.table import find_line_tables
    text = ("TT\nNhiệm vụ\nCông việc cụ thể\nTiêu chí đánh giá\nhoàn thành\ncông việc\n1\nChỉ đạo\n- Xây dựng kế hoạch năm.\n"
            "3.1. Bên trong\nĐược quản lý trực tiếp bởi Giám đốc.\n3.2. Bên ngoài\nCác cơ quan có liên quan.\n")
    (_s, _e, rows), = find_line_tables(build(text), 0, len(text))
    assert [r.lines[0][2] for r in rows] == ["1"]


@pytest.mark.parametrize("item", ["3. Trình tự, thủ tục cấp giấy phép thực hiện theo quy định tại Nghị định số 15/2027/NĐ-CP.",
                                  "4. Trình độ chuyên môn của cán bộ thực hiện theo quy định tại Thông tư số 05/2027/TT-BNV."])
def test_a_noun_that_opens_with_a_verbs_syllable_is_no_directive(item):
    # sentences written for this rule: "Trình tự", "Trình độ" are no "Trình" (submit)
    found = extract(_PLAN.format(item=item)).tasks
    assert [t.text[:9] for t in found] == ["Tổ chức t"]


def test_the_verb_itself_still_opens_a_task():
    item = "2. Trình Ủy ban nhân dân huyện phê duyệt danh sách trước ngày 30/6/2027."
    assert len(extract(_PLAN.format(item=item)).tasks) == 2


def test_a_comma_inside_brackets_ends_no_condition():
    # sentence written for this rule: the bodies listed in brackets are no subject of the main clause
    item = ("2. Trường hợp phải di chuyển đến xã có điều kiện đặc biệt khó khăn (các huyện Sìn Hồ, Mường Tè, các xã thực hiện "
            "chương trình 135) thì thời gian hỗ trợ kéo dài thêm mười hai tháng.")
    assert regulation_leads(item) == [["Sở Tài chính"]]


# a programme written for these rules: its body states a task, its appendix table restates it
# with the lead and the time; the table breaks over a page, where a new group opens
_RESTATED = ("CHÍNH PHỦ\nSố: 120/NQ-CP\nHà Nội, ngày 12 tháng 3 năm 2027\n\nNGHỊ QUYẾT\n"
             "Ban hành Chương trình hành động về phòng, chống thiên tai\n\nQUYẾT NGHỊ:\n"
             "Điều 1. Ban hành kèm theo Nghị quyết này Chương trình hành động về phòng, chống thiên tai.\n\n"
             "CHƯƠNG TRÌNH HÀNH ĐỘNG\nII. NHIỆM VỤ, GIẢI PHÁP\n"
             "1. Rà soát, hoàn thiện quy định về phòng, chống thiên tai ở cấp xã, bảo đảm phù hợp với "
             "mô hình chính quyền địa phương hai cấp.\n"
             "2. Kiểm tra việc thực hiện quy định về lực lượng xung kích phòng, chống thiên tai tại cơ sở.\n\n"
             "Phụ lục I\nNHIỆM VỤ CỤ THỂ\nTT\nNội dung công việc\nCơ quan\nchủ trì\nCơ quan\nphối hợp\nThời hạn\n"
             "hoàn thành\nI\nHoàn thiện thể chế\n1\nRà soát, hoàn thiện quy định về phòng, chống thiên tai\n"
             "ở cấp xã, bảo đảm phù hợp với mô hình\nchính quyền địa phương hai cấp\nBộ Nông nghiệp\nvà Môi trường\n"
             "Bộ Tư pháp\nQuý II/2027\n\nTT\nNội dung công việc\nCơ quan\nchủ trì\nCơ quan\nphối hợp\nThời hạn\n"
             "hoàn thành\nII\nKiểm tra, giám sát\n1\nKiểm tra việc thực hiện quy định về lực\nlượng xung kích phòng, "
             "chống thiên\ntai tại cơ sở\nBộ Quốc phòng\nBộ Công an\nNăm 2027\n\n"
             "Phụ lục II\nĐỊNH HƯỚNG SẮP XẾP LỰC LƯỢNG\n1. Các tỉnh sắp xếp lực lượng xung kích theo hướng tinh gọn.\n")


def test_a_task_the_appendix_table_restates_is_kept_once_with_the_rows_lead():
    found = [(t.text[:30], t.lead) for t in extract(_RESTATED).tasks if "Rà soát, hoàn thiện quy định" in t.text]
    assert found == [("Rà soát, hoàn thiện quy định v", ["Bộ Nông nghiệp và Môi trường"])]


def test_a_group_that_opens_after_the_header_on_a_new_page_starts_its_own_row():
    found = [(t.lead, [d.date for d in t.deadlines]) for t in extract(_RESTATED).tasks if t.text.startswith("Kiểm tra việc")]
    assert found == [(["Bộ Quốc phòng"], ["2027-12-31"])]


def test_the_next_appendix_ends_the_table():
    found = [t for t in extract(_RESTATED).tasks if t.text.startswith("Kiểm tra việc")]
    assert len(found) == 1 and "Phụ lục II" not in found[0].text and "sắp xếp lực lượng" not in found[0].text


def test_the_lines_naming_who_and_when_belong_to_their_item():
    found = tasks("Điều 1. Phê duyệt Đề án với các nhiệm vụ sau:\n"
                  "a) Xây dựng hạ tầng vận hành Trung tâm dữ liệu đáp ứng các tiêu chuẩn kỹ thuật.\n"
                  "- Đơn vị chủ trì: Bộ Công an.\n- Thời gian thực hiện: Quý IV năm 2027.\n"
                  "b) Tham mưu ban hành quy định về kết nối, chia sẻ dữ liệu.\n"
                  "- Đơn vị chủ trì: Văn phòng Chính phủ.\n- Thời gian thực hiện: Năm 2028.", RESOLUTION)
    assert [(t.text.endswith("Quý IV năm 2027.") or t.text.endswith("Năm 2028."), t.lead, [d.date for d in t.deadlines])
            for t in found] == [(True, ["Bộ Công an"], ["2027-12-31"]), (True, ["Văn phòng Chính phủ"], ["2028-12-31"])]


def test_a_tables_column_title_read_as_a_heading_names_no_body():
    # OCR lost the table's `TT`: its column titles stand over the rows as lines of their own
    found = tasks("Cơ quan\nphối hợp\n1. Tổ chức tuyên truyền, phổ biến nội dung Chỉ thị trước ngày 30/6/2027.", RESOLUTION)
    assert [t.lead for t in found] == [["Chính phủ"]]


def test_the_requirements_under_a_plans_purpose_are_no_tasks():
    # dev13/001: `I. MỤC ĐÍCH, YÊU CẦU` / `2. Yêu cầu` / `a) Bám sát quan điểm chỉ đạo …`
    from .conftest import CORPUS
    found = extract((CORPUS / "dev13" / "001.txt").read_text(encoding="utf-8")).tasks
    assert found and not any(t.text.startswith(("Bám sát quan điểm chỉ đạo", "Quá trình thực hiện phải")) for t in found)


def test_a_duty_a_normative_text_puts_on_the_persons_it_regulates_is_a_rule():
    found = tasks("Điều 1. Hộ kinh doanh, cá nhân kinh doanh có doanh thu năm trên 01 tỷ đồng thì phải sử dụng hóa đơn "
                  "điện tử.\nĐiều 2. Bộ Tài chính hướng dẫn thực hiện Nghị quyết này.", RESOLUTION)
    assert [t.lead for t in found] == [["Bộ Tài chính"]]


def test_what_a_regulated_firm_does_in_a_case_is_a_rule():
    found = tasks("Điều 1. Kê khai doanh thu\n1. Trường hợp doanh nghiệp mới thành lập trong năm thì doanh nghiệp thực "
                  "hiện kê khai doanh thu dự kiến.\n"
                  "Điều 2. Bộ Tài chính hướng dẫn thực hiện Nghị quyết này.", RESOLUTION)
    assert [t.lead for t in found] == [["Bộ Tài chính"]]


def test_a_letter_that_asks_firms_to_act_gives_them_a_task():
    t = only("Các doanh nghiệp trên địa bàn phải hoàn thành kê khai trước ngày 20/01/2027.")
    assert [d.date for d in t.deadlines] == ["2027-01-20"]


def test_compulsory_social_insurance_is_no_obligation():
    # "bảo hiểm xã hội bắt buộc" names the insurance; a statement about it asks nothing
    assert tasks("Số người tham gia bảo hiểm xã hội bắt buộc năm 2026 tăng 5% so với năm 2025.") == []

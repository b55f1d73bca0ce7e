"""The gazetteer: written forms to one canonical name."""
import pytest

from dondoc.nlp.agency import gazetteer


@pytest.mark.parametrize("written, canonical", [
    ("Sở LĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
    ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
    ("UBND tỉnh Thanh Hóa", "Ủy ban nhân dân tỉnh Thanh Hóa"),
    ("Chủ tịch UBND các huyện, thị xã, thành phố", "Ủy ban nhân dân các huyện, thị xã, thành phố"),
    ("So Lao dong - Thuong binh va Xa hoi", "Sở Lao động - Thương binh và Xã hội"),
    ("Uy ban nhan dan céc tinh, thanh phé truc thudc Trung wong", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"),
    ("UBND cấp xã", "Ủy ban nhân dân cấp xã"),
])
def test_canonical_names(written, canonical):
    assert gazetteer().canonical(written) == canonical


def test_a_name_broken_over_two_lines_is_found():
    found = gazetteer().find("Giám đốc Sở Lao động - Thương binh\nvà Xã hội tỉnh Kon Tum")
    assert [f.canonical for f in found] == ["Sở Lao động - Thương binh và Xã hội tỉnh Kon Tum"]


def test_merged_bodies_know_their_successor():
    g = gazetteer()
    assert g.successor_of("Sở Lao động - Thương binh và Xã hội tỉnh Thanh Hóa") == "Sở Nội vụ tỉnh Thanh Hóa"
    assert g.successor_of("Bộ Kế hoạch và Đầu tư") == "Bộ Tài chính"


def test_all_provinces_old_and_new_are_known():
    g = gazetteer()
    assert len(g.provinces) == 34
    assert len({o for p in g.provinces for o in p["old"] if o == o}) >= 63


# -- names as an OCR engine without Vietnamese reads them -----------------------------------------

OCR_LINE = "- Co quan thuc hién: S6.Lao dong - Thuong binh va x hdéi cht tri, phéi hop véi Lién doan Lao déng tinh"


def test_a_name_a_letter_or_two_off_is_found_in_ocr_text():
    from dondoc.nlp.agency import tolerant_of_ocr
    with tolerant_of_ocr():
        found = gazetteer().find(OCR_LINE)
    assert found[0].canonical == "Sở Lao động - Thương binh và Xã hội"


def test_names_a_letter_off_are_not_guessed_in_typed_text():
    assert "Sở Lao động - Thương binh và Xã hội" not in [f.canonical for f in gazetteer().find(OCR_LINE)]


def test_the_misread_vowel_of_bo_and_so_is_forgiven():
    from dondoc.nlp.agency import tolerant_of_ocr
    with tolerant_of_ocr():
        found = gazetteer().find("Thu tuong Chinh phi giao Bé Ké hoach va Dau tu theo chttc nang")
    assert "Bộ Kế hoạch và Đầu tư" in [f.canonical for f in found]


def test_short_names_a_letter_off_are_not_guessed_even_in_ocr_text():
    from dondoc.nlp.agency import tolerant_of_ocr
    with tolerant_of_ocr():
        found = gazetteer().find("Giao Sở Tu phep tổng hợp")     # Tư pháp or Tài chính? no guess
    assert not found


def test_an_abbreviated_name_with_its_head_misread_is_found_in_ocr_text():
    from dondoc.nlp.agency import tolerant_of_ocr
    with tolerant_of_ocr():
        found = gazetteer().find("Chi dao S6 LDTBXH tiép tuc thuc hién; Giao Sé LDTBXH dau méi")
    assert [f.canonical for f in found] == ["Sở Lao động - Thương binh và Xã hội"] * 2


def test_names_an_office_added_are_known_only_where_in_force():
    from dondoc.nlp.agency import local_names
    text = "Giao BQLDA chủ trì thực hiện"            # written for the test
    assert not gazetteer().find(text)
    with local_names([("BQLDA", "Ban Quản lý dự án đầu tư xây dựng tỉnh")]):
        assert [f.canonical for f in gazetteer().find(text)] == ["Ban Quản lý dự án đầu tư xây dựng tỉnh"]
    assert not gazetteer().find(text)


def test_w_read_for_u_with_a_horn_is_forgiven_in_ocr_text():
    from dondoc.nlp.agency import tolerant_of_ocr
    with tolerant_of_ocr():
        found = gazetteer().find("2. Sé Tw phap: Chi tri, phai hop voi cac sé, nganh")    # seeds OCR 004
    assert [f.canonical for f in found][:1] == ["Sở Tư pháp"]


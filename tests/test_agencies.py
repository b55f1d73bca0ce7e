"""The gazetteer: written forms to one canonical name."""
import pytest

from dondoc.nlp.agency import gazetteer
from dondoc.nlp.fold import fold_key


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
    old = {o for p in g.provinces for o in p["old"]}
    assert len(old) >= 63
    # every old and new province name is found as a locality of a body
    for name in sorted(old)[:63:7] + [p["name"] for p in g.provinces][:5]:
        found = g.find(f"Sở Tư pháp tỉnh {name} chủ trì")
        assert found and fold_key(found[0].canonical).endswith(fold_key(name)), name


# -- names as an OCR engine without Vietnamese reads them -----------------------------------------

OCR_LINE = "- Co quan thuc hién: S6.Lao dong - Thuong binh va x hdéi cht tri, phéi hop véi Lién doan Lao déng tinh"


def test_a_name_a_letter_or_two_off_is_found_in_ocr_text():
    found = gazetteer().find(OCR_LINE, ocr=True)
    assert found[0].canonical == "Sở Lao động - Thương binh và Xã hội"


def test_names_a_letter_off_are_not_guessed_in_typed_text():
    assert "Sở Lao động - Thương binh và Xã hội" not in [f.canonical for f in gazetteer().find(OCR_LINE)]


def test_the_misread_vowel_of_bo_and_so_is_forgiven():
    found = gazetteer().find("Thu tuong Chinh phi giao Bé Ké hoach va Dau tu theo chttc nang", ocr=True)
    assert "Bộ Kế hoạch và Đầu tư" in [f.canonical for f in found]


def test_short_names_a_letter_off_are_not_guessed_even_in_ocr_text():
    found = gazetteer().find("Giao Sở Tu phen tổng hợp", ocr=True)     # a consonant off: no guess
    assert not found


def test_an_abbreviated_name_with_its_head_misread_is_found_in_ocr_text():
    found = gazetteer().find("Chi dao S6 LDTBXH tiép tuc thuc hién; Giao Sé LDTBXH dau méi", ocr=True)
    assert [f.canonical for f in found] == ["Sở Lao động - Thương binh và Xã hội"] * 2


def test_names_an_office_added_are_known_only_to_its_gazetteer():
    text = "Giao BQLDA chủ trì thực hiện"            # written for the test
    office = gazetteer([("BQLDA", "Ban Quản lý dự án đầu tư xây dựng tỉnh")])
    assert [f.canonical for f in office.find(text)] == ["Ban Quản lý dự án đầu tư xây dựng tỉnh"]
    assert not gazetteer().find(text)


def test_w_read_for_u_with_a_horn_is_forgiven_in_ocr_text():
    found = gazetteer().find("2. Sé Tw phap: Chi tri, phai hop voi cac sé, nganh", ocr=True)    # seeds OCR 004
    assert [f.canonical for f in found][:1] == ["Sở Tư pháp"]


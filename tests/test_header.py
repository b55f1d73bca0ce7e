"""Header fields per Decree 30/2020, one variant per test, on corpus texts."""
from dondoc.nlp.extract import extract

from .conftest import CORPUS


def doc(rel):
    return extract((CORPUS / rel).read_text(encoding="utf-8"))


def test_number_split_by_markup_is_joined():
    assert doc("seeds/001_e16342c4faedd0ca.txt").number == "546/SLĐTBXH-TEBĐG"


def test_a_number_written_as_a_dotted_pair_is_read_whole():
    assert doc("dev9/001.txt").number == "66.17/2026/NQ-CP"


def test_draft_with_blank_number_and_day():
    d = doc("seeds/004_aab771c767b14fb2.txt")
    assert d.number is None and d.issued is None


def test_place_and_date_line():
    d = doc("seeds/000_1480374bd54b458c.txt")
    assert (d.place, d.issued) == ("Hà Nội", "2024-02-23")


def test_issuer_over_two_lines():
    assert doc("seeds/000_1480374bd54b458c.txt").issuer == "Bộ Lao động - Thương binh và Xã hội"


def test_issuer_takes_the_locality_of_its_parent():
    d = doc("seeds/004_aab771c767b14fb2.txt")
    assert d.issuer == "Sở Lao động - Thương binh và Xã hội tỉnh Đắk Lắk"
    assert d.issuer_parent == "Ủy ban nhân dân tỉnh Đắk Lắk"


def test_issuer_from_the_number_when_the_header_lacks_it():
    assert doc("seeds/001_e16342c4faedd0ca.txt").issuer == "Sở Lao động - Thương binh và Xã hội tỉnh Thanh Hóa"


def test_text_without_a_header_block_takes_the_issuer_from_the_body():
    d = doc("seeds/002_0ee92cbf0101893e.txt")
    assert d.number is None and d.issuer == "Bộ Lao động - Thương binh và Xã hội"


def test_joint_issuers():
    assert doc("dev/007.txt").issuer == "Liên đoàn Lao động tỉnh An Giang - Sở Văn hóa, Thể thao và Du lịch tỉnh An Giang"


def test_subject_over_several_lines():
    assert doc("seeds/001_e16342c4faedd0ca.txt").subject == "hướng dẫn thực hiện công tác trẻ em năm 2020"


def test_subject_of_a_resolution_is_its_title():
    assert doc("dev/010.txt").subject.startswith("Về thanh toán các chi phí khám bệnh")


def test_kind_from_the_title_line():
    assert doc("dev/030.txt").kind == "Quyết định"


def test_recipients_as_a_list():
    assert doc("seeds/001_e16342c4faedd0ca.txt").recipients == [
        "Các sở, ban, ngành, đoàn thể cấp tỉnh", "Chủ tịch UBND các huyện, thị xã, thành phố"]


def test_signer_title_and_name():
    s = doc("dev/002.txt").signer
    assert (s.title, s.name) == ("KT. BỘ TRƯỞNG / THỨ TRƯỞNG", "Nguyễn Thị Xuyên")


def test_cited_documents_with_date_and_issuer():
    cites = doc("seeds/000_1480374bd54b458c.txt").cites
    assert cites[0].__dict__ == {"kind": "Nghị quyết", "number": "121/2020/QH14", "date": "2020-06-19", "issuer": "Quốc hội"}


def test_two_documents_in_one_file_give_the_tasks_of_both():
    d = doc("seeds/004_aab771c767b14fb2.txt")
    assert d.subject.startswith("đề nghị ban hành Công văn")
    assert any(t.lead == ["Sở Tư pháp"] for t in d.tasks)


def test_garbled_ocr_header():
    d = doc("seeds/003_35f16506bfe594bc.txt")
    assert (d.number, d.issued) == ("478/LDTBXH-TE", "2022-02-28")
    assert d.recipients and "Uy ban nhan dan" in d.recipients[0]


def test_ocr_reading_the_slash_of_v_v_as_a_letter_still_opens_the_subject():
    d = doc("seeds-variants/ocr_eng/003_35f16506bfe594bc.txt")        # "Viv huéng dan ..."
    assert d.subject.startswith("huong dan nhiem vu trong tam")      # as repaired


def test_ocr_keeping_a_few_latin_marks_is_still_taken_for_garbled():
    # `é`, `ó` for Vietnamese letters: 8% of letters carry marks, where Vietnamese has ~30%
    from dondoc.nlp.ocrfix import looks_garbled
    raw = (CORPUS / "seeds-variants/ocr_eng/002_0ee92cbf0101893e.txt").read_text(encoding="utf-8")
    assert looks_garbled(raw)
    assert not any(looks_garbled((CORPUS / f"dev/{n}.txt").read_text(encoding="utf-8")) for n in ("016", "021"))


def test_an_issuer_named_only_in_the_body_of_an_ocr_letter():
    assert doc("seeds-variants/ocr_eng/002_0ee92cbf0101893e.txt").issuer == "Bộ Lao động - Thương binh và Xã hội"


def test_an_ocr_motto_with_words_run_together_is_not_the_issuer():
    d = doc("dev-variants/ocr_eng/002.txt")        # "Doc lap - Tudo - Hanh phtc", no "BỘ Y TẾ" line
    assert d.issuer == "Bộ Y tế"


def test_an_ocr_title_runs_on_past_blank_lines_inside_it():
    # "... nhà đầu\ntu\n\nthuc hién du an ..." and "... năm 2025 cia\n\nBo Chinh tri vé ..."
    assert doc("dev-variants/ocr_eng/030.txt").subject.endswith("trén hé thong mang dau thau quoc gia")
    assert doc("dev-variants/ocr_eng/026.txt").subject.endswith("phat trién dat nuoc trong ky nguyén moi")


def test_an_issuer_beside_the_motto_on_one_scanned_row():
    # "VĂN PHÒNG CHÍNH PHỦ CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM": two columns read row by row
    assert doc("dev2-variants/real_pdf_read/008.txt").issuer == "Văn phòng Chính phủ"


def test_the_issuer_rows_go_on_past_the_mottos_row():
    # "BAN CHỈ HUY PCTT VÀ TKCN CỘNG HÒA …" / "TỈNH THỪA THIÊN HUẾ Độc lập …" / "VĂN PHÒNG THƯỜNG TRỰC"
    assert doc("dev2-variants/real_pdf_read/001.txt").issuer == doc("dev2/001.txt").issuer


def test_a_logo_read_as_letters_and_digits_is_not_the_issuer():
    # "TT#T)" above "CHÍNH PHỦ CỘNG HÒA …" (and a motto with its dashes doubled, "Độc lập —- Tự do");
    # "_—" and "T171" above "THỦ TƯỚNG CHÍNH PHỦ …"
    assert doc("dev2-variants/real_pdf_read/029.txt").issuer == "Chính phủ"
    assert doc("dev2-variants/real_pdf_read/015.txt").issuer == "Thủ tướng Chính phủ"


def test_an_e_signature_before_the_motto_is_not_the_issuer():
    # a gazette's signature block runs into the motto on one line (written for this test)
    d = extract("Ký bởi: CÔNG BÁO NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nCơ quan: VĂN PHÒNG CHÍNH PHỦ\n"
                "Ngày ký: 2026-06-10 16:59:39 +07:00\n\nSố: 12/2026/TT-BTC\nHà Nội, ngày 10 tháng 6 năm 2026\n\n"
                "THÔNG TƯ\nHướng dẫn quản lý kinh phí\n\nĐiều 1. Phạm vi điều chỉnh\n")
    assert "Ký" not in (d.issuer or "") and "CÔNG BÁO" not in (d.issuer or "").upper()


def test_a_normative_text_without_its_header_names_its_issuer_where_it_enacts():
    # a gazette copy whose header block was an image (written for this test)
    text = ("CÔNG BÁO/Số 245/Ngày 23-04-2026\n2\n\nTHÔNG TƯ\nQuy định về quản lý kho lưu trữ\n\n"
            "Căn cứ Luật Lưu trữ số 33/2024/QH15;\nTheo đề nghị của Cục trưởng Cục Văn thư và Lưu trữ nhà nước;\n"
            "Bộ trưởng Bộ Nội vụ ban hành Thông tư quy định về quản lý kho lưu trữ.\n\nĐiều 1. Phạm vi điều chỉnh\n")
    assert extract(text).issuer == "Bộ Nội vụ"


def test_a_month_split_by_a_stray_space_is_read_whole():
    text = ("BỘ Y TẾ\nSố: 12/BYT-KCB\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Hà Nội, ngày 26 tháng 0 6 năm 2018\n\nKính gửi: Sở Y tế\n\nĐề nghị Sở Y tế báo cáo.")
    assert extract(text).issued == "2018-06-26"


def test_a_title_a_blank_line_below_the_kind_is_the_subject_not_a_preamble():
    # dev5/004: "KẾ HOẠCH", a blank line, then a title opening with a verb ("TRIỂN KHAI …")
    assert doc("dev5/004.txt").subject.lower().startswith("triển khai thực hiện quyết định số 1237/qđ-ttg")


def test_a_header_block_a_pdf_read_out_of_order_still_gives_number_and_date():
    # dev11/002: pdftotext put the issuer, number and date block after Điều 2.1
    d = doc("dev11/002.txt")
    assert (d.number, d.issued) == ("32/2026/TT-BKHCN", "2026-06-11")

"""Readers: each file type as it arrives, chosen by content, and the OCR path measured."""
from __future__ import annotations

import re
import unicodedata

import pytest
from rapidfuzz.distance import Levenshtein

from dondoc.ingest.errors import IngestError
from dondoc.ingest.registry import read

from .conftest import CORPUS


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


def test_born_digital_pdf_is_read_from_its_text_layer(generated, settings):
    r = read(generated["text_pdf"], settings)
    assert r.kind == "pdf" and all(p.method == "text" for p in r.pages)
    text = _norm(r.text)
    assert "Số: 687 /LĐTBXH-TTr" in text
    # reading order: the addressee comes before the first numbered item
    assert text.index("Kính gửi") < text.index("1. Chỉ đạo Sở LĐTBXH")


def test_clean_scan_ocr_character_error_rate_is_under_two_percent(generated, settings):
    r = read(generated["clean_scan"], settings)
    assert r.pages[0].method == "ocr" and r.pages[0].confidence > 80
    truth = _norm(" ".join(generated["lines"]))
    got = _norm(r.text)
    cer = Levenshtein.distance(truth, got) / len(truth)
    assert cer < 0.02, f"CER {cer:.3%}"


def test_skewed_noisy_scan_is_deskewed_and_read(generated, settings):
    from dondoc.ingest.ocr import skew_angle
    from PIL import Image
    assert abs(skew_angle(Image.open(generated["noisy_scan"])) + 1.5) < 0.5
    r = read(generated["noisy_scan"], settings)
    assert "687" in r.text and "LĐTBXH" in r.text


def test_photo_like_jpeg_is_read(generated, settings):
    r = read(generated["photo"], settings)
    assert r.kind == "image"
    assert "Kính gửi" in r.text


def test_mixed_pdf_ocrs_only_its_scanned_page(generated, settings):
    r = read(generated["mixed_pdf"], settings)
    assert [p.method for p in r.pages] == ["text", "ocr"]
    assert r.pages[1].confidence is not None
    assert "687" in r.pages[1].text


def test_multipage_tiff_gives_one_page_per_frame_reported_as_each_is_read(generated, settings):
    heard = []
    r = read(generated["tiff"], settings, progress=lambda done, total: heard.append((done, total)))
    assert len(r.pages) == 2 and all(p.text.strip() for p in r.pages)
    assert heard[0] == (0, 2) and (1, 2) in heard and heard[-1] == (2, 2) and heard == sorted(heard)


def test_docx_keeps_paragraphs_and_tables_in_order(generated, settings):
    r = read(generated["docx"], settings)
    assert r.kind == "docx"
    assert "1 | Báo cáo kết quả | trước ngày 20/11/2024" in r.text
    assert r.text.index("Kính gửi") < r.text.index("Báo cáo kết quả")


def test_utf16_text_is_decoded(tmp_path, settings):
    p = tmp_path / "a.txt"
    p.write_bytes("Kính gửi: Sở Tư pháp".encode("utf-16"))
    assert read(p, settings).text == "Kính gửi: Sở Tư pháp"


def test_decomposed_unicode_is_normalised_to_nfc(tmp_path, settings):
    p = tmp_path / "nfd.txt"
    p.write_text(unicodedata.normalize("NFD", "Thực hiện Công văn số 69"), encoding="utf-8")
    assert read(p, settings).text == "Thực hiện Công văn số 69"


def test_tcvn3_legacy_encoding_is_recognised(tmp_path, settings):
    from dondoc.ingest.vnlegacy import _TCVN3
    enc = {v: k for k, v in _TCVN3.items()}
    text = "Sở Tư pháp chủ trì, phối hợp với các sở, ngành thực hiện trước ngày 20/5."
    data = bytes(enc[c] if c in enc else ord(c) for c in unicodedata.normalize("NFC", text))
    p = tmp_path / "abc.txt"
    p.write_bytes(data)
    assert read(p, settings).text == text


def test_vni_legacy_encoding_is_recognised(tmp_path, settings):
    # the national motto as VNI-Windows fonts store it: base letters followed by mark bytes
    p = tmp_path / "vni.txt"
    p.write_bytes("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nÑoäc laäp - Töï do - Haïnh phuùc\n".replace(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM").encode("cp1252"))
    assert read(p, settings).text.strip() == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"


def test_a_whole_dispatch_in_vni_reads_as_its_unicode_text(tmp_path, settings):
    from dondoc.ingest.vnlegacy import _VNI
    enc = {v: k for k, v in _VNI.items()}
    text = unicodedata.normalize("NFC", (CORPUS / "seeds" / "000_1480374bd54b458c.txt").read_text(encoding="utf-8"))
    p = tmp_path / "vni.txt"
    p.write_bytes("".join(enc.get(c, c) for c in text).encode("cp1252", "replace"))
    assert read(p, settings).text == text.strip()


def test_western_text_in_cp1252_is_not_taken_for_vietnamese(tmp_path, settings):
    p = tmp_path / "fr.txt"
    p.write_bytes("Le café crème à la française coûte très cher à Genève, où l'été est doux.".encode("cp1252"))
    assert read(p, settings).text.startswith("Le café crème à la française")


def test_type_comes_from_content_not_name(generated, tmp_path, settings):
    renamed = tmp_path / "scan.pdf"
    renamed.write_bytes(generated["clean_scan"].read_bytes())
    assert read(renamed, settings).kind == "image"


@pytest.mark.parametrize("case, message", [
    ("truncated_pdf", "PDF bị hỏng"),
    ("encrypted_pdf", "mã hóa"),
    ("zero_byte", "rỗng"),
    ("junk_txt", "không phải văn bản"),
    ("unsupported", "không được hỗ trợ"),
])
def test_bad_files_get_a_clear_reason(case, message, generated, tmp_path, settings):
    from . import fixtures as fx
    p = tmp_path / case
    if case == "truncated_pdf":
        data = generated["text_pdf"].read_bytes()
        p = p.with_suffix(".pdf")
        p.write_bytes(data[: len(data) // 3])
    elif case == "encrypted_pdf":
        p = fx.encrypted_pdf(p.with_suffix(".pdf"))
    elif case == "zero_byte":
        p = p.with_suffix(".txt")
        p.write_bytes(b"")
    elif case == "junk_txt":
        p = p.with_suffix(".txt")
        p.write_bytes(bytes(range(256)) * 20)
    elif case == "unsupported":
        p = p.with_suffix(".zip")
        import zipfile
        with zipfile.ZipFile(p, "w") as z:
            z.writestr("x.bin", b"\x00\x01")
    with pytest.raises(IngestError) as exc:
        read(p, settings)
    assert message in exc.value.message


DATA = __import__("pathlib").Path(__file__).parent / "data"


def test_e_signed_pdf_number_and_date_are_read_where_the_signing_software_stamped_them(settings):
    r = read(DATA / "e-signed-012.pdf", settings)
    lines = r.pages[0].text.splitlines()
    assert "Số: 453 /TB-UBND" in lines and "Hà Nội, ngày 29 tháng 4 năm 2026" in lines
    assert [a["text"] for a in r.pages[0].metadata["annotations"]] == ["453", "29", "4", "2026"]
    assert {"field": "SignService-Signature", "name": "Võ Tuấn Anh",
            "signed_at": "2026-04-29T14:32:53+07:00"} in r.metadata["signatures"]


def test_e_signed_pdf_gives_its_header_to_the_extractor(settings):
    from dondoc.pipeline import extract_file
    rec = extract_file(DATA / "e-signed-012.pdf", settings)
    assert (rec.number, rec.issued, rec.subject) == ("453/TB-UBND", "2026-04-29", "Về việc treo cờ Tổ quốc")


def test_a_form_field_value_is_read_into_the_text_and_kept_as_a_field(tmp_path, settings):
    from . import fixtures as fx
    r = read(fx.form_pdf(tmp_path / "form.pdf", fx.seed_text(), "687", field="so_ky_hieu"), settings)
    assert "Số: 687/LĐTBXH-TTr" in r.text.splitlines()
    assert r.metadata["form_fields"] == {"so_ky_hieu": "687"}


def test_a_signing_portal_block_is_not_document_text():
    from dondoc.ingest.pdf_annots import is_signer_block
    assert is_signer_block("Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ\nEmail: thongtinchinhphu@chinhphu.vn\n"
                           "Cơ quan: VĂN PHÒNG CHÍNH PHỦ\nThời gian ký: 28.04.2026 15:49:15 +07:00")
    assert not is_signer_block("453") and not is_signer_block("Hà Nội, ngày 29 tháng 4 năm 2026")


def _lines(text: str) -> list[str]:
    return [" ".join(x.split()) for x in text.replace("**", "").splitlines() if x.strip()]


@pytest.mark.parametrize("fmt, mime", [("doc", "application/msword"), ("rtf", "text/rtf"),
                                       ("odt", "application/vnd.oasis.opendocument.text")])
def test_word_97_rtf_and_odt_are_read_with_paragraphs_and_tables_in_order(fmt, mime, office_files, settings):
    r = read(office_files[fmt], settings)
    assert (r.kind, r.mime) == (fmt, mime)
    assert _lines(r.text)[:-2] == _lines(office_files["text"])
    assert _lines(r.text)[-2:] == ["TT | Nhiệm vụ | Thời hạn", "1 | Báo cáo kết quả | trước ngày 20/11/2024"]


def test_a_word_97_file_in_tcvn3_fonts_is_decoded_run_by_run(office_files, settings):
    r = read(office_files["tcvn3_doc"], settings)
    assert _lines(r.text) == _lines(office_files["text"])


def test_a_word_97_file_in_tcvn3_fonts_gives_the_same_dispatch(office_files, settings):
    from dondoc.pipeline import extract_file, extract_text
    rec = extract_file(office_files["tcvn3_doc"], settings)
    want = extract_text(office_files["text"], settings)
    assert (rec.number, rec.issued, rec.issuer, len(rec.tasks)) == (want.number, want.issued, want.issuer, len(want.tasks))


def test_runs_in_vni_and_unicode_fonts_mix_in_one_paragraph(tmp_path, settings):
    import docx
    from . import fixtures as fx
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("Kính gửi: ")
    for font, piece in fx.legacy_runs("Sở Tư pháp chủ trì, phối hợp với các sở, ngành", "vni"):
        p.add_run(piece).font.name = font
    d.save(str(tmp_path / "mixed.docx"))
    assert read(tmp_path / "mixed.docx", settings).text == "Kính gửi: Sở Tư pháp chủ trì, phối hợp với các sở, ngành"


def test_a_damaged_word_97_file_gets_a_clear_reason(office_files, tmp_path, settings):
    p = tmp_path / "hong.doc"
    p.write_bytes(office_files["doc"].read_bytes()[:5000])
    with pytest.raises(IngestError) as exc:
        read(p, settings)
    assert "hỏng" in exc.value.message


def test_an_incoming_stamp_is_kept_out_of_the_text_and_its_number_and_date_proposed(tmp_path, tesseract, settings):
    from . import fixtures as fx
    page = fx.incoming_stamp(fx.render_page(fx.plain_lines(fx.seed_text())[:34]), "125", "26/02/2024")
    page.save(tmp_path / "den.png", dpi=(300, 300))
    r = read(tmp_path / "den.png", settings)
    assert {k: r.metadata["stamp"][k] for k in ("number", "date", "unreadable", "page")} == \
        {"number": "125", "date": "2024-02-26", "unreadable": [], "page": 1}
    assert "ĐẾN" not in r.text and "Chuyển" not in r.text and "GIANG" not in r.text
    assert "687" in r.text and "Kính gửi" in r.text


def test_a_stamp_date_that_cannot_be_read_is_left_empty_and_flagged(tesseract):
    from PIL import Image
    from dondoc.ingest.ocr import ocr_image
    from . import fixtures as fx
    blank = Image.new("L", (2481, 3508), 255)
    r = ocr_image(fx.incoming_stamp(blank, "125", ""))
    assert r.stamp["date"] is None and r.stamp["unreadable"] == ["date"] and r.stamp["number"] == "125"


def test_a_scan_whose_text_layer_is_ocr_without_vietnamese_is_read_again(generated, tmp_path, settings):
    from PIL import Image
    from . import fixtures as fx
    garbled = (CORPUS / "seeds-variants" / "ocr_eng" / "000_1480374bd54b458c.txt").read_text(encoding="utf-8")
    p = fx.scan_with_text_layer(tmp_path / "layer.pdf", Image.open(generated["clean_scan"]), garbled)
    r = read(p, settings)
    assert r.pages[0].method == "ocr" and r.pages[0].metadata["text_layer"] == "replaced"
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân" in r.text


@pytest.mark.parametrize("text, bad", [
    ((CORPUS / "seeds-variants" / "stripped" / "000_1480374bd54b458c.txt"), True),
    ((CORPUS / "seeds-variants" / "ocr_eng" / "000_1480374bd54b458c.txt"), True),
    ((CORPUS / "seeds" / "000_1480374bd54b458c.txt"), False),
    ("The committee asked every member state to report on the measures it has taken to protect children "
     "from abuse and on the results of the inspections carried out in the last two years, by the end of May.", False),
])
def test_a_bad_text_layer_is_told_from_vietnamese_and_from_english(text, bad):
    from dondoc.ingest.pdf import bad_text_layer
    assert bad_text_layer(text.read_text(encoding="utf-8") if hasattr(text, "read_text") else text) is bad


def test_a_second_document_in_the_file_is_named_and_gives_its_tasks_too(tmp_path, settings):
    from dondoc.pipeline import extract_text
    from . import fixtures as fx
    first, second = fx.seed_text(), (CORPUS / "dev" / "016.txt").read_text(encoding="utf-8")
    r = read(fx.text_pdf(tmp_path / "hai-van-ban.pdf", [first, second]), settings)
    (child,) = r.children
    assert child.role == "document" and child.pages == [len(r.pages)]
    assert r.text[child.metadata["text_start"]:].startswith("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM")
    rec, alone = extract_text(r.text, settings), extract_text(first, settings)
    assert rec.number == alone.number == "687/LĐTBXH-TTr"
    assert len(rec.tasks) == len(alone.tasks) + len(extract_text(second, settings).tasks)


def test_a_red_seal_and_a_blue_signature_over_the_title_do_not_garble_it(tmp_path, tesseract, settings):
    from . import fixtures as fx
    lines = fx.plain_lines(fx.seed_text())[:34]
    page = fx.incoming_stamp(fx.seal_and_signature(fx.render_page(lines)), "125", "26/02/2024", ink=(90, 40, 150))
    page.save(tmp_path / "mau.png", dpi=(300, 300))
    r = read(tmp_path / "mau.png", settings)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in r.text and "Hà Nội, ngày 23 tháng 02 năm 2024" in r.text
    truth = _norm(" ".join(lines))
    assert Levenshtein.distance(truth, _norm(r.text)) / len(truth) < 0.02
    assert (r.metadata["stamp"]["number"], r.metadata["stamp"]["date"]) == ("125", "2024-02-26")


def test_words_read_unsurely_are_listed_where_they_stand_in_the_page_text():
    from dondoc.ingest.ocr import _assemble
    data = {"text": ["Số:", "7?9", "/QĐ-TTg", "Hà", "Nội"], "conf": [96, 31, 90, 95, 95],
            "block_num": [1, 1, 1, 1, 1], "par_num": [1, 1, 1, 2, 2], "line_num": [1, 1, 1, 1, 1],
            "left": [0] * 5, "top": [0] * 5, "width": [1] * 5, "height": [1] * 5}
    low: list = []
    text, _, _ = _assemble(data, low=low)
    assert text == "Số: 7?9 /QĐ-TTg\n\nHà Nội"
    assert low == [{"start": 4, "end": 7, "text": "7?9", "conf": 31.0}] and text[4:7] == "7?9"

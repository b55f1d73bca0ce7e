"""Putting diacritics back on text typed without them or read by OCR without Vietnamese."""
from __future__ import annotations

import shutil
import unicodedata

import pytest
from click.testing import CliRunner

from dondoc.cli import main
from dondoc.restore import MODEL_PATH, default_restorer
from dondoc.restore.evaluate import syllable_accuracy
from dondoc.restore.restorer import strip_marks

from .conftest import CORPUS


def _stripped(name: str) -> tuple[str, str]:
    s, doc = name.split("/")
    return ((CORPUS / s / doc).read_text(encoding="utf-8"),
            (CORPUS / f"{s}-variants" / "stripped" / doc).read_text(encoding="utf-8"))


def test_a_stripped_dispatch_gets_its_diacritics_back():
    original, stripped = _stripped("dev2/008.txt")      # a dispatch of the Government Office, never trained on
    restored = default_restorer().restore(stripped)
    assert restored.mode == "stripped"
    assert syllable_accuracy(original, restored.text).accuracy >= 0.95
    assert "Kính gửi:\n- Các Bộ: Công an, Tư pháp, Tài chính, Xây dựng," in restored.text


def test_restoring_changes_nothing_but_the_marks_of_letters():
    # every other character, every line break and every number stays where it was
    _, stripped = _stripped("dev/003.txt")
    restored = default_restorer().restore(stripped).text
    assert len(restored) == len(stripped)
    assert strip_marks(restored) == stripped
    assert restored.splitlines() and len(restored.splitlines()) == len(stripped.splitlines())


def test_a_text_with_its_diacritics_is_left_alone():
    original, _ = _stripped("dev/002.txt")
    out = default_restorer().restore(original)
    assert out.mode == "unchanged" and out.text == unicodedata.normalize("NFC", original)


def test_a_line_typed_with_marks_in_a_stripped_text_is_kept_as_typed():
    text = "Kinh gui: So Y te\nBan Tuyên giáo Tỉnh ủy\nde nghi bao cao truoc ngay 30/9\n"
    out = default_restorer().restore(text).text.split("\n")
    assert out[1] == "Ban Tuyên giáo Tỉnh ủy"
    assert out[0] == "Kính gửi: Sở Y tế" and out[2] == "đề nghị báo cáo trước ngày 30/9"


def test_an_initialism_never_seen_gets_its_đ_as_the_corpus_initialisms_have_it():
    # dev 007: công nhân, viên chức, lao động; no training text has CNVCLĐ
    line = "Xay dung doi song van hoa co so trong CNVCLD\n"
    assert default_restorer().restore(line).text == "Xây dựng đời sống văn hóa cơ sở trong CNVCLĐ\n"


def test_the_parts_of_a_symbol_are_initialisms_without_vowel_marks():
    # dev 003: Kế hoạch 119-KH/TU of the provincial Party committee (Tỉnh ủy), not "TỪ"
    out = default_restorer().restore("Thuc hien Ke hoach so 119-KH/TU ngay 18 thang 12 nam 2019\n").text
    assert out == "Thực hiện Kế hoạch số 119-KH/TU ngày 18 tháng 12 năm 2019\n"
    assert default_restorer().restore("theo Quyet dinh so 12/QD-UBND\n").text == "theo Quyết định số 12/QĐ-UBND\n"


def test_text_read_without_vietnamese_is_repaired_then_restored_with_a_map_back():
    garbled = (CORPUS / "seeds-variants/ocr_eng/000_1480374bd54b458c.txt").read_text(encoding="utf-8")
    out = default_restorer().restore(garbled)
    assert out.mode == "garbled"
    assert len(out.to_original) == len(out.text) + 1
    i = out.text.index("Kính gửi")
    assert garbled[out.original_offset(i):out.original_offset(i) + 4] == "Kinh"


def test_the_packaged_model_was_trained_without_the_labelled_documents():
    meta = default_restorer().model.meta
    # the ten Công báo texts that are also dev or dev2 documents, found by their content
    assert len(meta["excluded"]) == 10 and "quyet-dinh-so-2416-qd-bkhdt-43016.txt" in meta["excluded"]
    assert MODEL_PATH.stat().st_size < 50 * 2**20


def test_training_removes_a_labelled_document_found_under_another_name(tmp_path):
    from dondoc.restore import load
    from dondoc.restore.train import build
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("002.txt", "003.txt", "007.txt"):
        shutil.copy(CORPUS / "dev" / name, corpus / f"unlabelled-{name}")
    shutil.copy(CORPUS / "dev2" / "020.txt", corpus / "chi-thi-so-21-ct-ttg.txt")   # dev2 020 under its Công báo name
    model = build(corpus, [CORPUS / "dev2"], tmp_path / "small.bin")
    assert model.meta["excluded"] == {"chi-thi-so-21-ct-ttg.txt": "dev2/020.txt"}
    assert model.meta["training_texts"] == 3
    out = load(str(tmp_path / "small.bin")).restore("Uy ban nhan dan tinh\n").text
    assert out == "Ủy ban nhân dân tỉnh\n"


def test_the_restore_command_prints_the_restored_text(tmp_path):
    f = tmp_path / "cong-van.txt"
    f.write_text("De nghi So Y te bao cao truoc ngay 30/9/2024.\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["restore", str(f)])
    assert r.exit_code == 0, r.output
    assert r.output == "Đề nghị Sở Y tế báo cáo trước ngày 30/9/2024.\n"


def test_the_restore_command_refuses_a_broken_model_with_a_message(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("De nghi\n", encoding="utf-8")
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"not a model")
    r = CliRunner().invoke(main, ["restore", "--model", str(bad), str(f)])
    assert r.exit_code == 1 and "không phải mô hình khôi phục dấu" in r.output


# Words and confidences as Tesseract `vie` read them on the real scans of dev2 (real_pdf 027, 029)
SCAN_027 = [("Công", 96), ("Thương", 96), ("sửa", 96), ("đôi,", 56), ("bỗ", 91), ("sung,", 97), ("bãi", 96), ("bỏ", 95)]
SCAN_029 = [("định", 96), ("của", 97), ("cấp", 95), ("có", 96), ("thâm", 89), ("quyên.", 77), ("3.", 96), ("Giao", 96)]


@pytest.mark.parametrize("read, right", [(SCAN_027, "Công Thương sửa đổi, bổ sung, bãi bỏ"),
                                         (SCAN_029, "định của cấp có thẩm quyền. 3. Giao")])
def test_tone_marks_tesseract_confused_are_chosen_again_in_context(read, right):
    from dondoc.restore.ocr import rescore_words
    words = rescore_words([w for w, _ in read], [c for _, c in read], default_restorer())
    assert " ".join(words) == right


def test_a_word_tesseract_is_sure_of_keeps_its_reading():
    # "quyển báo cáo" (the report booklet) is rarer than "quyền" but was read at 96
    from dondoc.restore.ocr import rescore_words
    words = rescore_words(["nộp", "quyển", "báo", "cáo"], [96, 96, 96, 96], default_restorer())
    assert words == ["nộp", "quyển", "báo", "cáo"]


def test_ocr_rescoring_applies_to_vietnamese_readings_only(monkeypatch):
    from dondoc.ingest.ocr import _rescored
    data = {"text": ["", "thâm", "quyên."], "conf": ["-1", "89", "77"], "line_num": [0, 1, 1]}
    assert _rescored(data, "vie")["text"] == ["", "thẩm", "quyền."]
    assert _rescored(data, "eng")["text"] == data["text"]
    monkeypatch.setenv("DONDOC_OCR_RESCORE", "0")
    assert _rescored(data, "vie")["text"] == data["text"]

"""Repairing words read by an OCR engine without Vietnamese, one confusion per test."""
import pytest


@pytest.mark.parametrize("garbled, syllable", [("ctr", "cu"), ("chitc", "chuc"), ("chttc", "chuc"), ("ngir", "ngu")])
def test_u_with_a_horn_drawn_as_two_glyphs_is_repaired(garbled, syllable):
    # OCR without Vietnamese draws "ứ", "ữ" as "tr", "ir", "it", "tt": "căn ctr", "chitc năng"
    from dondoc.nlp.ocrfix import nearest
    assert nearest(garbled) == syllable


def test_thanh_pho_with_its_o_read_as_e_is_put_back():
    from dondoc.nlp.ocrfix import repair
    text = "Uy ban nhan dan cac huyén, thanh phé va cac co quan; THANH PHÉ"      # dev OCR 003
    fixed, offsets = repair(text)
    assert "cac huyén, thanh phố va" in fixed and fixed.endswith("THANH PHỐ") and len(offsets) == len(fixed) + 1


def test_a_lead_listed_with_its_locality_in_ocr_text():
    from dondoc.nlp.extract import extract

    from .conftest import CORPUS
    raw = (CORPUS / "dev-variants/ocr_eng/003.txt").read_text(encoding="utf-8")
    t = next(t for t in extract(raw).tasks if t.text.startswith("Cac sé, ban, nganh; Uy ban nhan dan"))
    assert t.lead[:2] == ["Các sở, ban, ngành", "Ủy ban nhân dân các huyện, thành phố"]


def test_a_speck_read_as_a_colon_after_a_sentence_is_dropped():
    from dondoc.nlp.ocrfix import repair
    fixed, offsets = repair("dé Luat tré em duoc trién khai tir ngay 01 thang 6 nam\n2017. :\n")      # seeds OCR 002
    assert fixed.endswith("2017.  \n") and len(offsets) == len(fixed) + 1
    assert repair("cu thé nhu sau:\n")[0].endswith("sau:\n")          # a real lead-in keeps its colon


@pytest.mark.parametrize("garbled", ["Can ct Luat Té chuc Chinh phu;", "Can cw Luat Dat dai;", "Can ctr Nghi dinh s6 12;",
                                     "Can cir Quyét dinh s6 5;", "Can cur Luat Dau tu cong;", "Can cut Nghi quyét s6 4;",
                                     "Can cr Quyét dinh s6 7;"])
def test_the_can_cu_opening_a_preamble_line_is_read_back(garbled):
    from dondoc.nlp.ocrfix import repair
    fixed, offsets = repair(garbled + "\n")
    assert fixed.lstrip().startswith("Can cu ") and len(fixed) == len(garbled) + 1 and len(offsets) == len(fixed) + 1


@pytest.mark.parametrize("garbled", ["Piéu 2. Nghi quyét nay co hiéu luc", "-Piéu 3. Cac B6 truong", "_Diéu 4. Chanh Van phong"])
def test_an_articles_dieu_with_its_d_read_as_p_or_a_speck_before_it(garbled):
    from dondoc.nlp.layout import classify_marker
    from dondoc.nlp.ocrfix import repair
    fixed, _ = repair(garbled + "\n")
    assert classify_marker(fixed)[1] == "article"


@pytest.mark.parametrize("garbled, read", [("BO Cong Thuong cht tri, phdéi hop voi cac bo", "chu tri, phoi hop voi"),
                                           ("giao Phoé Thu tuong chi dao", "Pho Thu tuong")])
def test_a_garbled_syllable_is_read_as_the_known_phrase_it_nearly_spells(garbled, read):
    from dondoc.nlp.ocrfix import repair
    assert read in repair(garbled, _phrases())[0]


def test_a_name_read_in_full_a_vowel_off_takes_the_place_of_the_shorter_one_inside_it():
    from dondoc.nlp.agency import gazetteer
    found = gazetteer().find("Ve noi dung tren, Thi tuong Chinh phu giao Bo Tu phap", ocr=True)
    assert [f.canonical for f in found][:1] == ["Thủ tướng Chính phủ"]


@pytest.mark.parametrize("garbled", ["VWv hung dan thuc hién", "V\\v huéng dan", "Viv huéng dan", "V|v gui danh sach"])
def test_the_v_v_opening_a_subject_with_its_slash_misread(garbled):
    from dondoc.nlp.ocrfix import repair
    assert repair(garbled + "\n")[0].startswith("V/v ")


def test_an_ocr_guidance_letter_on_a_law_is_read_as_guidance():
    # "VWv hung dan thuc hién cac quy dinh cia Luat hai quan 2014": its explanations are no tasks
    from dondoc.nlp.extract import extract

    from .conftest import CORPUS
    ocr, clean = (extract((CORPUS / p).read_text(encoding="utf-8")) for p in ("dev2-variants/ocr_eng/011.txt", "dev2/011.txt"))
    # (OCR breaks the letter's one directive sentence with a stray period, so it may find one fewer)
    assert len(clean.tasks) <= 3 and 1 <= len(ocr.tasks) <= len(clean.tasks)
    assert not any(t.text.lower().startswith("thuc hién theo") for t in ocr.tasks)


def test_a_bullets_dash_read_as_a_tilde_is_a_dash_again():
    from dondoc.nlp.ocrfix import repair
    assert repair("~ La don vi dau moi tham muu\n")[0] == "- La don vi dau moi tham muu\n"


def test_a_head_noun_with_its_marks_garbled_by_ocr_still_names_a_body():
    # "- Sinh vién luu y:" (Sinh viên lưu ý) hands its items to the students, not the faculty
    from dondoc.nlp.extract import extract
    from dondoc.nlp.fold import fold

    from .conftest import CORPUS
    d = extract((CORPUS / "dev2-variants/ocr_eng/018.txt").read_text(encoding="utf-8"))
    item = next(t for t in d.tasks if fold(t.text).startswith("nop 3 quyen"))
    assert fold(item.lead[0]).startswith("sinh vien")


@pytest.mark.parametrize("garbled, read", [("NGH] QUYET", "NGHI QUYET"), ("NGH! QUYET", "NGHI QUYET"),
                                           ("QUYET BINH", "QUYET ĐINH"), ("QUYET D]NH", "QUYET DINH"),
                                           ("CHI TH!", "CHI THI"), ("CHi THI", "CHI THI")])
def test_the_kind_line_with_its_i_or_d_misread_is_read_back(garbled, read):
    from dondoc.nlp.ocrfix import repair
    fixed, offsets = repair(f"CHINH PHU\n\n{garbled}\n\nVé co ché dac thu\n")
    assert f"\n{read}\n" in fixed and len(offsets) == len(fixed) + 1


def test_the_enacting_line_with_its_d_misread_ends_the_preamble():
    # lines written for this rule: `QUYẾT ĐỊNH:` read `QUYET BINH:` after the last recital, which asks
    # (`Xét đề nghị của …`): the articles after it are the decision, not items the recital asks for
    from dondoc.nlp.extract import extract
    d = extract("THU TUONG CHINH PHU\n\nS6: 40/2027/QD-TTg\n\nHa N6i, ngay 27 thang 7 nam 2027\n\nQUYET BINH\n"
                "Vé ché dé déi vdi thanh nién xung phong\n\nXét dé nghi cla BO truong BO Noi vu,\nQUYET BINH:\n\n"
                "Diéu 1. Kinh phi dam bao\n\n1. Ngan sach trung uong dam bao kinh phi thuc hién ché dé tro cap mot lan.\n\n"
                "Diéu 2. BO Tai chinh chiu trach nhiém b6 tri ngan sach hang nam.\n")
    assert [t.lead for t in d.tasks] == [["Bộ Tài chính"]]


@pytest.mark.parametrize("garbled", ["ctia", "cUia"])
def test_cua_with_its_hook_drawn_as_two_glyphs_is_read_back(garbled):
    # words written for this rule: the ủ of "của" read as "ti" or "Ui" by an engine without Vietnamese
    from dondoc.nlp.ocrfix import candidates
    assert candidates(garbled.lower())[0][1] == "cua"


def test_gui_with_its_horn_drawn_as_two_glyphs_is_still_gui():
    from dondoc.nlp.ocrfix import candidates
    assert candidates("giti")[0][1] == "gui"


def test_an_ocr_title_line_ending_on_a_misread_cua_runs_on_past_a_blank_line():
    # title written for this rule: "của" read "ctia" ends the first line, OCR put a blank line inside
    from dondoc.nlp.extract import extract
    d = extract("CHINH PHU\n\nS6: 141/NQ-CP\n\nHa N6i, ngay 01 thang 6 nam 2027\n\nNGHI QUYET\n\n"
                "Vé chinh sach cua Luat stra d6i, b6 sung m6t sé diéu ctia\n\nLuat Thuong mai, Luat Canh tranh\n\n"
                "CHINH PHU\n\nCan ctr Luat T6 chic Chinh phi ngay 18 thang 02 nam 2025;\n")
    assert d.subject and d.subject.endswith("Luat Canh tranh")


def test_an_ocr_header_with_its_i_read_as_a_bang_keeps_its_fields():
    # the motto's HỘI read as HO!, "Số" read as "sé", the kind's Đ read as B (as `tesseract -l eng` reads them)
    from dondoc.nlp.extract import extract
    d = extract("UY BAN THUONG VU QUOC HO!\n\nNghi quyét sé: 17/2027/UBTVQH15\nCONG HOA XA HO! CHU NGHIA VIET NAM\n"
                "Déc lap - Tu do - Hanh phic\n\nQUYET BINH\nVé s6 gid lam thém cua ngudi lao déng\n\n"
                "Diéu 1. Chinh phu huéng dan thi hanh Nghi quyét nay.\n")
    assert d.number == "17/2027/UBTVQH15" and d.issuer == "Ủy ban Thường vụ Quốc hội"
    assert d.subject and d.subject.startswith("Vé s")


def _phrases():
    from dondoc.nlp.agency import gazetteer
    from dondoc.nlp.lexicon import load
    return (load().phrases, gazetteer(()).pairs)


@pytest.mark.parametrize("garbled, read", [("Dé nghi cac Bé, nganh bao cao", "cac Bo, nganh"),
                                           ("giao Sé Y té chu tri", "giao So Y té chu"),
                                           ("Gidm déc Cong an tinh", "Giam doc Cong")])
def test_a_syllable_whose_vowel_under_a_latin_mark_was_misread_is_read_as_the_phrase_it_makes(garbled, read):
    # an engine without Vietnamese marks ộ, ở, ố with its é: "Bé" is a syllable, but "Bộ" is meant
    from dondoc.nlp.ocrfix import repair
    fixed, offsets = repair(garbled, _phrases())
    assert read in fixed and len(offsets) == len(fixed) + 1


@pytest.mark.parametrize("garbled, read", [("Sở Y té phdi hap vdi cac so", "phoi hop voi"),
                                           ("Xa hdi phdi hap vdi BO NGi vu", "phoi hop voi")])
def test_a_garbled_syllable_beside_a_misread_real_one_is_read_with_it_as_the_phrase_they_make(garbled, read):
    # sentences written for this rule: `phối hợp` read `phdi hap` — no syllable, then `hấp`, a real
    # one: either is read against every reading of the other
    from dondoc.nlp.lexicon import load
    from dondoc.nlp.ocrfix import repair
    fixed, offsets = repair(garbled, _phrases(), (load().role_phrases,))
    assert read in fixed and len(offsets) == len(fixed) + 1


def test_a_syllable_under_a_latin_mark_that_makes_no_known_phrase_otherwise_is_kept_as_read():
    from dondoc.nlp.ocrfix import repair
    assert repair("tré em va ngudi gia", _phrases())[0].startswith("tré em")


@pytest.mark.parametrize("garbled, read", [("3. Thai gian thuc hién: Thang 12", "Thoi gian thuc"),
                                           ("Sé Y té cha tri, phéi hop", "chu tri"),
                                           ("tong hap, bao cao", "tong hop,"),
                                           ("yéu cau Cha tich Uy ban nhan dan", "Chu tich Uy")])
def test_a_real_syllable_ocr_made_of_a_role_or_time_word_is_read_as_that_word(garbled, read):
    # sentences written for this rule: one vowel of "thời", "chủ", "hợp" read as another, a syllable still
    from dondoc.nlp.lexicon import load
    from dondoc.nlp.ocrfix import repair
    fixed, offsets = repair(garbled, _phrases(), (load().role_phrases,))
    assert read in fixed and len(offsets) == len(fixed) + 1


@pytest.mark.parametrize("text", ["chuan bi chu dao cac dieu kien", "thai do phuc vu", "Hoi Phu nu tinh Thai Binh"])
def test_a_real_syllable_next_to_no_partner_of_a_role_word_is_kept(text):
    from dondoc.nlp.lexicon import load
    from dondoc.nlp.ocrfix import repair
    assert repair(text, _phrases(), (load().role_phrases,))[0] == text


@pytest.mark.parametrize("garbled, read", [("III. TO CHU'C THU'C HIEN", "CHƯC  THƯC HIEN"), ("THONG TU’ SO 09/2013", "TƯ SO"),
                                           ("U'u tien", "Ưu tien")])
def test_the_horn_read_as_an_apostrophe_is_a_horn_again(garbled, read):
    # dev4 and dev2 OCR: eng OCR draws the horn of ư, ơ as an apostrophe after the vowel
    from dondoc.nlp.ocrfix import repair
    fixed, offsets = repair(garbled)
    assert read in fixed and "'" not in fixed and "’" not in fixed and len(offsets) == len(fixed) + 1


@pytest.mark.parametrize("text", ["co's so vat chat", "cO'T6 quoc", "nhu'sau"])
def test_an_apostrophe_before_what_ends_no_syllable_of_u_or_o_horn_is_kept(text):
    from dondoc.nlp.ocrfix import repair
    assert repair(text)[0].count("'") == 1


def test_a_ministry_named_by_an_initialism_with_an_ampersand_is_read_back():
    # line written for this rule: "Bộ" read as "Bé" before "NN&MT" (Nông nghiệp và Môi trường)
    from dondoc.nlp.agency import gazetteer
    from dondoc.nlp.lexicon import load
    from dondoc.nlp.ocrfix import repair
    lex = load()
    fixed, _ = repair("Bé NN&MT chủ trì", (lex.phrases, gazetteer(()).pairs), (lex.role_phrases,))
    assert fixed.startswith("Bo NN&MT")

"""Files a clerk really receives, generated from the corpus texts: a born-digital PDF, a 300 dpi
scan with skew and noise, a photo-like JPEG, a mixed PDF with one scanned page, a multi-page
TIFF, a Word file; and broken ones."""
from __future__ import annotations

import io
import random
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
FONT_SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"


def seed_text(name: str = "000_1480374bd54b458c") -> str:
    return (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


def plain_lines(text: str, width: int = 80) -> list[str]:
    """The text without markdown, wrapped as a typed page would be."""
    out = []
    for para in text.replace("**", "").splitlines():
        para = para.strip()
        if not para:
            out.append("")
            continue
        out.extend(textwrap.wrap(para, width) or [""])
    while out and not out[0]:
        out.pop(0)
    return out


def render_page(lines: list[str], dpi: int = 300, font_pt: float = 12, margin_in: float = 0.8) -> Image.Image:
    """An A4 page at `dpi` with the lines typeset in a serif font."""
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, int(font_pt * dpi / 72))
    y = int(margin_in * dpi)
    step = int(font_pt * dpi / 72 * 1.5)
    for line in lines:
        if y + step > h - margin_in * dpi:
            break
        draw.text((int(margin_in * dpi), y), line, font=font, fill=0)
        y += step
    return img


def degrade(img: Image.Image, angle: float = 1.5, noise: float = 18, seed: int = 7) -> Image.Image:
    """A scanner's skew and speckle."""
    rnd = random.Random(seed)
    img = img.rotate(angle, expand=True, fillcolor=255, resample=Image.BICUBIC)
    px = img.load()
    w, h = img.size
    for _ in range(int(w * h * 0.002)):
        x, y = rnd.randrange(w), rnd.randrange(h)
        px[x, y] = 0 if rnd.random() < 0.5 else 255
    noisy = Image.effect_noise(img.size, noise)
    return Image.blend(img, noisy, 0.08).filter(ImageFilter.GaussianBlur(0.6))


def incoming_stamp(img: Image.Image, number: str, day: str, at: tuple[float, float] = (0.55, 0.06),
                   dpi: int = 300, ink=0, office: str = "UBND TỈNH HÀ GIANG") -> Image.Image:
    """The page with a văn thư's incoming stamp pressed on it (NĐ 30/2020: the office, ĐẾN, Số,
    Ngày, Chuyển), its number and date written in by hand (an oblique hand-like face); `at` is
    the top-left corner as fractions of the page."""
    out = img.copy()
    draw = ImageDraw.Draw(out)
    x, y = int(out.width * at[0]), int(out.height * at[1])
    w, h = int(2.7 * dpi), int(1.05 * dpi)
    pt = lambda p: ImageFont.truetype(FONT_SANS, int(p * dpi / 72))  # noqa: E731
    hand = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf"
                              if Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf").exists() else FONT_SANS,
                              int(13 * dpi / 72))
    draw.rectangle((x, y, x + w, y + h), outline=ink, width=max(dpi // 75, 2))
    draw.text((x + int(0.12 * dpi), y + int(0.06 * dpi)), office, font=pt(9), fill=ink)
    draw.text((x + int(0.12 * dpi), y + int(0.30 * dpi)), "ĐẾN", font=pt(15), fill=ink)
    lx = x + int(0.95 * dpi)
    draw.text((lx, y + int(0.28 * dpi)), "Số:", font=pt(10), fill=ink)
    draw.text((lx + int(0.35 * dpi), y + int(0.22 * dpi)), number, font=hand, fill=ink)
    draw.text((lx, y + int(0.56 * dpi)), "Ngày:", font=pt(10), fill=ink)
    if day:
        draw.text((lx + int(0.5 * dpi), y + int(0.50 * dpi)), day, font=hand, fill=ink)
    else:   # a hurried hand nobody can read
        rnd = random.Random(3)
        pts = [(lx + int(0.5 * dpi) + i * dpi // 25, y + int(0.55 * dpi) + rnd.randrange(-dpi // 12, dpi // 12))
               for i in range(22)]
        draw.line(pts, fill=ink, width=max(dpi // 100, 2))
    draw.text((x + int(0.12 * dpi), y + int(0.80 * dpi)), "Chuyển:", font=pt(9), fill=ink)
    return out


def seal_and_signature(img: Image.Image, at: tuple[float, float] = (0.27, 0.22), dpi: int = 300) -> Image.Image:
    """A colour copy of the page with a red round seal pressed over the title block and a blue
    signature stroke across it, as a signed dispatch is scanned in colour."""
    import math
    page = img.convert("RGB")
    cx, cy, r = int(page.width * at[0]), int(page.height * at[1]), int(0.8 * dpi)
    layer = Image.new("RGBA", page.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    red = (200, 30, 40, 190)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=dpi // 20)
    d.ellipse((cx - r + dpi // 8, cy - r + dpi // 8, cx + r - dpi // 8, cy + r - dpi // 8), outline=red, width=dpi // 50)
    font = ImageFont.truetype(FONT_SANS, dpi // 7)
    ring = "BỘ LAO ĐỘNG THƯƠNG BINH VÀ XÃ HỘI * "
    for i, ch in enumerate(ring):
        a = 2 * math.pi * i / len(ring) - math.pi / 2
        d.text((cx + (r - dpi // 4) * math.cos(a) - dpi // 20, cy + (r - dpi // 4) * math.sin(a) - dpi // 15), ch, font=font, fill=red)
    d.regular_polygon((cx, cy, dpi // 3), 5, fill=red)
    page = Image.alpha_composite(page.convert("RGBA"), layer).convert("RGB")
    rnd = random.Random(5)
    pts = [(cx - r + i * dpi // 16, cy + int(dpi / 5 * math.sin(i / 2.5)) + rnd.randrange(-dpi // 30, dpi // 30)) for i in range(40)]
    ImageDraw.Draw(page).line(pts, fill=(20, 40, 160), width=dpi // 40)
    return page


def photo_like(img: Image.Image) -> Image.Image:
    """A phone photo: smaller, warm uneven light, JPEG-compressed."""
    rgb = img.convert("RGB").rotate(-2.0, expand=True, fillcolor=(235, 230, 220), resample=Image.BICUBIC)
    rgb = rgb.resize((int(rgb.width * 0.85), int(rgb.height * 0.85)))
    shade = Image.linear_gradient("L").resize(rgb.size).point(lambda p: 200 + p // 5)
    rgb = Image.composite(rgb, Image.new("RGB", rgb.size, (120, 110, 100)), shade)
    buf = io.BytesIO()
    rgb.save(buf, "JPEG", quality=70)
    return Image.open(io.BytesIO(buf.getvalue()))


def text_pdf(path: Path, text: str | list[str], pages_hint: int = 0) -> Path:
    """A born-digital PDF of the text; several texts each start on a new page (a file holding a
    cover letter and a second document)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(TTFont("DejaVuSans", FONT_SANS))
    c = canvas.Canvas(str(path), pagesize=A4)
    for i, one in enumerate([text] if isinstance(text, str) else text):
        if i:
            c.showPage()
        y = A4[1] - 60
        c.setFont("DejaVuSans", 10)
        for line in plain_lines(one, 95):
            if y < 60:
                c.showPage()
                c.setFont("DejaVuSans", 10)
                y = A4[1] - 60
            c.drawString(50, y, line)
            y -= 14
    c.save()
    return path


def form_pdf(path: Path, text: str, number: str, field: str) -> Path:
    """A typed PDF whose number is left blank on the page and filled in by a form field over the
    blank, as document systems stamp the number when the dispatch is registered."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(TTFont("DejaVuSans", FONT_SANS))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("DejaVuSans", 10)
    y = A4[1] - 60
    for line in plain_lines(text, 95)[:40]:
        if number in line and line.startswith("Số:"):
            x = 50 + pdfmetrics.stringWidth(line[:line.index(number)], "DejaVuSans", 10)
            c.acroForm.textfield(name=field, value=number, x=x, y=y - 3, width=30, height=13, borderWidth=0,
                                 fontName="Helvetica", fontSize=10, fillColor=None)
            line = line.replace(number, " " * len(number))
        c.drawString(50, y, line)
        y -= 14
    c.save()
    return path


def mixed_pdf(path: Path, text_part: str, scan: Image.Image) -> Path:
    """Page 1 typed (text layer), page 2 a scanned image only."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(TTFont("DejaVuSans", FONT_SANS))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("DejaVuSans", 10)
    y = A4[1] - 60
    for line in plain_lines(text_part, 95)[:50]:
        c.drawString(50, y, line)
        y -= 14
    c.showPage()
    c.drawImage(ImageReader(scan.convert("RGB")), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    return path


def legacy_runs(text: str, encoding: str) -> list[tuple[str, str]]:
    """(font, characters) runs of a line as a TCVN3 or VNI font stores it."""
    import itertools
    import unicodedata
    from dondoc.ingest.vnlegacy import _TCVN3, _VNI
    text = unicodedata.normalize("NFC", text)
    if encoding == "vni":
        enc = {v: k for k, v in _VNI.items()}
        return [("VNI-Times", "".join(enc.get(c, c) for c in text))]
    enc = {v: chr(k) for k, v in _TCVN3.items()}
    # TCVN3 has no codes for accented capitals: they are the small letters' codes in the H font
    caps = lambda c: c.isupper() and not c.isascii() and c not in enc  # noqa: E731
    return [(".VnTimeH" if upper else ".VnTime", "".join(enc.get(c, c) for c in (g.lower() if upper else g)))
            for upper, g in ((k, "".join(v)) for k, v in itertools.groupby(text, key=caps))]


def office_file(docx_path: Path, fmt: str) -> Path:
    """The Word file saved by LibreOffice as `fmt` (doc: Word 97-2003, rtf, odt) beside it. It goes
    through .odt: LibreOffice 7.4 saves python-docx's tables to .doc as plain paragraphs otherwise."""
    import shutil
    import subprocess
    import tempfile

    def convert(src: Path, to: str) -> Path:
        profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
        try:
            subprocess.run([shutil.which("soffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                            "--convert-to", to, "--outdir", str(src.parent), str(src)],
                           check=True, capture_output=True, timeout=180)
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        return src.with_suffix("." + to)
    odt = docx_path.with_suffix(".odt")
    if not odt.exists():
        convert(docx_path, "odt")
    return odt if fmt == "odt" else convert(odt, fmt)


def scan_with_text_layer(path: Path, scan: Image.Image, layer: str) -> Path:
    """A scanned page with an invisible text layer over it, as scanners' OCR without Vietnamese
    leaves one (`layer`: e.g. the `ocr_eng` variant of the page's text)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(scan.convert("RGB")), 0, 0, width=A4[0], height=A4[1])
    t = c.beginText(58, A4[1] - 58)
    t.setTextRenderMode(3)          # invisible: searchable, not drawn
    t.setFont("Helvetica", 10)
    for line in layer.splitlines()[:34]:
        t.textLine(line.encode("latin-1", "replace").decode("latin-1"))
    c.drawText(t)
    c.showPage()
    c.save()
    return path


def encrypted_pdf(path: Path) -> Path:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas
    enc = pdfencrypt.StandardEncryption("mat-khau", canPrint=0)
    c = canvas.Canvas(str(path), encrypt=enc)
    c.drawString(100, 700, "Van ban mat")
    c.save()
    return path


def docx_file(path: Path, text: str, table_rows: list[list[str]] | None = None, legacy: str | None = None) -> Path:
    """A Word file of the text; with `legacy` ("tcvn3" or "vni") typed as offices did before
    Unicode: the font's codes in `.VnTime` (capital accented letters in `.VnTimeH`) or `VNI-Times`."""
    import docx
    d = docx.Document()
    for para in text.replace("**", "").splitlines():
        if legacy is None:
            d.add_paragraph(para)
            continue
        p = d.add_paragraph()
        for font, piece in legacy_runs(para, legacy):
            p.add_run(piece).font.name = font
    if table_rows:
        t = d.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for i, row in enumerate(table_rows):
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
    d.save(str(path))
    return path

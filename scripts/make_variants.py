"""Make the stripped and ocr_eng variants of a folder of texts (the gold stays the same).

    python scripts/make_variants.py corpus/dev3 corpus/dev3-variants

stripped/NNN.txt: the text as typed without a Vietnamese keyboard (NFD, combining marks dropped, đ→d).
ocr_eng/NNN.txt: the text rendered as 300 dpi A4 pages (DejaVu Sans 11 pt, skew up to 0.6°, light
gaussian noise) and read back by `tesseract -l eng`, which knows no Vietnamese. Seeded per file, so a
rerun gives the same images. Needs Pillow, numpy and the tesseract binary; run it niced.
"""
import argparse
import random
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

DPI = 300
PAGE = (2480, 3508)  # A4 at 300 dpi
MARGIN = 236  # 2 cm
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_PX = round(11 / 72 * DPI)
LINE_PX = round(FONT_PX * 1.35)


def strip_diacritics(text):
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def wrap(line, font, width):
    """Break one text line into pieces that fit the page width, at spaces."""
    out, cur = [], ""
    for word in line.split(" "):
        cand = word if not cur else cur + " " + word
        if cur and font.getlength(cand) > width:
            out.append(cur)
            cur = word
        else:
            cur = cand
    out.append(cur)
    return out


def pages(text, font):
    width = PAGE[0] - 2 * MARGIN
    per_page = (PAGE[1] - 2 * MARGIN) // LINE_PX
    rows = [piece for line in text.splitlines() for piece in wrap(line, font, width)]
    return [rows[i:i + per_page] for i in range(0, len(rows), per_page)] or [[]]


def render(rows, font, rng):
    img = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(img)
    for n, row in enumerate(rows):
        draw.text((MARGIN, MARGIN + n * LINE_PX), row, font=font, fill=0)
    img = img.rotate(rng.uniform(-0.6, 0.6), resample=Image.Resampling.BICUBIC, fillcolor=255)
    noisy = np.asarray(img, dtype=np.float32) + np.random.default_rng(rng.randrange(2**32)).normal(0, 12, img.size[::-1])
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def ocr(text, seed):
    font = ImageFont.truetype(FONT, FONT_PX)
    rng = random.Random(seed)
    read = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, rows in enumerate(pages(text, font)):
            png = Path(tmp) / f"p{n}.png"
            render(rows, font, rng).save(png, dpi=(DPI, DPI))
            out = subprocess.run(["tesseract", str(png), "-", "-l", "eng", "--dpi", str(DPI)],
                                 capture_output=True, text=True, check=True)
            read.append(out.stdout.rstrip())
    return "\n\n".join(read) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src", type=Path, help="folder of NNN.txt")
    ap.add_argument("dst", type=Path, help="gets stripped/ and ocr_eng/")
    a = ap.parse_args()
    for kind in ("stripped", "ocr_eng"):
        (a.dst / kind).mkdir(parents=True, exist_ok=True)
    for src in sorted(a.src.glob("*.txt")):
        text = src.read_text(encoding="utf-8")
        (a.dst / "stripped" / src.name).write_text(strip_diacritics(text), encoding="utf-8")
        (a.dst / "ocr_eng" / src.name).write_text(ocr(text, src.stem), encoding="utf-8")
        sys.stderr.write(src.name + "\n")


if __name__ == "__main__":
    main()

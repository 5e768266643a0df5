#!/usr/bin/python3
"""Remake the web fonts of pb_public/static/fonts from the upstream Noto fonts.

Run it through pb_public/fonts-src/make.sh (which checks the tools). What it makes:

- Noto Sans (Latin, Vietnamese), Regular and Bold, each as two WOFF2 subsets
  chosen by unicode-range: "vi" (Basic Latin, the Vietnamese letters of Latin-1,
  Latin Extended-A/B and Latin Extended Additional, the combining marks
  Vietnamese uses, and the punctuation and symbols our pages use), which every
  page takes, and "latin" (the rest of those blocks, general punctuation,
  currency and letterlike symbols), which a page downloads only when it shows
  one of those characters. TrueType hinting is left out of these subsets:
  phones ignore it and it is a third of the bytes.
- Noto Sans Khmer, Regular and Bold, WHOLE (every glyph, every table, hinting
  kept): subsetting has been seen to drop vowel parts and break shaping. WOFF2
  is lossless, so the glyphs are the upstream ones; the Khmer shaping test
  (hooks/internal/assets) compares the two renderings pixel for pixel.
- The @font-face block of pb_public/static/app.css, between its
  "fonts: begin" and "fonts: end" markers.
- The broken fonts the shaping test must catch, in
  hooks/internal/assets/testdata (never served).

Inputs are checked against the SHA-256 sums in pb_public/fonts-src/upstream/SHA256SUMS, so
the same inputs and tool versions give the same files.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UPSTREAM = os.path.join(ROOT, "pb_public", "fonts-src", "upstream")
OUT = os.path.join(ROOT, "pb_public", "static", "fonts")
CSS = os.path.join(ROOT, "pb_public", "static", "app.css")
TESTDATA = os.path.join(ROOT, "hooks", "internal", "assets", "testdata")
URL = "/static/fonts/"

BEGIN = "/* fonts: begin."
END = "/* fonts: end */"


def cps(*ranges):
    """A set of code points from ints and (first, last) pairs."""
    s = set()
    for r in ranges:
        if isinstance(r, tuple):
            s.update(range(r[0], r[1] + 1))
        else:
            s.add(r)
    return s


VIET_LETTERS = "àáâãèéêìíòóôõùúýăđĩũơưÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯ"

# What every Vietnamese page needs (and Khmer pages too: they show the
# Vietnamese beneath). Checked against the catalogues and pages: « » · – — “ ”
# … are used; đ is written as a letter ("50.000 đ"), ₫ and № are there for
# notices that use them.
VI = (
    cps((0x20, 0x7E), 0xA0, 0xAB, 0xB0, 0xB7, 0xBB, 0xD7, 0xF7)
    | {ord(c) for c in VIET_LETTERS}
    | cps((0x1EA0, 0x1EF9))  # Latin Extended Additional: the Vietnamese letters
    | cps((0x300, 0x303), 0x306, 0x309, 0x31B, 0x323)  # marks of decomposed Vietnamese
    | cps((0x2013, 0x2014), (0x2018, 0x2019), (0x201C, 0x201D), 0x2022, 0x2026)
    | cps(0x20AB, 0x2116)
)

# The rest of the blocks the issue asks for, and the common symbols: fetched
# only by a page that shows one of them.
LATIN = (
    cps((0xA0, 0xFF))  # Latin-1 Supplement
    | cps((0x100, 0x17F))  # Latin Extended-A
    | cps((0x180, 0x24F))  # Latin Extended-B
    | cps((0x1E00, 0x1EFF))  # Latin Extended Additional
    | cps((0x300, 0x36F))  # combining diacritical marks
    | cps((0x2000, 0x206F))  # general punctuation
    | cps((0x20A0, 0x20CF))  # currency symbols
    | cps((0x2100, 0x214F))  # letterlike symbols (™, №)
    | cps(0x2212)  # minus sign
) - VI

# Khmer, Khmer Symbols, the zero-width characters Khmer text carries, the
# dotted circle shapers put under a lone vowel sign, and the space: with it the
# Khmer font is the "first available font" of Khmer text (CSS Fonts 4), so a
# line of Khmer is spaced and measured by its own font, as before the split,
# and does not pull in a Latin file for its spaces.
KHMER_RANGE = cps(0x20, 0xA0, (0x1780, 0x17FF), (0x19E0, 0x19FF), (0x200B, 0x200D), 0x25CC)

LATIN_FONTS = {"Regular": ("NotoSans-Regular.ttf", 400), "Bold": ("NotoSans-Bold.ttf", 700)}
KHMER_FONTS = {"Regular": ("NotoSansKhmer-Regular.ttf", 400), "Bold": ("NotoSansKhmer-Bold.ttf", 700)}


def fail(msg):
    print("fonts/make.py: " + msg, file=sys.stderr)
    sys.exit(1)


def check_sums():
    want = {}
    with open(os.path.join(UPSTREAM, "SHA256SUMS"), encoding="ascii") as f:
        for line in f:
            if line.strip():
                digest, name = line.split()
                want[name.lstrip("*")] = digest
    for name, digest in sorted(want.items()):
        with open(os.path.join(UPSTREAM, name), "rb") as f:
            got = hashlib.sha256(f.read()).hexdigest()
        if got != digest:
            fail(f"{name}: SHA-256 {got}, SHA256SUMS says {digest}: not the upstream file")


def woff2(ttf_path, out_path):
    """woff2_compress writes <name>.woff2 next to its input."""
    subprocess.run(["woff2_compress", ttf_path], check=True, stdout=subprocess.DEVNULL)
    shutil.move(os.path.splitext(ttf_path)[0] + ".woff2", out_path)


def make_subset(src, unicodes, out_ttf, hinting, layout=True):
    opts = subset.Options()
    opts.layout_features = ["*"] if layout else []
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # names, copyright and the licence
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.hinting = hinting
    opts.drop_tables += ["DSIG"]
    font = subset.load_font(src, opts)
    s = subset.Subsetter(opts)
    s.populate(unicodes=unicodes)
    s.subset(font)
    subset.save_font(font, out_ttf, opts)


def ranges(points):
    """CSS unicode-range text for a set of code points."""
    pts = sorted(points)
    out, i = [], 0
    while i < len(pts):
        j = i
        while j + 1 < len(pts) and pts[j + 1] == pts[j] + 1:
            j += 1
        out.append(f"U+{pts[i]:X}" if i == j else f"U+{pts[i]:X}-{pts[j]:X}")
        i = j + 1
    return ", ".join(out)


def cmap(path):
    return set(TTFont(path).getBestCmap())


def face(family, weight, local, file, urange):
    src = ", ".join([f'local("{n}")' for n in local] + [f'url({URL}{file}) format("woff2")'])
    return (f'@font-face {{ font-family: "{family}"; font-style: normal; font-weight: {weight}; '
            f"font-display: swap;\n  src: {src};\n  unicode-range: {urange}; }}")


def main():
    check_sums()
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(TESTDATA, exist_ok=True)
    faces, made = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for style, (src_name, weight) in LATIN_FONTS.items():
            src = os.path.join(UPSTREAM, src_name)
            have = cmap(src)
            for part, want in (("vi", VI), ("latin", LATIN)):
                points = want & have
                missing = sorted(VI - have) if part == "vi" else []
                if missing:
                    fail(f"{src_name} lacks {', '.join(f'U+{c:04X}' for c in missing)} that Vietnamese pages need")
                name = f"NotoSans-{style}-{part}"
                ttf = os.path.join(tmp, name + ".ttf")
                make_subset(src, points, ttf, hinting=False)
                got = cmap(ttf)
                if got != points:
                    fail(f"{name}: subset maps {len(got)} characters, wanted {len(points)}")
                woff2(ttf, os.path.join(OUT, name + ".woff2"))
                made.append(name + ".woff2")
                local = [f"Noto Sans {style}", f"NotoSans-{style}"]
                faces.append(face("Noto Sans", weight, local, name + ".woff2", ranges(points)))
        for style, (src_name, weight) in KHMER_FONTS.items():
            src = os.path.join(UPSTREAM, src_name)
            name = f"NotoSansKhmer-{style}"
            ttf = os.path.join(tmp, src_name)
            shutil.copy(src, ttf)  # whole: WOFF2 of the upstream file itself
            woff2(ttf, os.path.join(OUT, name + ".woff2"))
            made.append(name + ".woff2")
            urange = ranges(KHMER_RANGE & cmap(src))
            # Android ships Noto Sans Khmer: the phone's own copy first.
            local = [f"Noto Sans Khmer {style}", f"NotoSansKhmer-{style}"]
            if style == "Regular":
                local.append("Noto Sans Khmer")
            faces.append(face("Noto Sans Khmer", weight, local, name + ".woff2", urange))
            if style == "Regular":
                regular_khmer = (local, name + ".woff2", urange)
        local, file, urange = regular_khmer
        faces.append(face("Noto Sans Khmer Lite", 400, local, file, urange))

        # Fonts the shaping test must reject: what careless subsetting does.
        khmer = os.path.join(UPSTREAM, "NotoSansKhmer-Regular.ttf")
        broken = os.path.join(tmp, "khmer-nolayout.ttf")
        make_subset(khmer, cmap(khmer), broken, hinting=True, layout=False)
        woff2(broken, os.path.join(TESTDATA, "khmer-nolayout.woff2"))
        broken = os.path.join(tmp, "khmer-consonants.ttf")
        make_subset(khmer, cps((0x1780, 0x17A2), 0x20), broken, hinting=True)
        woff2(broken, os.path.join(TESTDATA, "khmer-consonants.woff2"))

    shutil.copy(os.path.join(UPSTREAM, "LICENSE-OFL.txt"), os.path.join(OUT, "LICENSE-OFL.txt"))
    for old in os.listdir(OUT):
        if old.endswith((".ttf", ".woff2")) and old not in made:
            os.remove(os.path.join(OUT, old))

    block = "\n".join([
        BEGIN + " Written by pb_public/fonts-src/make.sh from the upstream Noto fonts in pb_public/fonts-src/upstream:",
        "   edit the script, not these lines. Latin and Vietnamese come as two subsets per weight,",
        "   picked by unicode-range, so a page downloads \"vi\" and only needs \"latin\" for other",
        "   letters and symbols. Khmer is the whole upstream font (subsetting breaks shaping),",
        "   the phone's own Noto Sans Khmer first (Android ships it). Citizen pages (body.citizen,",
        "   the layout of the status page and the catalogue) use \"Noto Sans Khmer Lite\": the same",
        "   regular face with no bold, so bold Khmer there is drawn from the regular one and a",
        "   first visit on a phone's 3G stays small (bench/RESULTS.md, issue 16). */",
        *faces,
        'body.citizen { --font: "Noto Sans", "Noto Sans Khmer Lite", system-ui, sans-serif; }',
        'body.citizen :lang(km), body.citizen .km { font-family: "Noto Sans Khmer Lite", "Noto Sans", sans-serif; }',
        END,
    ])
    with open(CSS, encoding="utf-8") as f:
        css = f.read()
    start, stop = css.find(BEGIN), css.find(END)
    if start < 0 or stop < start:
        fail(f"{CSS} has no fonts: begin … fonts: end markers")
    css = css[:start] + block + css[stop + len(END):]
    with open(CSS, "w", encoding="utf-8") as f:
        f.write(css)

    for name in sorted(made):
        print(f"{os.path.getsize(os.path.join(OUT, name)):8d}  pb_public/static/fonts/{name}")


if __name__ == "__main__":
    main()

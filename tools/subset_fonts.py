"""Rebuild the share cards' bundled fonts from the Pretendard 1.3.9 npm package.

Usage (from the repository root)::

    npm pack pretendard@1.3.9 && tar xzf pretendard-1.3.9.tgz
    python tools/subset_fonts.py package/dist/public/static

It keeps Latin, the Hangul syllables and jamo, and the punctuation the cards use, then
renames the family: the SIL OFL 1.1 reserves the name "Pretendard", so a subset (a
Modified Version under the licence) must carry another name. fontTools is needed only
here, not at run time (``pip install fonttools``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parent.parent / "generator" / "channels" / "cards" / "fonts"
FAMILY = "Mindreel Card Sans"
WEIGHTS = {"Regular": "Regular", "Bold": "Bold"}
UNICODES = [
    *range(0x0020, 0x007F),  # Basic Latin
    *range(0x00A0, 0x0180),  # Latin-1 Supplement and Extended-A: accents, ·, «», ŏ, ŭ
    *range(0x2010, 0x2028),  # dashes, quotes, bullet, ellipsis
    *range(0x2030, 0x203B),  # per mille, primes, single guillemets
    0x2122, 0x2190, 0x2192, 0x2197,  # trade mark, arrows
    *range(0x3001, 0x3004), *range(0x3008, 0x3012),  # CJK punctuation and brackets
    *range(0x3131, 0x318F),  # Hangul compatibility jamo
    *range(0xAC00, 0xD7A4),  # Hangul syllables
]


def build(source: Path, weight: str) -> Path:
    """Subset one weight, rename it, and save it as MindreelCardSans-<weight>.otf."""
    font = TTFont(source / f"Pretendard-{weight}.otf")
    options = subset.Options()
    options.layout_features = ["kern", "liga", "ccmp", "locl"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.hinting = False  # the cards are drawn large; hints only add bytes
    # CFF outlines with their subroutines kept are about half the size of TrueType's.
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    style = WEIGHTS[weight]
    names = {1: FAMILY, 2: style, 3: f"{FAMILY.replace(' ', '')}-{style};subset",
             4: f"{FAMILY} {style}", 6: f"{FAMILY.replace(' ', '')}-{style}"}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in (16, 17, 21, 22):
            table.removeNames(nameID=record.nameID)
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
    target = OUT / f"MindreelCardSans-{weight}.otf"
    font.save(target)
    return target


def ranges(codes: set[int]) -> list[str]:
    """Sorted code points as ``XXXX-YYYY`` runs."""
    runs: list[list[int]] = []
    for code in sorted(codes):
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return [f"{a:04X}-{b:04X}" for a, b in runs]


def main() -> None:
    source = Path(sys.argv[1])
    covered: set[int] | None = None
    for weight in WEIGHTS:
        target = build(source, weight)
        cmap = set(TTFont(target).getBestCmap())
        covered = cmap if covered is None else covered & cmap
        print(f"{target.name}: {target.stat().st_size // 1024} KB")
    assert covered is not None
    # The code points both weights draw; the cards check text against it at run time.
    (OUT / "coverage.txt").write_text("\n".join(ranges(covered)) + "\n", "ascii")


if __name__ == "__main__":
    main()

"""Draw the installable app's icons (static/pwa/*.png) once from static/favicon.svg's design: a white house on
the platform's red (--red in static/css/app.css). Run again only when the mark changes:

    .venv/bin/python scripts/make_pwa_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

RED = (0xB7, 0x1C, 0x1C)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "static" / "pwa"
# favicon.svg's house in its 64-unit box: M12 34 32 16l20 18v16H38V38H26v12H12z
HOUSE = [(12, 34), (32, 16), (52, 34), (52, 50), (38, 50), (38, 38), (26, 38), (26, 50), (12, 50)]


def draw(size: int, *, maskable: bool) -> Image.Image:
    scale = 4  # drawn large, then reduced: smooth edges without an SVG renderer
    big = size * scale
    image = Image.new("RGB" if maskable else "RGBA", (big, big), RED if maskable else (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if not maskable:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 12 // 64, fill=RED)
    # a maskable icon keeps its mark inside the central 80 % safe zone: the house is drawn smaller
    box = big * (0.7 if maskable else 1.0)
    offset = (big - box) / 2
    # the house is centred vertically (its box spans 16..50 of 64)
    shift = (64 - (16 + 50)) / 2 * box / 64
    pen.polygon([(offset + x * box / 64, offset + shift + y * box / 64) for x, y in HOUSE], fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    draw(180, maskable=True).save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()

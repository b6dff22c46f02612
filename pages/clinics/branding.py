"""Colour rules for clinic branding: pure functions, no request or ORM.

A clinic picks any brand colour; these functions choose text colours that keep WCAG AA contrast (4.5:1) with it.
"""

import hashlib
import re
from xml.sax.saxutils import escape

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = "#ffffff"
BLACK = "#000000"
AA_NORMAL_TEXT = 4.5


def parse_hex(colour):
    if not HEX_COLOUR.match(colour or ""):
        raise ValueError(f"{colour!r} is not a colour like #1d4f91.")
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def to_hex(rgb):
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def relative_luminance(colour):
    """WCAG 2.x relative luminance of a #rrggbb colour."""

    def channel(value):
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first, second):
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background):
    """White or black, whichever reads better on `background` (one of them always reaches AA)."""
    return WHITE if contrast_ratio(background, WHITE) >= contrast_ratio(background, BLACK) else BLACK


def darken_until_readable(colour, background=WHITE, target=AA_NORMAL_TEXT):
    """The brand colour, darkened just enough to be readable as text (links, headings) on `background`."""
    rgb = parse_hex(colour)
    for step in range(0, 101):
        candidate = to_hex(tuple(c * (1 - step / 100) for c in rgb))
        if contrast_ratio(candidate, background) >= target:
            return candidate
    return BLACK


# The favicon: the clinic's initials on its brand colour. The platform's (hosts that are no clinic) uses this colour.
PLATFORM_COLOUR = "#1d4f91"
WORD = re.compile(r"[^\W\d_]+")


def initials(name):
    """Up to two capital letters for a tiny badge: 'Spinal Diagnostics' gives 'SD', 'ASCPM' gives 'A'."""
    return "".join(word[0] for word in WORD.findall(name or "")[:2]).upper()[:2]


def favicon_svg(colour, name):
    """A square SVG icon: `name`'s initials, in white or black (whichever reads better), on `colour`."""
    letters = escape(initials(name))
    font_size = 36 if len(letters) == 1 else 28
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="12" fill="{to_hex(parse_hex(colour))}"/>'
        f'<text x="32" y="32" dy="0.35em" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" '
        f'font-weight="700" font-size="{font_size}" fill="{text_colour_on(colour)}">{letters}</text>'
        "</svg>"
    )


def favicon_version(svg):
    """A short fingerprint of an icon, for its URL: a new colour or name is a new URL, so caches can keep each."""
    return hashlib.sha256(svg.encode()).hexdigest()[:12]


def brand_css(brand, text, link):
    """The clinic's colours as CSS custom properties; each is a validated "#rrggbb" (re-normalised here)."""
    brand, text, link = (to_hex(parse_hex(colour)) for colour in (brand, text, link))
    return f"body {{ --brand: {brand}; --brand-text: {text}; --brand-link: {link}; }}\n"

"""Brand colours stay readable: WCAG AA contrast for the header text and for brand-coloured links."""

import pytest

from pages.clinics.branding import WHITE, contrast_ratio, darken_until_readable, parse_hex, text_colour_on


def test_contrast_ratio_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("brand", ["#0b6e69", "#5b2a86", "#ffcc00", "#777777", "#1d4f91", "#ffffff", "#000000"])
def test_header_text_and_links_reach_aa_contrast_for_any_brand_colour(brand):
    assert contrast_ratio(brand, text_colour_on(brand)) >= 4.5
    assert contrast_ratio(darken_until_readable(brand), WHITE) >= 4.5


def test_a_dark_brand_colour_is_used_unchanged_for_links():
    assert darken_until_readable("#0b6e69") == "#0b6e69"


@pytest.mark.parametrize("bad", ["teal", "#fff", "0b6e69", "#0b6e6g", ""])
def test_malformed_colours_are_rejected(bad):
    with pytest.raises(ValueError, match="is not a colour"):
        parse_hex(bad)

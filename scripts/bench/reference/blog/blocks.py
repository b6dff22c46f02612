"""The body blocks of bakerydemo's BaseStreamBlock: heading, paragraph, image with caption, quote."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(required=True)
    caption = blocks.CharBlock(required=False)
    attribution = blocks.CharBlock(required=False)

    class Meta:
        icon = "image"
        template = "blog/blocks/image_block.html"


class HeadingBlock(blocks.StructBlock):
    heading_text = blocks.CharBlock(classname="title", required=True)
    size = blocks.ChoiceBlock(choices=[("", "Select a size"), ("h2", "H2"), ("h3", "H3"), ("h4", "H4")], blank=True)

    class Meta:
        icon = "title"
        template = "blog/blocks/heading_block.html"


class BlockQuote(blocks.StructBlock):
    text = blocks.TextBlock()
    attribute_name = blocks.CharBlock(blank=True, required=False, label="e.g. Mary Berry")

    class Meta:
        icon = "openquote"
        template = "blog/blocks/blockquote.html"


class BaseStreamBlock(blocks.StreamBlock):
    heading_block = HeadingBlock()
    paragraph_block = blocks.RichTextBlock(icon="pilcrow", template="blog/blocks/paragraph_block.html")
    image_block = ImageBlock()
    block_quote = BlockQuote()

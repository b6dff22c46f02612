"""StreamField blocks for clinical pages. Each block renders with its template in pages/templates/pages/blocks/."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from pages.fields import PARAGRAPH_FEATURES


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label="heading", max_length=120, help_text="e.g. 'Who can have this injection?'")
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section (level 2)"), ("h3", "Sub-section (level 3)")],
        default="h2",
        help_text="Use level 3 only under a level 2 heading, so screen readers can follow the page.",
    )

    class Meta:
        icon = "title"
        template = "pages/blocks/heading_block.html"


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", PARAGRAPH_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "pages/blocks/paragraph_block.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, help_text="A short instruction, e.g. 'We clean the skin'.")
    text = blocks.TextBlock(required=False, help_text="One or two plain sentences.")

    class Meta:
        icon = "list-ol"
        template = "pages/blocks/step_block.html"


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, help_text="e.g. 'What happens, step by step'.")
    steps = blocks.ListBlock(StepBlock(), min_num=1)

    class Meta:
        icon = "list-ol"
        template = "pages/blocks/steps_block.html"


class CalloutBlock(blocks.StructBlock):
    style = blocks.ChoiceBlock(
        choices=[("info", "Good to know"), ("warning", "Important")],
        default="info",
    )
    title = blocks.CharBlock(max_length=120, help_text="e.g. 'Bring someone to drive you home'.")
    text = blocks.RichTextBlock(features=PARAGRAPH_FEATURES)

    class Meta:
        icon = "warning"
        template = "pages/blocks/callout_block.html"


class FAQBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200, help_text="As a patient would ask it, e.g. 'Will it hurt?'")
    answer = blocks.RichTextBlock(features=PARAGRAPH_FEATURES)

    class Meta:
        # Without it the editor's block menu says "Faq", from the block's name in ContentStreamBlock.
        label = "Question and answer"
        icon = "help"
        template = "pages/blocks/faq_block.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        help_text="Describe the image for people who cannot see it, e.g. 'A doctor shows a spine model to a "
        "patient'. Required.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "pages/blocks/image_block.html"


class CallUsBlock(blocks.StructBlock):
    """A prominent 'call the clinic' box; the number comes from the clinic's settings, never typed in here."""

    heading = blocks.CharBlock(max_length=120, default="Call us if you are worried")
    text = blocks.TextBlock(
        required=False,
        help_text="When to call, e.g. 'Call us if the pain gets worse after two days.' The phone number is added.",
    )

    class Meta:
        icon = "mail"
        template = "pages/blocks/call_us_block.html"


class TimelineStageBlock(blocks.StructBlock):
    when = blocks.CharBlock(max_length=80, help_text="e.g. 'Right after the injection', 'The next day'.")
    what_to_expect = blocks.RichTextBlock(features=PARAGRAPH_FEATURES, label="what to expect")
    what_to_do = blocks.RichTextBlock(features=PARAGRAPH_FEATURES, required=False, label="what to do")

    class Meta:
        icon = "time"
        template = "pages/blocks/timeline_stage_block.html"


class ContentStreamBlock(blocks.StreamBlock):
    """The blocks of a clinical page's free-form sections."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    steps = StepsBlock()
    callout = CalloutBlock()
    faq = FAQBlock()
    image = ImageBlock()
    call_us = CallUsBlock()


class FAQStreamBlock(blocks.StreamBlock):
    question = FAQBlock()


class StepStreamBlock(blocks.StreamBlock):
    step = StepBlock()


class TimelineStreamBlock(blocks.StreamBlock):
    stage = TimelineStageBlock()

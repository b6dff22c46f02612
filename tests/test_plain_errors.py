"""Error messages in plain words, built from a field's label (pages/plain_errors.py)."""

import pytest
from django import forms

from pages import plain_errors


@pytest.mark.parametrize(
    "label, kind, expected",
    [
        ("How can we help?", plain_errors.TYPED, "Please tell us how we can help"),
        ("What should we call you?", plain_errors.TYPED, "Please tell us what we should call you"),
        ("When can I call?", plain_errors.TYPED, "Please tell us when I can call"),
        ("Did you have an injection before?", plain_errors.CHOICE, "Please answer “Did you have an injection before?”"),
        ("Your name", plain_errors.TYPED, "Please enter your name"),
        ("Phone number", plain_errors.TYPED, "Please enter your phone number"),
        ("NHS number", plain_errors.TYPED, "Please enter your NHS number"),
        ("Message:", plain_errors.TYPED, "Please enter your message"),
        ("Contact me by", plain_errors.CHOICE, "Please make a choice for “Contact me by”"),
        ("I agree to the privacy notice", plain_errors.CHECKBOX, "Please tick “I agree to the privacy notice”"),
    ],
)
def test_a_required_field_is_named_in_plain_words(label, kind, expected):
    assert plain_errors.required_message(label, kind) == expected


def test_a_form_speaks_of_its_fields_in_plain_words():
    class Form(forms.Form):
        help = forms.CharField(label="How can we help?", max_length=5)
        email = forms.EmailField(label="Your email")

    form = Form({"help": "far too long", "email": "not an email"})
    plain_errors.use_plain_errors(form.fields)

    assert not form.is_valid()
    assert form.errors["help"] == ["Your answer to “How can we help?” must be 5 characters or fewer (it has 12)"]
    assert form.errors["email"] == ["Please enter your email in the right format, like name@example.com"]
    assert Form({}).errors["help"] == ["This field is required."]  # another form's fields are left alone

"""Clinic phone numbers, checked with Google's libphonenumber (the `phonenumbers` package), never a regex.

Urgent advice on every clinical page ends in "call us", so the number must be one a patient can dial. Numbers
without a country code are read in the region of `CLINIC_PHONE_REGION` (an ISO 3166 code, "US" by default).
"""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError

EXAMPLE = "'(217) 555-0142' or '+44 20 7946 0000'"


def region():
    return getattr(settings, "CLINIC_PHONE_REGION", "US")


def parse(value):
    """The number `value` stands for, or None when it is not a valid, diallable phone number."""
    try:
        number = phonenumbers.parse(value or "", region())
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def validate_phone_number(value):
    if parse(value) is None:
        raise ValidationError(
            f"{value!r} is not a phone number patients can dial. Write it with its area code, e.g. {EXAMPLE}.",
            code="invalid_phone",
        )


def tel_href(value):
    """A tel: URL in international format (E.164) for a tap-to-call link; '' for an invalid number."""
    number = parse(value)
    if number is None:
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

"""The demo clinics' other pages: About us, Our team, Our treatments and a completed privacy notice."""


def heading(text):
    return ("heading", {"text": text, "level": "h2"})


def paragraph(html):
    return ("paragraph", html)


def about_page(clinic_name, town):
    return {
        "slug": "about-us",
        "title": "About us",
        "show_in_menus": True,
        "introduction": f"{clinic_name} is a spine and pain clinic in {town}. We help people with back and neck "
        "pain find the cause and feel better.",
        "body": [
            heading("What we do"),
            paragraph(
                "<p>We see people with long-lasting back and neck pain. We look for the cause, explain what we find "
                "and agree a plan with you. Many of our treatments are small injections that take a few minutes.</p>"
            ),
            heading("Finding us"),
            paragraph(
                "<p>There is free parking next to the building and a lift to every floor. Please arrive ten minutes "
                "before your visit.</p>"
            ),
            ("call_us", {"heading": "Questions before your visit?", "text": "Call us on a working day."}),
        ],
    }


TEAM_PAGE = {
    "slug": "our-team",
    "title": "Our team",
    "show_in_menus": True,
    "introduction": "Meet the doctors who will care for you.",
}

TREATMENTS_PAGE = {
    "slug": "treatments",
    "title": "Our treatments",
    "show_in_menus": True,
    "introduction": "These are the treatments we offer. Each page says what happens and how to prepare.",
}


def privacy_page(clinic_name, email):
    return {
        "slug": "privacy",
        "title": "Privacy notice",
        "show_in_menus": False,
        "introduction": "How we use the details you give us on this website, and your rights.",
        "body": [
            heading("What we collect"),
            paragraph(
                "<p>When you use our contact form or leave a message, we keep what you send us: your name, your "
                "email address and your message. We also keep a coded form of your internet address to stop spam. "
                "We do not use tracking cookies.</p>"
            ),
            heading("How we use it"),
            paragraph(
                "<p>We use your details only to answer you. A message you leave under a page is shown only after a "
                "member of our team has checked it, and your email address is never shown.</p>"
            ),
            heading("How long we keep it"),
            paragraph("<p>Messages we do not publish are deleted after 30 days.</p>"),
            heading("Your rights"),
            paragraph(
                f"<p>You can ask {clinic_name} for a copy of what we hold about you, or ask us to delete it. Write "
                f"to {email}.</p>"
            ),
        ],
    }

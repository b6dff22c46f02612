"""The demo clinics' patient pages, written for patients (about grade 6-8) from the facts in the source documents.

Each entry is the field values of one page; `ensure_page` creates it or brings it up to date and publishes it.
"""

import datetime

ASCPM_PROCEDURE = {
    "slug": "facet-joint-injections",
    "title": "Facet joint injections",
    "show_in_menus": True,
    "summary": (
        "A facet joint injection puts medicine into a small joint in your spine. It can ease back or neck pain "
        "for weeks or months."
    ),
    "what_it_is": (
        "<p>Facet joints are small joints at the back of your spine. They sit between the bones of your back. "
        "When a facet joint is swollen or hurt, it can cause pain in your back or neck.</p>"
        "<p>A facet joint injection puts medicine right into the joint that hurts. It is used for back or neck "
        "pain that comes from these joints.</p>"
    ),
    "how_it_works": (
        "<p>Your doctor uses a thin needle to put two medicines into the joint:</p>"
        "<ul><li>a numbing medicine, which eases pain straight away</li>"
        "<li>a steroid, which brings down swelling, so the pain relief lasts longer</li></ul>"
        "<p>The doctor watches a live X-ray picture, called fluoroscopy, to guide the needle to the right place. "
        "This makes the injection accurate and safe.</p>"
    ),
    "benefits": (
        "<p>Most people get real pain relief. Because the medicine goes straight to the source of the pain, it "
        "can calm the swelling and ease your pain. Many people find it easier to move and to enjoy daily life "
        "again.</p>"
    ),
    "relief_duration": "Several weeks or months. It is different for each person.",
    "preparation": (
        "<p>First you meet one of our doctors. They check your pain and decide with you if this injection is "
        "right for you. Tell us about all the medicines you take. Read the instructions we give you, and ask us "
        "any questions you have.</p>"
    ),
    "positioning": "You lie face down, or you sit up. It depends on which joint is treated.",
    "duration": "The injection itself takes only a few minutes.",
    "day_steps": [
        ("step", {"title": "We get you ready", "text": "You lie face down or sit up, so we can reach the joint."}),
        ("step", {"title": "We clean your skin", "text": "We may also numb the skin so the needle hurts less."}),
        ("step", {"title": "We guide the needle", "text": "The doctor uses a live X-ray to find the joint."}),
        ("step", {"title": "We give the medicine", "text": "The numbing medicine and the steroid go into the joint."}),
        ("step", {"title": "You rest for a short time", "text": "Then you can go home with your instructions."}),
    ],
    "risks": (
        "<p>After the injection, the spot where the needle went in may feel sore or numb for a while. This "
        "usually goes away soon. Some people also get a bruise.</p>"
        "<p>Your doctor will talk with you about other, rare risks before the injection. Please ask about "
        "anything that worries you.</p>"
    ),
    "faq": [
        (
            "question",
            {
                "question": "Will it hurt?",
                "answer": "<p>You may feel a little pressure or a sting. We can numb your skin first.</p>",
            },
        ),
        (
            "question",
            {
                "question": "When will I feel better?",
                "answer": "<p>Some people feel better right away. For most, the pain eases over one to two days.</p>",
            },
        ),
    ],
    "body_location": "Facet joints of the neck or back",
    "procedure_type": "PercutaneousProcedure",
    "reviewer": "Dr Elena Marsh",
    "last_reviewed": datetime.date(2026, 3, 15),
    "next_review_due": datetime.date(2027, 3, 15),
}

SPINAL_PROCEDURE = {
    "slug": "facet-joint-injections",
    "title": "Facet joint injections",
    "show_in_menus": True,
    "summary": (
        "Medicine is put into the small joints at the back of your spine to ease pain. It is quick, and you go "
        "home the same day."
    ),
    "what_it_is": (
        "<p>Facet joints are pairs of small joints at the back of your spine, between the bones. If they are "
        "swollen, they can cause back or neck pain.</p>"
        "<p>In a facet joint injection, medicine is put right into the joint. This is often the first treatment "
        "we try for this kind of pain.</p>"
    ),
    "how_it_works": (
        "<p>We use an X-ray to find the joints that cause your pain. Then we put two kinds of medicine into each "
        "joint: one to numb the pain and one to calm the swelling.</p>"
    ),
    "benefits": (
        "<p>The injection can ease pain in the small joints of your spine. With less pain, you can start "
        "exercise and physical therapy. These make the muscles around your joints stronger, which helps you "
        "keep moving without pain.</p>"
    ),
    "relief_duration": "It can last a long time, and even longer with regular exercise.",
    "preparation": (
        "<p>We talk with you first about your pain and your health. Tell us about the medicines you take. Ask us "
        "anything you want to know.</p>"
    ),
    "positioning": "You lie down on a special table so the doctor can reach your back or neck.",
    "duration": "It takes only a few minutes.",
    "day_steps": [
        ("step", {"title": "We find the joint", "text": "The doctor uses an X-ray to see the joints."}),
        ("step", {"title": "We give the medicine", "text": "Numbing and anti-swelling medicine goes in each joint."}),
        ("step", {"title": "You go home", "text": "Take it easy for the rest of the day."}),
    ],
    "risks": (
        "<p>You may have some soreness or a bruise where the needle went in. This should go away in a few days. "
        "Your pain may get worse for a short time before it gets better.</p>"
        "<p>If the injection does not help, the medicine may not have reached the source of the pain. Or the "
        "pain may not come from the facet joints. We will talk with you about what to try next.</p>"
    ),
    "faq": [
        (
            "question",
            {
                "question": "Is this the same as a nerve block?",
                "answer": "<p>No. Here the medicine goes into the joint itself. This is called an intra-articular "
                "injection.</p>",
            },
        ),
    ],
    "body_location": "Facet joints of the neck or back",
    "procedure_type": "PercutaneousProcedure",
    "reviewer": "Dr Samuel Okafor",
    "last_reviewed": datetime.date(2025, 12, 10),
    "next_review_due": datetime.date(2026, 12, 10),
}

SPINAL_RECOVERY = {
    "slug": "what-to-expect-after",
    "title": "What to expect after facet joint injections",
    "summary": (
        "Most people go home the same day. You may be sore at first. Most people feel the pain ease within one "
        "to two days."
    ),
    "timeline": [
        (
            "stage",
            {
                "when": "Right after the injection",
                "what_to_expect": "<p>Some pain and a bruise where the needle went in are normal. They should go "
                "away in a few days.</p>",
                "what_to_do": "<p>We may give you an ice pack or a tight bandage to keep the swelling down.</p>",
            },
        ),
        (
            "stage",
            {
                "when": "The same day",
                "what_to_expect": "<p>Your pain may go away or get much less. This is the numbing medicine, and it "
                "lasts only a few hours. Then the pain may come back, and the spot may be sore for about a "
                "day.</p>"
                "<p>Some people have more pain for a short time. This comes from swelling where the needle went "
                "in.</p>",
                "what_to_do": "<p>Take it easy for the rest of the day.</p>",
            },
        ),
        (
            "stage",
            {
                "when": "The next day",
                "what_to_expect": "<p>The soreness should be getting better.</p>",
                "what_to_do": "<p>You can go back to your normal activities.</p>",
            },
        ),
        (
            "stage",
            {
                "when": "After 1 to 2 days",
                "what_to_expect": "<p>You should start to notice that your pain is easing.</p>",
                "what_to_do": "<p>If your pain is not better, tell us. We will help you find out why.</p>",
            },
        ),
        (
            "stage",
            {
                "when": "The weeks after",
                "what_to_expect": "<p>As the pain goes down, you can do more.</p>",
                "what_to_do": "<p>Slowly add harder activities. Do the exercises and physical therapy we suggest. "
                "They make the muscles around your joints stronger.</p>",
            },
        ),
    ],
    "activity_advice": (
        "<p>Rest on the day of your injection. The next day you can go back to your normal activities. As your "
        "pain gets better, add more active exercise step by step. Physical therapy helps keep the pain from "
        "coming back.</p>"
    ),
    "warning_signs": (
        "<p>Call us straight away if you have any of these:</p>"
        "<ul><li>a fever, or redness, heat or swelling that gets worse where the needle went in</li>"
        "<li>new numbness or weakness in your arms or legs</li>"
        "<li>pain that is very bad or keeps getting worse</li>"
        "<li>trouble controlling your bladder or bowels</li></ul>"
    ),
    "reviewer": "Dr Samuel Okafor",
    "last_reviewed": datetime.date(2025, 11, 2),
    "next_review_due": datetime.date(2026, 11, 2),
}


def contact_page(clinic_name):
    return {
        "slug": "contact",
        "title": "Contact us",
        "show_in_menus": True,
        "intro": f"<p>Send {clinic_name} a question. We answer on working days. Please do not use this form "
        "for urgent problems: call us instead.</p>",
        "thank_you_text": "<p>Thank you. We got your message and will reply within two working days.</p>",
        "subject": f"New contact form message for {clinic_name}",
    }


CONTACT_FIELDS = [
    {"label": "Your name", "field_type": "singleline", "required": True},
    {"label": "Your email", "field_type": "email", "required": True},
    {"label": "Your phone number", "field_type": "singleline", "required": False,
     "help_text": "Only if you would like us to call you back."},
    {"label": "How can we help?", "field_type": "multiline", "required": True},
]  # fmt: skip

# Pages per demo clinic, by account prefix: (page data, children).
CONTENT = {
    "ascpm": {"procedures": [(ASCPM_PROCEDURE, [])]},
    "spinaldiagnostics": {"procedures": [(SPINAL_PROCEDURE, [SPINAL_RECOVERY])]},
}

# Patient messages per demo clinic, by account prefix. "page" is the page's path under the clinic's home page.
# Approved ones carry the clinic's reply; pending ones wait for a moderator, and their flags come from the real
# moderation rules (pages.patient_messages.rules.decide), so the moderators' list looks as it would in real life.
# Names are fictional and the addresses are on example.org / example.com.
PROCEDURE_PATH = "facet-joint-injections"
RECOVERY_PATH = "facet-joint-injections/what-to-expect-after"

MESSAGES = {
    "ascpm": [
        {
            "page": PROCEDURE_PATH,
            "name": "Maria Lopez",
            "email": "maria.lopez@example.org",
            "body": "I was nervous before my injection, but it only took a few minutes. A week later I can garden "
            "again. Thank you to the whole team.",
            "status": "approved",
            "days_ago": 24,
            "reply": "Thank you for letting us know. We are so glad you are back in your garden.",
        },
        {
            "page": PROCEDURE_PATH,
            "name": "Tom Becker",
            "email": "tbecker@example.com",
            "body": "How long should I wait before I go back to the gym?",
            "status": "approved",
            "days_ago": 17,
            "reply": "Most people can go back to normal activities the next day. Start gently and build up over a "
            "week or two. Ask your doctor at your follow-up visit if you are not sure.",
        },
        {
            "page": PROCEDURE_PATH,
            "name": "Grace Whitfield",
            "email": "grace.whitfield@example.org",
            "body": "Can I take my usual tablets on the morning of the injection?",
            "status": "pending",
            "days_ago": 2,
        },
        {
            "page": PROCEDURE_PATH,
            "name": "Alan Price",
            "email": "alan.price@example.com",
            "body": "Please call me back on 555 010 9934 about moving my appointment to next week.",
            "status": "pending",
            "days_ago": 1,
        },
        {
            "page": PROCEDURE_PATH,
            "name": "Rosa Delgado",
            "email": "rosa.delgado@example.org",
            "body": "I had the injection yesterday and tonight I have a fever and chills. Is that normal?",
            "status": "pending",
            "days_ago": 0,
        },
    ],
    "spinaldiagnostics": [
        {
            "page": PROCEDURE_PATH,
            "name": "Priya Shah",
            "email": "priya.shah@example.org",
            "body": "Quick and well explained. The nurse talked me through every step, so I felt at ease.",
            "status": "approved",
            "days_ago": 30,
            "reply": "Thank you! We will pass your kind words on to the team.",
        },
        {
            "page": RECOVERY_PATH,
            "name": "Daniel Kim",
            "email": "daniel.kim@example.com",
            "body": "Is it normal to be sore for a day after? Mine was fine by the second morning.",
            "status": "approved",
            "days_ago": 12,
            "reply": "Yes, soreness for a day or two is common. If the pain gets much worse, or you get a fever, "
            "call us straight away.",
        },
        {
            "page": RECOVERY_PATH,
            "name": "Helen O'Brien",
            "email": "helen.obrien@example.org",
            "body": "The tip about the ice pack helped a lot. I went for a short walk the next day.",
            "status": "approved",
            "days_ago": 9,
            "reply": "Lovely to hear. Short walks are a great way to start.",
        },
        {
            "page": PROCEDURE_PATH,
            "name": "Marcus Bell",
            "email": "marcus.bell@example.com",
            "body": "My patient number is 48213. Can you tell me when my follow-up visit is?",
            "status": "pending",
            "days_ago": 3,
        },
        {
            "page": RECOVERY_PATH,
            "name": "Linda Novak",
            "email": "linda.novak@example.org",
            "body": "Two days after my injection my left leg feels numb and weak. Should I come in?",
            "status": "pending",
            "days_ago": 0,
        },
        {
            "page": RECOVERY_PATH,
            "name": "Sam Osei",
            "email": "sam.osei@example.com",
            "body": "Do I need someone to drive me home afterwards?",
            "status": "pending",
            "days_ago": 1,
        },
    ],
}

# Each clinic's clinicians; pages name their reviewer by name ("reviewer" above).
CLINICIANS = {
    "ascpm": [
        {
            "name": "Dr Elena Marsh",
            "credentials": "MD, board-certified in pain medicine",
            "role": "Interventional pain physician",
            "bio": "Dr Marsh treats back and neck pain with injections and nerve treatments. She trained in "
            "anaesthesia and pain medicine and has led the clinic's spine service for ten years.",
            "sort_order": 0,
        },
    ],
    "spinaldiagnostics": [
        {
            "name": "Dr Samuel Okafor",
            "credentials": "DO, interventional spine specialist",
            "role": "Spine physician",
            "bio": "Dr Okafor finds the cause of spine pain with careful tests and treats it with guided "
            "injections. He trained in physical medicine and rehabilitation.",
            "sort_order": 0,
        },
    ],
}

"""Personal details a patient should not publish in a public message: what kinds a text seems to hold.

Phone numbers are found by Google's libphonenumber (`phonenumbers.PhoneNumberMatcher`, lenient: any number that
could be dialled in the clinic's region, 7-digit local ones too, or abroad when written with "+", "00" or "011").
The rest are patterns, each small enough to explain:

- an email address, also written "name at example dot com";
- a date of birth: a birth word ("born", "DOB", "birthday", "b.") next to a date or a year, or a full date whose
  year is at least ADULT_YEARS ago (an appointment, an open day or a recent injection date is not);
- a record number or an insurance/ID number: a cue word ("MRN", "chart", "member", "policy", "Medicare", "SSN", ...)
  followed closely by a code with at least 5 characters and a digit that is not a date or a year; SSN-shaped and
  Medicare-shaped (MBI) numbers need no cue;
- a street address: a house number, one to four words and a street suffix ("Street", "Ave", "Rd", ...); a PO box;
  a town followed by a state code and a ZIP;
- a person's name with a health condition: two capitalised words that are not a title, month, weekday, place or
  clinic word, not after "Dr" or "Nurse", in a sentence that names a condition or says "diagnosed" or "patient".
  It misses lower-case names, single names and conditions it has no word for; it takes "Maple Grove" for a name when
  a condition is in the sentence and neither word is on its lists.
"""

import datetime
import re

import phonenumbers

PHONE = "a phone number"
EMAIL = "an email address"
BIRTH_DATE = "a date of birth"
RECORD_NUMBER = "a medical record number"
ID_NUMBER = "an insurance or ID number"
ADDRESS = "a street address"
NAME_WITH_CONDITION = "a person's name with a health condition"
KINDS = (PHONE, EMAIL, BIRTH_DATE, RECORD_NUMBER, ID_NUMBER, ADDRESS, NAME_WITH_CONDITION)

ADULT_YEARS = 16
MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_NUMERIC_DATE = rf"{DAY}[/.-]{DAY}[/.-](?:\d{{4}}|\d{{2}})|(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}"
_WORD_DATE = (
    rf"{MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS},?\s+\d{{4}}"
)
FULL_DATE = re.compile(rf"(?<![\w/.-])(?:{_NUMERIC_DATE}|{_WORD_DATE})(?![\w/]|-\d)", re.IGNORECASE)
BIRTH_CUE = re.compile(
    r"\b(?:date of birth|birth ?date|birthday|d\.?o\.?b\b\.?|born|b\.(?=\s*(?:19|20)\d\d))", re.IGNORECASE
)
BIRTH_YEAR = re.compile(r"^\W{0,3}(?:(?:in|on|:)\s+)?(?:the\s+)?(?:'\d\d|(?:19|20)\d\d)\b", re.IGNORECASE)

EMAIL_PATTERN = re.compile(
    r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+|\b[\w.+-]+ at [a-z][\w-]* dot (?:com|net|org|edu)\b", re.IGNORECASE
)

RECORD_CUE = (
    r"\b(?:mrn|medical record(?: number| no\.?| #)?|chart(?: number| no\.?| ?#)|record(?: number| no\.?| ?#)"
    r"|patient (?:id|number|no\.?|#))"
)
ID_CUE = (
    r"\b(?:insurance|policy|member|subscriber|group|medicare|medicaid|beneficiary|nhs|social security|social|ssn"
    r"|account|claim|referral|license|licence|id|card)"
)
_CODE = r"[a-z]{0,4}[- ]?\d(?:[a-z0-9-]| (?=\d)){3,}"
RECORD_PATTERN = re.compile(rf"{RECORD_CUE}(?P<gap>[^.\n]{{0,20}}?)(?<![\w-])(?P<code>{_CODE})", re.IGNORECASE)
ID_PATTERN = re.compile(rf"{ID_CUE}\b(?P<gap>[^\n]{{0,25}}?)(?<![\w$.,-])(?P<code>{_CODE})", re.IGNORECASE)
SSN_OR_MBI = re.compile(
    r"(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-])|\b[1-9][a-z][a-z0-9]\d-?[a-z][a-z0-9]\d-?[a-z]{2}\d{2}\b",
    re.IGNORECASE,
)
NOT_A_CODE = re.compile(rf"^(?:{_NUMERIC_DATE}|(?:19|20)\d\d(?:-(?:19|20)?\d\d)?)$", re.IGNORECASE)

STREET_SUFFIX = (
    r"(?i:street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|way|place|pl|terrace|circle|cir"
    r"|parkway|pkwy|highway|hwy|square|sq)"
)
ADDRESS_PATTERN = re.compile(
    rf"(?<![\w$.,/-])\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][\w'.]*\s+){{1,4}}{STREET_SUFFIX}\b\.?"
    r"|\bP\.?\s?O\.? (?i:box) \d+"
    r"|\b[A-Z][a-z]+,?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"
)

CONDITION_WORDS = re.compile(
    r"\b(?:diagnosed|diagnosis|patient|suffers?|suffering|sciatica|stenosis|arthritis|scoliosis|herniated|hernia"
    r"|degenerative|fibromyalgia|neuropathy|radiculopathy|spondylo\w+|osteoporosis|fracture|cancer|diabetes"
    r"|depression|parkinson'?s|multiple sclerosis|chronic \w+ pain|chronic pain|back pain|disc disease)\b",
    re.IGNORECASE,
)
NAME_PAIR = re.compile(r"(?<![\w'])(?=([A-Z][a-z]+(?:'[A-Z][a-z]+)?) ((?:O'|Mc|Mac)?[A-Z][a-z]+)\b)")
NOT_A_NAME = frozenset(
    re.findall(
        r"\w+",
        """a an the i my our your his her their this that these those it we you he she they hi hello dear thanks thank
    please since after before when while if and but or so as at in on for from to of with by is was am are be have
    had has can could would should will did do does yes no ok also just then there here what which who how why
    january february march april may june july august september october november december monday tuesday wednesday
    thursday friday saturday sunday christmas easter new year day labor memorial thanksgiving holiday
    dr doctor nurse mr mrs ms miss prof sir madam
    clinic center centre hospital medical health care associates spine pain back neck management physical therapy
    group support fair office street avenue road drive lane lake patient lakeshore main north south east west oak
    blue cross shield medicare medicaid mayo university institute county city state river
    """,
    )
)
TITLES_BEFORE = re.compile(r"\b(?:dr|doctor|nurse|prof|professor)\.?\s*$", re.IGNORECASE)
SENTENCE = re.compile(r"(?:\b(?:dr|mr|mrs|ms|prof|st)\.|[^.!?\n])+", re.IGNORECASE)


def phone_numbers(text, region):
    """Every phone number in `text`, read as libphonenumber reads it in `region` (an ISO 3166 code)."""
    text = re.sub(r"(?<![\w+])00\s?(?=[1-9])", "+", text)
    matches = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE)
    return [match.raw_string for match in matches]


def _is_birth_date(text):
    for cue in BIRTH_CUE.finditer(text):
        after = text[cue.end() : cue.end() + 40]
        stated = re.search(r"\d", after[:25]) and re.search(r"birth|d\W?o\W?b", cue.group(), re.IGNORECASE)
        if stated or BIRTH_YEAR.match(after) or FULL_DATE.search(after[:25]):
            return True
    cutoff = datetime.date.today().year - ADULT_YEARS
    for date in FULL_DATE.finditer(text):
        year = int(re.findall(r"\d+", date.group())[-1])
        year += 1900 if 30 < year < 100 else 2000 if year < 100 else 0
        if year <= cutoff:
            return True
    return False


def _has_code(pattern, text):
    return any(not NOT_A_CODE.match(match.group("code").strip()) for match in pattern.finditer(text))


def _has_name_with_condition(text):
    for sentence in SENTENCE.finditer(text):
        if not CONDITION_WORDS.search(sentence.group()):
            continue
        for pair in NAME_PAIR.finditer(sentence.group()):
            first, last = pair.group(1), pair.group(2)
            before = sentence.group()[: pair.start()]
            if first.lower() in NOT_A_NAME or last.lower() in NOT_A_NAME or TITLES_BEFORE.search(before):
                continue
            return True
    return False


def health_details_found(text, region="US"):
    """The kinds of personal detail (KINDS, in that order) that `text` seems to contain."""
    text = text or ""
    found = {
        PHONE: bool(phone_numbers(text, region)),
        EMAIL: bool(EMAIL_PATTERN.search(text)),
        BIRTH_DATE: _is_birth_date(text),
        RECORD_NUMBER: _has_code(RECORD_PATTERN, text),
        ID_NUMBER: _has_code(ID_PATTERN, text) or bool(SSN_OR_MBI.search(text)),
        ADDRESS: bool(ADDRESS_PATTERN.search(text)),
        NAME_WITH_CONDITION: _has_name_with_condition(text),
    }
    return [kind for kind in KINDS if found[kind]]

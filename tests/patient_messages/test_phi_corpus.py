"""How well the personal-health-details check does on a labelled corpus of patient-style messages.

phi_corpus.tsv holds one message a line: its text and the kinds of detail it holds (short keys, comma-separated),
or "none". Recall is measured on the messages with details (warned at all, and per kind: the kind itself named);
the false-alarm rate on the messages without. `pytest -s` prints the figures; a failure names them too.
"""

import csv
from pathlib import Path

from pages.patient_messages import health_details as h
from pages.patient_messages import rules

CORPUS = Path(__file__).with_name("phi_corpus.tsv")
KINDS = {
    "phone": h.PHONE,
    "email": h.EMAIL,
    "dob": h.BIRTH_DATE,
    "record": h.RECORD_NUMBER,
    "id": h.ID_NUMBER,
    "address": h.ADDRESS,
    "name": h.NAME_WITH_CONDITION,
}
MIN_MESSAGES = 150
MIN_PER_KIND = 10
GOAL_RECALL = 0.95
GOAL_FALSE_ALARMS = 0.05


def corpus():
    with CORPUS.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        (row["text"], set() if row["kinds"] == "none" else {KINDS[k] for k in row["kinds"].split(",")}) for row in rows
    ]


def measure(rows):
    positives = [(text, kinds) for text, kinds in rows if kinds]
    negatives = [text for text, kinds in rows if not kinds]
    found = {text: set(rules.health_info_found(text)) for text, _kinds in rows}
    missed = [text for text, _kinds in positives if not found[text]]
    alarms = [(text, sorted(found[text])) for text in negatives if found[text]]
    per_kind = {}
    for key, kind in KINDS.items():
        with_kind = [text for text, kinds in positives if kind in kinds]
        per_kind[key] = (sum(kind in found[text] for text in with_kind), len(with_kind))
    return {
        "positives": len(positives),
        "negatives": len(negatives),
        "recall": 1 - len(missed) / len(positives),
        "false_alarms": len(alarms) / len(negatives),
        "per_kind": per_kind,
        "missed": missed,
        "alarms": alarms,
    }


def report(figures):
    lines = [
        f"recall {figures['recall']:.3f} on {figures['positives']} messages with details (goal >= {GOAL_RECALL})",
        f"false alarms {figures['false_alarms']:.3f} on {figures['negatives']} without (goal <= {GOAL_FALSE_ALARMS})",
    ]
    lines += [f"  {key}: {hit}/{total} = {hit / total:.2f}" for key, (hit, total) in figures["per_kind"].items()]
    lines += [f"  missed: {text}" for text in figures["missed"]]
    lines += [f"  false alarm {kinds}: {text}" for text, kinds in figures["alarms"]]
    return "\n".join(lines)


def test_the_corpus_is_large_enough_and_covers_every_kind():
    rows = corpus()
    figures = measure(rows)
    assert figures["positives"] >= MIN_MESSAGES and figures["negatives"] >= MIN_MESSAGES
    assert {key: total for key, (_hit, total) in figures["per_kind"].items() if total < MIN_PER_KIND} == {}
    assert len({text for text, _kinds in rows}) == len(rows), "a message is in the corpus twice"


def test_recall_and_false_alarms_meet_the_goals():
    figures = measure(corpus())
    text = report(figures)
    print("\n" + text)
    assert set(figures["per_kind"]) == set(KINDS), text
    assert figures["recall"] >= GOAL_RECALL, text
    assert figures["false_alarms"] <= GOAL_FALSE_ALARMS, text

"""What one import did: counts by kind and outcome, and each item skipped or trimmed, with why.

Never a comment's author, email or text: the report is a file an operator keeps and passes around.
"""

from collections import Counter
from dataclasses import dataclass, field

OUTCOMES = ("created", "updated", "moved", "unchanged", "skipped")


@dataclass
class Report:
    hostname: str = ""
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)  # (kind, outcome) -> n
    notes: list = field(default_factory=list)  # (kind, WordPress id, what happened)

    def count(self, kind, outcome, n=1):
        self.counts[(kind, outcome)] += n

    def skip(self, kind, wordpress_id, reason):
        self.count(kind, "skipped")
        self.note(kind, wordpress_id, f"skipped: {reason}")

    def note(self, kind, wordpress_id, text):
        self.notes.append((kind, wordpress_id, text))

    def total(self, outcome):
        return sum(n for (_, counted), n in self.counts.items() if counted == outcome)

    @property
    def changed_anything(self):
        return bool(self.total("created") or self.total("updated"))

    def summary_lines(self):
        kinds = sorted({kind for kind, _ in self.counts})
        heading = "Dry run (nothing was saved)" if self.dry_run else "Imported"
        lines = [f"{heading} into {self.hostname}:"]
        for kind in kinds:
            parts = [
                f"{self.counts[(kind, outcome)]} {outcome}" for outcome in OUTCOMES if self.counts[(kind, outcome)]
            ]
            lines.append(f"  {kind}: " + ", ".join(parts))
        if self.notes:
            lines.append(f"  {len(self.notes)} note(s): skipped items, dropped content and missing files.")
        return lines

    def text(self):
        lines = self.summary_lines() + ["", "Notes (kind, WordPress id, what happened):"]
        lines += [f"  {kind} #{wordpress_id}: {text}" for kind, wordpress_id, text in self.notes] or ["  none"]
        return "\n".join(lines) + "\n"

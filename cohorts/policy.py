"""The completion policy, as plain arithmetic over counts.

Selectors gather the counts (one enrollment on an event, a whole roster with aggregates);
this module decides. Attendance % = present+late over sessions held so far, excused sessions
left out. The attendance rule is met once no scheduled session is left and the % is reached.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class AttendanceSummary:
    held: int  # sessions that have started and were not cancelled
    excused: int
    attended: int  # present or late
    remaining: int  # scheduled sessions still to come

    @property
    def counted(self) -> int:
        return self.held - self.excused

    @property
    def percent(self) -> int | None:
        return round(100 * self.attended / self.counted) if self.counted else None

    @property
    def missed(self) -> int:
        return self.counted - self.attended

    def best_possible(self) -> int:
        """The % reachable by attending every remaining session."""
        total = self.counted + self.remaining
        return round(100 * (self.attended + self.remaining) / total) if total else 100

    def still_achievable(self, minimum: int) -> bool:
        return self.best_possible() >= minimum

    def met(self, minimum: int) -> bool:
        if self.remaining:
            return False
        return self.percent is None or self.percent >= minimum


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool
    detail: str = ""


@dataclass(frozen=True)
class PolicyStatus:
    required_total: int
    required_done: int
    attendance: AttendanceSummary
    min_attendance: int
    requires_signoff: bool
    signed_off: bool

    @property
    def lessons_met(self) -> bool:
        return self.required_done >= self.required_total

    @property
    def attendance_met(self) -> bool:
        return self.attendance.met(self.min_attendance)

    @property
    def signoff_met(self) -> bool:
        return self.signed_off or not self.requires_signoff

    @property
    def is_met(self) -> bool:
        return self.lessons_met and self.attendance_met and self.signoff_met

    @property
    def attendance_at_risk(self) -> bool:
        return not self.attendance.still_achievable(self.min_attendance)

    def checklist(self) -> list[ChecklistItem]:
        a = self.attendance
        left = self.required_total - self.required_done
        items = [
            ChecklistItem(
                _("Complete the required lessons"),
                self.lessons_met,
                _("%(done)s of %(total)s done")
                % {"done": self.required_done, "total": self.required_total}
                + (
                    ""
                    if self.lessons_met
                    else " · " + ngettext("%(n)s to go", "%(n)s to go", left) % {"n": left}
                ),
            )
        ]
        if a.percent is None:
            so_far = _("no sessions held yet")
        else:
            so_far = _("%(pct)s%% so far") % {"pct": a.percent}
        if a.remaining and a.still_achievable(self.min_attendance):
            outlook = ngettext(
                "still reachable: %(n)s session to go",
                "still reachable: %(n)s sessions to go",
                a.remaining,
            ) % {"n": a.remaining}
        elif a.remaining:
            outlook = _("no longer reachable; talk to your facilitator")
        else:
            outlook = _("all sessions held")
        items.append(
            ChecklistItem(
                _("Attend at least %(min)s%% of live sessions") % {"min": self.min_attendance},
                self.attendance_met,
                f"{so_far} · {outlook}",
            )
        )
        if self.requires_signoff:
            items.append(
                ChecklistItem(
                    _("Facilitator sign-off"),
                    self.signed_off,
                    _("signed off") if self.signed_off else _("after the last session"),
                )
            )
        return items

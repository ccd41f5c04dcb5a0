from django.core.management.base import BaseCommand

from cohorts.notifications import send_session_reminders


class Command(BaseCommand):
    help = (
        "Email a reminder to everyone enrolled in a live session that starts within the next "
        "24 hours. Safe to run as often as you like (e.g. every 15 minutes): each person is "
        "reminded of each session at most once."
    )

    def handle(self, *args, **options) -> None:
        sent = send_session_reminders()
        self.stdout.write(f"Sent {sent} reminders.")

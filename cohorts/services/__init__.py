"""Every write in the cohorts app. Callers are authorised already.

enrollment: cohorts, enrollments (the state machine), sessions, announcements, calendar tokens.
progress: lesson progress, attendance, reflections, sign-off and completion.
"""

from cohorts.services.enrollment import *  # noqa: F403
from cohorts.services.enrollment import TRANSITIONS, ImportResult, _move  # noqa: F401
from cohorts.services.progress import *  # noqa: F403

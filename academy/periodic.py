"""Periodic jobs run by `manage.py scheduler` (started by `make worker`).

Apps register idempotent jobs in their AppConfig.ready(); academy imports none of them.
Running a job twice, or on two machines at once, must be harmless.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable[[], object]
    every: timedelta


_jobs: dict[str, Job] = {}


def register(name: str, function: Callable[[], object], *, every: timedelta) -> None:
    _jobs[name] = Job(name, function, every)


def jobs() -> list[Job]:
    return list(_jobs.values())


def run(job: Job) -> bool:
    try:
        job.function()
    except Exception:
        logger.exception("periodic job %s failed", job.name)
        return False
    return True

"""Soak test: gunicorn on loopback under a bounded mixed load; reports 5xx and memory growth.

    make soak                     # 5 minutes
    make soak SOAK_SECONDS=30     # a short run

What it does, all on 127.0.0.1 and against a database of its own (academy_soak, dropped
afterwards; the server is the one DATABASE_URL points at, PostgreSQL only):

1. creates the database, migrates, loads the demo data (`seed_demo --force`), collects static;
2. starts gunicorn with production settings (DEBUG off, manifest static files, persistent
   connections with health checks), one worker per CPU;
3. runs client threads for SOAK_SECONDS: anonymous visitors (home, catalog, program pages,
   verification pages, health check, login page) and the demo participant signed in through
   the allauth login form (dashboard, cohort page, lesson player, marking lessons complete,
   which is idempotent, certificates, profile);
4. prints requests, status codes, 5xx count, p50/p95/max latency and the RSS of the gunicorn
   workers after warm-up and at the end. Exit status 1 on any 5xx or transport error.

The module also holds the harness `scripts/pg_restart_under_load.py` uses.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
MANAGE = str(BASE_DIR / "manage.py")
HOST = "127.0.0.1"
DEMO_PARTICIPANT = ("participant@demo.academy", "academy-demo")
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
# /verify/ is rate limited per address (30/min, certificates.public_views): stay under it.
VERIFY_EVERY = 2.5


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- The site under test ---------------------------------------------------------------------


def server_url(database: str) -> str:
    """DATABASE_URL's server (or the local default) with another database name."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        base = DEFAULT_SERVER
    return urllib.parse.urlsplit(base)._replace(path=f"/{database}", query="").geturl()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


DISCOVER = """
import json
import django
django.setup()
from academy.models import User
from certificates.models import Certificate
from cohorts import selectors
from cohorts.models import Enrollment
from modules.models import Lesson, Program
participant = User.objects.get(email=%(email)r)
enrollment = Enrollment.objects.filter(
    user=participant, status__in=Enrollment.SEAT_HOLDING
).select_related("cohort").first()
lessons = []
if enrollment:
    for lesson in Lesson.objects.filter(
        module__program=enrollment.cohort.program,
        kind__in=[Lesson.Kind.READING, Lesson.Kind.VIDEO, Lesson.Kind.RESOURCE],
    ).order_by("module__position", "position"):
        if selectors.lesson_is_unlocked(enrollment=enrollment, lesson=lesson):
            lessons.append(lesson.pk)
print("TARGETS " + json.dumps({
    "programs": list(Program.objects.filter(status="published").values_list("slug", flat=True)),
    "codes": [c.display_code for c in Certificate.objects.all()[:20]],
    "cohort": enrollment.cohort.slug if enrollment else None,
    "lessons": lessons[:3],
}))
"""


@dataclass
class Site:
    """A dedicated database plus gunicorn on a free loopback port."""

    database: str
    workers: int = field(default_factory=lambda: os.cpu_count() or 2)
    port: int = field(default_factory=free_port)
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="academy-load-")))
    process: subprocess.Popen | None = None
    targets: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"academy_[a-z_]+", self.database):
            raise SystemExit(f"refusing to manage database {self.database!r}")
        self.url = server_url(self.database)
        self.base = f"http://{HOST}:{self.port}"
        self.log_path = self.workdir / "gunicorn.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "academy.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "SECURE_SSL_REDIRECT": "false",
            "SITE_URL": self.base,
            "DATABASE_URL": self.url,
            "MEDIA_ROOT": str(self.workdir / "media"),
            "EMAIL_URL": "consolemail://",
            "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "LOG_LEVEL": "WARNING",
        }
        self.env.pop("REDIS_URL", None)

    # database
    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def manage(self, *args: str, env: dict | None = None, quiet: bool = True) -> str:
        result = subprocess.run(  # noqa: S603
            [sys.executable, MANAGE, *args],
            cwd=BASE_DIR,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        if not quiet:
            print(result.stdout, end="")
        return result.stdout

    def prepare(self) -> None:
        log(f"creating database {self.database} on {server_url('')}")
        self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.database}"')
        # collectstatic (whitenoise compresses every file: slow) runs beside the database work,
        # and not at all when var/staticfiles is newer than every source file.
        static = None
        if not static_is_fresh():
            static = subprocess.Popen(  # noqa: S603
                [sys.executable, MANAGE, "collectstatic", "--noinput", "-v", "0"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        # Only these setup connections skip waiting for the disk; the site runs as configured.
        fast = {"PGOPTIONS": "-c synchronous_commit=off"}
        self.manage("migrate", "--noinput", "-v", "0", env=fast)
        self.manage("createcachetable", env=fast)
        log("loading the demo data (seed_demo --force)")
        self.manage("seed_demo", "--force", env=fast)
        if static and static.wait() != 0:
            raise SystemExit(f"collectstatic failed:\n{static.stderr.read().decode()}")
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-c", DISCOVER % {"email": DEMO_PARTICIPANT[0]}],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        self.targets = json.loads(out.split("TARGETS ", 1)[1])

    def drop(self) -> None:
        try:
            self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        except Exception as exc:  # the report matters more than the clean-up
            log(f"could not drop {self.database}: {exc}")

    # server
    def start(self) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn),
            "academy.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--forwarded-allow-ips",
            HOST,
            "--graceful-timeout",
            "5",
        ]
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200 and len(self.worker_pids()) == self.workers:
                        log(f"gunicorn on {self.base} with {self.workers} workers")
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer /healthz:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def cleanup(self) -> None:
        self.stop()
        self.drop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def worker_pids(self) -> list[int]:
        if not self.process:
            return []
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            return sorted(int(p) for p in children)
        except OSError:
            pids = []
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    if f"\nPPid:\t{pid}\n" in status.read_text():
                        pids.append(int(status.parent.name))
                except OSError:
                    continue
            return sorted(pids)

    def server_errors_logged(self) -> int:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return text.count("Internal Server Error:")


def static_is_fresh() -> bool:
    """var/staticfiles holds a manifest newer than every static source and the installed
    packages (`make install` touches .venv/.installed)."""
    manifest = BASE_DIR / "var" / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    sources = [BASE_DIR / ".venv" / ".installed", BASE_DIR / "academy" / "settings.py"]
    for folder in [BASE_DIR / "static", *BASE_DIR.glob("*/static")]:
        sources += [p for p in folder.rglob("*") if p.is_file()]
    return all(p.stat().st_mtime < built for p in sources if p.exists())


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# --- The clients -------------------------------------------------------------------------------


class AnyCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Send Secure cookies over loopback: the requests say they came through a TLS proxy."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Result:
    name: str
    started: float
    seconds: float
    status: int  # 0: no HTTP answer (connection refused or reset, timeout)
    error: str = ""


class Recorder:
    def __init__(self) -> None:
        self.results: list[Result] = []
        self.lock = threading.Lock()
        self._verify_at = 0.0

    def add(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)

    def verify_allowed(self) -> bool:
        with self.lock:
            now = time.monotonic()
            if now - self._verify_at < VERIFY_EVERY:
                return False
            self._verify_at = now
            return True


class Client:
    """One browser: its own cookies; every request says it came over HTTPS from the proxy."""

    def __init__(self, site: Site, recorder: Recorder) -> None:
        self.site, self.recorder = site, recorder
        self.jar = http.cookiejar.CookieJar(policy=AnyCookiePolicy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.https_origin = f"https://{HOST}:{site.port}"

    def request(
        self, name: str, path: str, data: dict | None = None, *, record: bool = True
    ) -> tuple[int, str]:
        headers = {"X-Forwarded-Proto": "https", "User-Agent": "academy-load/1"}
        body = None
        if data is not None:
            csrf = next((c.value for c in self.jar if c.name == "csrftoken"), "")
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, **data}).encode()
            headers |= {"Origin": self.https_origin, "Referer": self.https_origin + path}
        url = self.site.base + path  # always http://127.0.0.1:<port>
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
        started = time.monotonic()
        status, text, error = 0, "", ""
        try:
            with self.opener.open(request, timeout=15) as response:
                status, text = response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        if record:
            self.recorder.add(Result(name, started, time.monotonic() - started, status, error))
        return status, text

    def sign_in(self, email: str, password: str) -> None:
        self.request("login form", "/accounts/login/", record=False)
        status, text = self.request(
            "login", "/accounts/login/", {"login": email, "password": password}, record=False
        )
        if status not in (302, 303) or not any(c.name == "sessionid" for c in self.jar):
            raise SystemExit(f"signing in as {email} failed: HTTP {status}\n{text[:2000]}")


def anonymous_mix(targets: dict) -> list[tuple[str, str, int]]:
    mix = [("home", "/", 3), ("catalog", "/programs/", 3), ("healthz", "/healthz", 1)]
    mix += [("program", f"/programs/{slug}/", 3) for slug in targets["programs"]]
    mix += [("verify", f"/verify/{code}/", 1) for code in targets["codes"][:3]]
    mix += [("login page", "/accounts/login/", 1)]
    return mix


def participant_mix(targets: dict) -> list[tuple[str, str, int]]:
    mix = [("dashboard", "/", 3), ("my certificates", "/certificates/", 1)]
    mix += [("profile", "/profile/", 1)]
    if targets["cohort"]:
        cohort = f"/cohorts/{targets['cohort']}/"
        mix += [("cohort", cohort, 3), ("learn", f"{cohort}learn/", 2)]
        mix += [("lesson", f"{cohort}learn/{pk}/", 2) for pk in targets["lessons"]]
        mix += [
            ("complete (POST)", f"{cohort}learn/{pk}/complete/", 1) for pk in targets["lessons"]
        ]
    return mix


def warm_up(client: Client, mix: list[tuple[str, str, int]]) -> None:
    for name, path, _weight in mix:
        data = {} if "POST" in name else None
        client.request(name, path, data, record=False)


def run_clients(
    clients: list[tuple[Client, list[tuple[str, str, int]]]],
    *,
    seconds: float,
    think: float,
    stop: threading.Event,
    max_requests: int,
) -> None:
    """Each client picks weighted requests until time is up or the request cap is reached."""
    deadline = time.monotonic() + seconds
    per_client = max(1, max_requests // max(1, len(clients)))

    def loop(client: Client, mix: list[tuple[str, str, int]], seed: int) -> None:
        rng = random.Random(seed)
        weights = [w for _n, _p, w in mix]
        for _ in range(per_client):
            if stop.is_set() or time.monotonic() >= deadline:
                return
            name, path, _w = rng.choices(mix, weights)[0]
            if name == "verify" and not client.recorder.verify_allowed():
                continue
            client.request(name, path, {} if "POST" in name else None)
            if think:
                time.sleep(rng.uniform(0, think))

    threads = [
        threading.Thread(target=loop, args=(c, mix, n), daemon=True)
        for n, (c, mix) in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def make_clients(site: Site, recorder: Recorder, count: int) -> list[tuple[Client, list]]:
    """Half anonymous, half the demo participant (each its own session)."""
    clients = []
    for n in range(count):
        client = Client(site, recorder)
        if n % 2:
            client.sign_in(*DEMO_PARTICIPANT)
            mix = participant_mix(site.targets)
        else:
            mix = anonymous_mix(site.targets)
        warm_up(client, mix)
        clients.append((client, mix))
    return clients


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latency_row(results: list[Result]) -> str:
    answered = [r.seconds * 1000 for r in results if r.status]
    return (
        f"p50 {percentile(answered, 0.5):7.1f} ms   p95 {percentile(answered, 0.95):7.1f} ms   "
        f"max {max(answered, default=0):7.1f} ms"
    )


# --- The soak ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 300)))
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--think", type=float, default=0.02, help="max pause between requests")
    parser.add_argument("--max-requests", type=int, default=500_000, help="hard cap")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--database", default="academy_soak")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    site = Site(database=args.database, workers=args.workers)
    recorder = Recorder()
    try:
        site.prepare()
        site.start()
        clients = make_clients(site, recorder, args.clients)
        pids_start = site.worker_pids()
        rss_start = {pid: rss_kib(pid) for pid in pids_start}
        samples: list[int] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(5):
                samples.append(sum(rss_kib(pid) for pid in site.worker_pids()))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        log(
            f"load: {args.clients} clients ({args.clients // 2} signed in) for {args.seconds:.0f} s"
        )
        started = time.monotonic()
        run_clients(
            clients,
            seconds=args.seconds,
            think=args.think,
            stop=threading.Event(),
            max_requests=args.max_requests,
        )
        elapsed = time.monotonic() - started
        stop.set()
        pids_end = site.worker_pids()
        rss_end = {pid: rss_kib(pid) for pid in pids_end}
        logged_500s = site.server_errors_logged()
    finally:
        if args.keep:
            site.stop()
        else:
            site.cleanup()

    results = recorder.results
    statuses = Counter(r.status for r in results)
    server_errors = sum(n for s, n in statuses.items() if s >= 500)
    transport = statuses.get(0, 0)
    start_total, end_total = sum(rss_start.values()), sum(rss_end.values())
    growth = end_total - start_total

    print()
    print(f"Soak: {elapsed:.0f} s, {args.clients} clients, {site.workers} gunicorn workers")
    print("-" * 78)
    print(f"requests          {len(results):>8}   ({len(results) / max(elapsed, 1):.1f}/s)")
    print(
        "status codes      "
        + ", ".join(f"{s or 'no answer'}: {n}" for s, n in sorted(statuses.items()))
    )
    print(f"5xx               {server_errors:>8}   (server log: {logged_500s} tracebacks)")
    print(f"no answer         {transport:>8}")
    print(f"latency           {latency_row(results)}")
    by_name: dict[str, list[Result]] = {}
    for r in results:
        by_name.setdefault(r.name, []).append(r)
    for name, rows in sorted(by_name.items()):
        print(f"  {name:<16}{len(rows):>8}   {latency_row(rows)}")
    print(
        f"worker RSS        start {start_total / 1024:7.1f} MiB   end {end_total / 1024:7.1f} MiB   "
        f"growth {growth / 1024:+.1f} MiB ({growth / max(start_total, 1):+.1%})"
    )
    for pid in sorted(set(rss_start) | set(rss_end)):
        print(
            f"  worker {pid:<8} start {rss_start.get(pid, 0) / 1024:7.1f} MiB   "
            f"end {rss_end.get(pid, 0) / 1024:7.1f} MiB"
        )
    if samples:
        print(
            f"  sampled every 5 s: min {min(samples) / 1024:.1f} MiB, "
            f"max {max(samples) / 1024:.1f} MiB"
        )
    if pids_start != pids_end:
        print(f"  workers replaced during the run: {pids_start} -> {pids_end}")
    print("-" * 78)
    failed = server_errors or transport
    if failed:
        for r in [r for r in results if r.status >= 500 or not r.status][:10]:
            print(f"  {r.name}: {r.status or r.error}")
    print("FAIL" if failed else "OK: no 5xx")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fault test: restart PostgreSQL while gunicorn serves a loopback load (`make faults`).

Expected: only the requests in flight while the server is down fail; the workers recover by
themselves (persistent connections with CONN_HEALTH_CHECKS: a dead connection is noticed and
replaced at the next request, no gunicorn restart); nothing is half-written.

Steps, bounded in time (~2 minutes, most of it loading the demo data) and in requests:
1. a database of its own (academy_faults, dropped afterwards), migrated and seeded, and
   gunicorn with production settings on 127.0.0.1 (see scripts/soak.py, which holds the harness);
2. client threads (anonymous pages, /verify/, /healthz, and the signed-in demo participant
   reading and marking lessons complete) for BEFORE seconds;
3. `pg_ctlcluster --skip-systemctl-redirect <version> main restart`, then AFTER more seconds;
4. report failures before / while PostgreSQL is down / the first SETTLE seconds after it is
   back / after that, and assert: none done before, none after, the same gunicorn workers, the
   same row counts as before the load (the load's writes are idempotent), every certificate
   whole, `manage.py check` clean. Exit status 1 on any failed assertion.

It restarts the shared PostgreSQL server, so it is not part of `make test`: run it on a
machine where nothing else is using that server at the time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from soak import (
    BASE_DIR,
    HOST,
    Recorder,
    Result,
    Site,
    latency_row,
    log,
    make_clients,
    run_clients,
)

SNAPSHOT = """
import json
import django
django.setup()
from django.apps import apps
from django.db.models import Count, F, Q
from certificates.models import Certificate, CertificateEvent
counts = {  # sessions come and go with sign-ins; everything else must stay put
    m._meta.label: m._default_manager.count()
    for m in apps.get_models()
    if m._meta.managed and m._meta.label != "sessions.Session"
}
broken = list(
    Certificate.objects.annotate(
        n_revisions=Count("revisions", distinct=True),
        n_issued=Count("events", filter=Q(events__action__in=["issued", "override"]), distinct=True),
    )
    .filter(Q(n_revisions__lt=F("revision")) | Q(n_issued=0))
    .values_list("code", flat=True)
)
print("SNAPSHOT " + json.dumps({"counts": counts, "broken_certificates": broken}))
"""


def cluster() -> tuple[str, str]:
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir() if p.is_dir())
    if not versions:
        raise SystemExit("no cluster under /etc/postgresql: pg_ctlcluster is needed")
    return versions[-1], "main"


def pg_ready(host: str, port: str) -> bool:
    command = ["pg_isready", "-q", "-h", host, "-p", port]
    return subprocess.run(command, check=False, timeout=10).returncode == 0  # noqa: S603


def snapshot(site: Site) -> dict:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SNAPSHOT],
        cwd=BASE_DIR,
        env=site.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or "SNAPSHOT " not in result.stdout:
        raise SystemExit(f"snapshot failed:\n{result.stdout}{result.stderr}")
    return json.loads(result.stdout.split("SNAPSHOT ", 1)[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=float, default=6, help="seconds of load before")
    parser.add_argument("--after", type=float, default=20, help="seconds of load after PG is up")
    parser.add_argument("--settle", type=float, default=5, help="grace after PG is back")
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--database", default="academy_faults")
    args = parser.parse_args()

    began = time.monotonic()
    version, name = cluster()
    site = Site(database=args.database)
    server = urllib.parse.urlsplit(site.url)  # the server under test
    pg_host, pg_port = server.hostname or HOST, str(server.port or 5432)
    recorder = Recorder()
    checks: list[tuple[str, bool, str]] = []
    times: dict[str, float] = {}
    restart_output = ""
    try:
        site.prepare()
        site.start()
        clients = make_clients(site, recorder, args.clients)  # signs in, warms up, first POSTs
        before = snapshot(site)
        pids_before = site.worker_pids()
        stop = threading.Event()
        load = threading.Thread(
            target=run_clients,
            kwargs={
                "clients": clients,
                "seconds": 600,
                "think": 0.02,
                "stop": stop,
                "max_requests": 100_000,
            },
            daemon=True,
        )
        times["load"] = time.monotonic()
        log(
            f"load: {args.clients} clients; PostgreSQL {version}/{name} restarts in {args.before} s"
        )
        load.start()
        time.sleep(args.before)

        times["restart"] = time.monotonic()
        restart = subprocess.run(  # noqa: S603
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        restart_output = (restart.stdout + restart.stderr).strip()
        while not pg_ready(pg_host, pg_port):
            if time.monotonic() - times["restart"] > 60:
                raise SystemExit("PostgreSQL did not come back within 60 s")
            time.sleep(0.1)
        times["ready"] = time.monotonic()
        log(
            f"PostgreSQL restarted (exit {restart.returncode}) and ready after "
            f"{times['ready'] - times['restart']:.1f} s; load goes on for {args.after} s"
        )
        time.sleep(args.after)
        stop.set()
        load.join(timeout=30)
        times["end"] = time.monotonic()

        after = snapshot(site)
        pids_after = site.worker_pids()
        check = subprocess.run(  # noqa: S603
            [sys.executable, str(BASE_DIR / "manage.py"), "check"],
            cwd=BASE_DIR,
            env=site.env,
            capture_output=True,
            text=True,
            check=False,
        )
        logged_500s = site.server_errors_logged()
        server_log = site.log_path.read_text(errors="replace")
    finally:
        site.cleanup()

    # --- Report -----------------------------------------------------------------------------
    settled = times["ready"] + args.settle
    phases: dict[str, list[Result]] = {"before": [], "down": [], "settling": [], "after": []}
    for r in recorder.results:
        # A request still running when the restart began was in flight: it may fail.
        if r.started + r.seconds < times["restart"]:
            phases["before"].append(r)
        elif r.started < times["ready"]:
            phases["down"].append(r)
        elif r.started < settled:
            phases["settling"].append(r)
        else:
            phases["after"].append(r)

    def failed(rows: list[Result]) -> list[Result]:
        # 429 only if the /verify/ rate limit were hit: the clients stay under it.
        return [r for r in rows if not r.status or r.status >= 400]

    print()
    print(
        f"PostgreSQL {version}/{name} restarted under load: {len(recorder.results)} requests, "
        f"{args.clients} clients, {site.workers} gunicorn workers"
    )
    print("-" * 96)
    labels = {
        "before": "before the restart",
        "down": "in flight or sent while PG down",
        "settling": f"first {args.settle:.0f} s after PG is back",
        "after": "after that",
    }
    for phase, rows in phases.items():
        bad = failed(rows)
        kinds = Counter(r.status or "no answer" for r in bad)
        window = {
            "before": times["restart"] - times["load"],
            "down": times["ready"] - times["restart"],
            "settling": args.settle,
            "after": times["end"] - settled,
        }[phase]
        detail = ", ".join(f"{k}: {n}" for k, n in kinds.items()) or "-"
        print(
            f"{labels[phase]:<32} {window:5.1f} s {len(rows):>6} requests "
            f"{len(bad):>4} failed ({detail})"
        )
    print(f"latency after recovery           {latency_row(phases['after'])}")
    print(f"server log                       {logged_500s} tracebacks (500s)")
    print(f"pg_ctlcluster                    {restart_output or 'ok'}")

    checks.append(("no failures before the restart", not failed(phases["before"]), ""))
    checks.append(("some requests did hit the restart", bool(phases["down"]), ""))
    bad_after = failed(phases["after"])
    checks.append(
        (
            f"every request ≥{args.settle:.0f} s after PG is back succeeded",
            not bad_after,
            "; ".join(f"{r.name}: {r.status or r.error}" for r in bad_after[:5]),
        )
    )
    checks.append(("enough requests after recovery (≥ 50)", len(phases["after"]) >= 50, ""))
    checks.append(
        (
            "gunicorn workers recovered by themselves (same pids)",
            pids_before == pids_after and len(pids_after) == site.workers,
            f"{pids_before} -> {pids_after}",
        )
    )
    changed = {
        label: (before["counts"].get(label), n)
        for label, n in after["counts"].items()
        if before["counts"].get(label) != n
    }
    checks.append(("row counts unchanged (idempotent writes only)", not changed, str(changed)))
    checks.append(
        (
            "every certificate whole (revisions, issued event)",
            not after["broken_certificates"],
            str(after["broken_certificates"]),
        )
    )
    checks.append(("manage.py check", check.returncode == 0, check.stdout + check.stderr))
    print("-" * 96)
    for label, ok, detail in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {label}" + ("" if ok or not detail else f": {detail}"))
    total = time.monotonic() - began
    print(f"total {total:.0f} s")
    ok = all(ok for _label, ok, _detail in checks)
    if not ok:
        tail = "\n".join(server_log.splitlines()[-40:])
        print(f"--- gunicorn log (last lines)\n{tail}")
    print("OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    os.chdir(BASE_DIR)
    sys.exit(main())

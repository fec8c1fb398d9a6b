"""The portal under load (issue 9): gunicorn on PostgreSQL with the large county of the reports
benchmark (20,000 enterprises, 300,000 patents, 20,000 projects, 50,000 contracts) and 5,000
experts, driven at 10 and then 50 concurrent clients by a second process on loopback. Goals: p95
server time under 300 ms at 10 clients and under 1 s at 50, and no errors.

    .venv/bin/python bench/bench_load.py                   # seed if needed, run, print the figures
    .venv/bin/python bench/bench_load.py --duration 10 --clients 10

The data lives in its own PostgreSQL database, ``kejiju_bench_load`` (BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432), seeded once and reused. gunicorn runs the production
settings (bench/load_settings.py: DEBUG off, plain http as ``make prod-local``) with four sync
workers, as deploy/systemd/kejiju-gunicorn.service, and an access log that records each request's
server time (``%(D)s``, microseconds). The driver is a separate Python process with one thread
and one connection per client; it logs each role in through the login form once, then requests a
weighted mix of the busiest pages for a fixed duration per concurrency.

The floor: plain Django views (bench/floor_urls.py, served through Django's default middleware
only by bench/load_wsgi.py) that return the same rows as the patent, enterprise and project lists
for the same filters, driven in the same mix. The difference between a list and its floor is what
the portal's layers cost. Exit status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _django import (  # noqa: E402
    BENCH_VAR,
    ROOT,
    child_env,
    machine,
    postgres_url,
    run_child,
    setup_django,
    today,
)

PG_NAME = "kejiju_bench_load"
EXPERTS = 5_000
APPLICATIONS = 2_000
DRAWS = 60
WORKERS = 4  # deploy/systemd/kejiju-gunicorn.service, sized for 2 cores
DURATION = 30.0  # seconds per concurrency
CLIENTS = (10, 50)
GOALS_MS = {10: 300, 50: 1_000}  # p95 server time
STATE = BENCH_VAR / "load"
PASSWORD_LENGTH = 16
USERS = {  # role -> username
    "staff": "bench-staff",
    "enterprise": "bench-enterprise",
    "expert": "bench-expert",
    "leader": "bench-leader",
    "admin": "bench-admin",
    "auditor": "bench-auditor",
}


# --- the seed (a child process with Django on the bench database) ---------------------------


def seed() -> dict:
    """The large county plus what makes each role's pages show something: users, applications,
    specialties, draws, indicator snapshots. Idempotent; returns the driver's plan."""
    import bench_indicators
    from django.db import connection

    from kejiju.models import User

    bench_indicators.generate(experts=EXPERTS)
    if not User.objects.filter(username=USERS["staff"]).exists():
        _relations()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    from kejiju.accounts.second_factor import issue_backup_codes, role_requires

    passwords, codes = {}, {}
    for role, username in USERS.items():
        user = User.objects.get(username=username)
        passwords[role] = _random_password()
        user.set_password(passwords[role])
        user.save(update_fields=["password", "password_changed_at"])
        if role_requires(user):  # the second factor: one backup code for the one login
            codes[role] = issue_backup_codes(user)[0]
    return _plan(passwords, codes)


def _random_password() -> str:
    import secrets

    return secrets.token_urlsafe(PASSWORD_LENGTH)


def _relations() -> None:
    from django.db import transaction

    from enterprises.models import Application, Enterprise
    from experts import services
    from experts.models import DrawPolicy, Expert, ExpertSpecialty, Specialty
    from kejiju.models import User
    from projects.models import Project
    from reports.services import compute_indicators

    rng = random.Random(9)
    # one transaction: a failed seed leaves no half of it behind for the next run to skip over
    with transaction.atomic():
        home = Enterprise.objects.order_by("pk").first()
        users = {}
        for role, username in USERS.items():
            user = User(username=username, role=role, first_name=f"基准{role}")
            if role == "staff":
                user.section = "office"
            if role == "enterprise":
                user.enterprise = home
            if role == "expert":
                user.expert = Expert.objects.order_by("pk").first()
            if role == "admin":
                user.is_superuser = True
            user.set_unusable_password()
            user.save()
            users[role] = user

        root = Specialty.objects.create(name="基准学科")
        leaves = [
            Specialty.objects.create(name=name, parent=root)
            for name in ("机械制造", "电子信息", "新材料", "生物医药")
        ]
        reserved = Specialty.objects.create(name="基准专用", parent=root)
        experts = list(Expert.objects.order_by("pk"))
        ExpertSpecialty.objects.bulk_create(
            ExpertSpecialty(expert=expert, specialty=leaves[i % len(leaves)])
            for i, expert in enumerate(experts[7:])
        )
        # seven experts (the bench expert first) of their own specialty: every draw of it
        # places the bench expert
        ExpertSpecialty.objects.bulk_create(
            ExpertSpecialty(expert=expert, specialty=reserved) for expert in experts[:7]
        )
        DrawPolicy.objects.update(max_draws_per_year=0, same_applicant_years=0)
        if not DrawPolicy.objects.exists():
            DrawPolicy.objects.create(
                effective_from=date(2000, 1, 1), max_draws_per_year=0, same_applicant_years=0
            )

        kinds = ["hnte", "tech_sme", "rd_institution"]
        statuses = ["submitted", "submitted", "approved", "rejected", "returned", "draft"]
        ids = list(Enterprise.objects.values_list("pk", flat=True))
        Application.objects.bulk_create(
            Application(
                enterprise_id=rng.choice(ids),
                kind=rng.choice(kinds),
                year=rng.choice([2023, 2024, 2025]),
                status=rng.choice(statuses),
                created_by=users["enterprise"],
            )
            for _ in range(APPLICATIONS)
        )
        # the enterprise user's enterprise: its own patents come from the seed; projects too
        Project.objects.filter(pk__in=Project.objects.order_by("pk")[:3].values("pk")).update(
            enterprise=home, undertaker=home.name
        )
        for kind, status in [("hnte", "submitted"), ("tech_sme", "returned"), ("hnte", "draft")]:
            Application.objects.create(
                enterprise=home, kind=kind, year=2025, status=status, created_by=users["enterprise"]
            )

        applicants = list(Enterprise.objects.order_by("?")[: DRAWS + 5])
        for i in range(DRAWS + 5):
            specialty = reserved if i < 5 else leaves[i % len(leaves)]
            services.draw_experts(
                purpose="enterprise_review",
                subject=f"基准评审事项{i:03d}",
                step="专家评审",
                criteria=services.Criteria(specialties=[specialty.pk], main=5, backups=2),
                requested_by=users["staff"],
                supervisor="基准监督人",
                applicants=[applicants[i]],
            )
        for year in (2023, 2024):
            compute_indicators(year)


def _plan(passwords: dict[str, str], codes: dict[str, str]) -> dict:
    """What the driver needs to build its requests: logins and samples of existing rows."""
    from enterprises.models import Enterprise
    from experts.models import Draw, Expert, Specialty
    from kejiju.models import PlanCategory, Town
    from patents.models import Patent
    from projects.models import Project
    from seismic.models import SeismicActivity

    def sample(model, size=500) -> list[int]:
        return list(model.objects.order_by("?").values_list("pk", flat=True)[:size])

    return {
        "logins": {role: [USERS[role], passwords[role], codes.get(role)] for role in USERS},
        "enterprises": sample(Enterprise),
        "patents": sample(Patent),
        "patent_numbers": list(
            Patent.objects.order_by("?").values_list("application_number", flat=True)[:200]
        ),
        "projects": sample(Project),
        "activities": sample(SeismicActivity),
        "draws": sample(Draw),
        "towns": list(Town.objects.values_list("pk", flat=True)),
        "categories": list(PlanCategory.objects.values_list("pk", flat=True)),
        "specialties": list(
            Specialty.objects.filter(parent__isnull=False).values_list("pk", flat=True)
        ),
        "counts": {
            "enterprises": Enterprise.objects.count(),
            "patents": Patent.objects.count(),
            "projects": Project.objects.count(),
            "experts": Expert.objects.count(),
            "draws": Draw.objects.count(),
        },
    }


# --- the pages: group, role, weight, path builder -------------------------------------------


def _query(path: str, params: dict) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def _page(rng: random.Random, params: dict) -> dict:
    # further pages of the long lists; a search finds a page or two at most
    if "q" not in params and rng.random() < 0.25:
        params["page"] = rng.randint(2, 5)
    return params


def patent_params(rng: random.Random, plan: dict) -> dict:
    choice = rng.randrange(4)
    if choice == 0:
        params = {
            "kind": rng.choice(["invention", "utility", "design"]),
            "filed_year": rng.randint(2014, 2024),
        }
    elif choice == 1:
        params = {"q": rng.choice(plan["patent_numbers"])[:9]}
    elif choice == 2:
        params = {"town": rng.choice(plan["towns"])}
    else:
        params = {}
    return _page(rng, params)


def enterprise_params(rng: random.Random, plan: dict) -> dict:
    choice = rng.randrange(4)
    if choice == 0:
        params = {"q": f"企业{rng.randrange(2_000):04d}"}
    elif choice == 1:
        params = {"town": rng.choice(plan["towns"])}
    elif choice == 2:
        params = {"qualification": rng.choice(["hnte", "tech_sme", "top100"])}
    else:
        params = {}
    return _page(rng, params)


def project_params(rng: random.Random, plan: dict) -> dict:
    choice = rng.randrange(4)
    if choice == 0:
        params = {"year": rng.randint(2014, 2024)}
    elif choice == 1:
        params = {"status": rng.choice(["approved", "applied"])}
    elif choice == 2:
        params = {"category": rng.choice(plan["categories"])}
    else:
        params = {}
    return _page(rng, params)


def _expert_list(rng, plan) -> str:
    params = rng.choice(
        [
            {},
            {"q": f"专家{rng.randrange(500):03d}"},
            {"title": "senior"},
            {"specialty": rng.choice(plan["specialties"])},
        ]
    )
    return _query("/experts/", params)


def _activity_list(rng, plan) -> str:
    params = rng.choice(
        [
            {},
            {"kind": rng.choice(["publicity", "drill", "training"])},
            {"year": rng.randint(2014, 2024)},
            {"q": f"活动{rng.randrange(300):03d}"},
        ]
    )
    return _query("/seismic/activities/", params)


def _fixed(path: str):
    return lambda rng, plan: path


def _detail(prefix: str, key: str):
    return lambda rng, plan: f"{prefix}{rng.choice(plan[key])}/"


def _listed(path: str, params):
    return lambda rng, plan: _query(path, params(rng, plan))


PAGES = [
    ("home (staff)", "staff", 8, _fixed("/staff/")),
    ("home (enterprise)", "enterprise", 5, _fixed("/enterprise/")),
    ("home (expert)", "expert", 2, _fixed("/experts/my/")),
    ("home (admin)", "admin", 1, _fixed("/admin/")),
    ("home (auditor)", "auditor", 1, _fixed("/audit/")),
    ("dashboard (leader)", "leader", 4, _fixed("/reports/")),
    ("list: patents", "staff", 8, _listed("/patents/", patent_params)),
    ("floor: patents", "staff", 8, _listed("/floor/patents/", patent_params)),
    ("list: enterprises", "staff", 6, _listed("/enterprises/", enterprise_params)),
    ("floor: enterprises", "staff", 6, _listed("/floor/enterprises/", enterprise_params)),
    ("list: projects", "staff", 4, _listed("/projects/", project_params)),
    ("floor: projects", "staff", 4, _listed("/floor/projects/", project_params)),
    ("list: experts", "staff", 2, _expert_list),
    ("list: seismic activities", "staff", 2, _activity_list),
    ("detail: enterprise", "staff", 4, _detail("/enterprises/", "enterprises")),
    ("detail: patent", "staff", 4, _detail("/patents/", "patents")),
    ("detail: project", "staff", 3, _detail("/projects/", "projects")),
    ("detail: seismic activity", "staff", 1, _detail("/seismic/activities/", "activities")),
    ("detail: expert draw", "staff", 1, _detail("/experts/draws/", "draws")),
]
GROUPS = [group for group, *_ in PAGES]


# --- the driver (a second process, standard library only) -----------------------------------


class Client:
    """One keep-alive connection; gunicorn's sync workers close it after each response and
    http.client opens it again on the next request."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, headers: dict, body: str | None = None):
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
            if response.will_close:
                self.connection.close()
            return response.status, response.getheader("Location", ""), response.headers, data
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            return 0, str(exc), None, b""


def _cookies(headers) -> dict[str, str]:
    found = {}
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def log_in(port: int, username: str, password: str, code: str | None = None) -> str:
    """Logs in through the login form (CSRF token and all), then types ``code`` at the second
    factor's page when the role needs one; returns the Cookie header."""
    client = Client(port)
    status, _, headers, body = client.request("GET", "/accounts/login/", {})
    if status != 200:
        raise SystemExit(f"login page answered {status}")
    cookies = _cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    status, location, headers, _ = client.request(
        "POST",
        "/accounts/login/",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        },
        form,
    )
    cookies.update(_cookies(headers))
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"logging {username} in failed: {status} {location}")
    if "/accounts/two-factor/" in location:
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        status, _, headers, body = client.request("GET", location, {"Cookie": cookie})
        cookies.update(_cookies(headers))
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urlencode({"token": code or "", "csrfmiddlewaretoken": token})
        status, location, headers, _ = client.request(
            "POST",
            location,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            },
            form,
        )
        cookies.update(_cookies(headers))
        if status != 302 or "/accounts/two-factor/" in location:
            raise SystemExit(f"the second factor of {username} failed: {status} {location}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _ok(status: int, location: str) -> bool:
    # 3xx counts as served, except the portal sending the client back to the login page
    return 200 <= status < 300 or (300 <= status < 400 and "/accounts/login/" not in location)


def drive(port: int, plan: dict, clients: int, duration: float, phase: str) -> dict:
    weights = [weight for _, _, weight, _ in PAGES]
    results: dict[str, dict] = {group: {"times": [], "errors": 0, "codes": {}} for group in GROUPS}
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def worker(number: int) -> None:
        rng = random.Random(f"{phase}-{number}")
        client = Client(port)
        mine = defaultdict(list)
        failed = defaultdict(list)
        while time.monotonic() < deadline:
            group, role, _, build = rng.choices(PAGES, weights)[0]
            try:
                path = build(rng, plan)
            except (IndexError, KeyError) as exc:  # the plan lacks rows for this page
                failed[group].append(f"no request built: {exc!r}")
                continue
            headers = {
                "Cookie": plan["cookies"][role],
                "X-Bench-Group": group,
                "X-Bench-Phase": phase,
            }
            started = time.perf_counter()
            status, location, _, _ = client.request("GET", path, headers)
            elapsed = time.perf_counter() - started
            if _ok(status, location):
                mine[group].append(elapsed)
            else:
                failed[group].append(f"{status} {path} {location}"[:200])
        with lock:
            for group, times in mine.items():
                results[group]["times"].extend(times)
            for group, errors in failed.items():
                results[group]["errors"] += len(errors)
                for error in errors:
                    results[group]["codes"][error] = results[group]["codes"].get(error, 0) + 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def driver(port: int, plan_file: Path, clients: list[int], duration: float, out: Path) -> None:
    plan = json.loads(plan_file.read_text())
    plan["cookies"] = {
        role: log_in(port, username, password, code)
        for role, (username, password, code) in plan["logins"].items()
    }
    # one pass over every page: warms each worker's caches and checks that each page answers
    warm = drive(port, plan, clients=WORKERS, duration=max(10.0, duration / 2), phase="warm-up")
    runs = {"warm-up": warm}
    for count in clients:
        runs[f"c{count}"] = drive(port, plan, clients=count, duration=duration, phase=f"c{count}")
    out.write_text(json.dumps(runs))


# --- the run: gunicorn, the driver, the access log -----------------------------------------

ACCESS_FORMAT = '%(D)s %(s)s "%({x-bench-phase}i)s" "%({x-bench-group}i)s" "%(r)s"'
ACCESS_LINE = re.compile(r'^(\d+) (\d+) "([^"]*)" "([^"]*)" "(.*)"$')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str) -> dict[str, str]:
    env = child_env(database_url)
    secret = STATE / "secret_key"
    if not secret.exists():
        import secrets

        secret.write_text(secrets.token_urlsafe(50))
        secret.chmod(0o600)
    env.update(
        DJANGO_SETTINGS_MODULE="load_settings",
        PYTHONPATH=os.pathsep.join([str(HERE), str(ROOT)]),
        DJANGO_SECRET_KEY=secret.read_text().strip(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="0",
        DJANGO_SECURE_COOKIES="0",
        KEJIJU_VAR_DIR=str(STATE / "var"),
        MEDIA_ROOT=str(STATE / "var" / "media"),
        DJANGO_LOG_LEVEL="WARNING",
    )
    env.pop("DJANGO_DEBUG", None)
    return env


def start_gunicorn(env: dict[str, str], port: int, access_log: Path) -> subprocess.Popen:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "load_wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--timeout",
            "120",
            "--no-control-socket",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            ACCESS_FORMAT,
            "--error-logfile",
            str(STATE / "gunicorn.log"),
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited early; see {STATE / 'gunicorn.log'}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise SystemExit("gunicorn did not answer on /healthz")


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def server_times(access_log: Path) -> dict[tuple[str, str], list[float]]:
    times = defaultdict(list)
    for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = ACCESS_LINE.match(line)
        if match:
            micros, _, phase, group, _ = match.groups()
            times[(phase, group)].append(int(micros) / 1_000_000)
    return times


class LoadAverage(threading.Thread):
    """Samples /proc/loadavg (1-minute figure) every second while the driver runs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(1.0):
            try:
                self.samples.append(float(Path("/proc/loadavg").read_text().split()[0]))
            except (OSError, ValueError):
                return


def _ms(values: list[float], q: float) -> str:
    if not values:
        return "—"
    if q == 0.5:
        return f"{statistics.median(values) * 1000:.0f}"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.0f}"


def report(runs: dict, server: dict, phases: list[str]) -> tuple[str, int, dict]:
    """The table in Markdown, the number of failed requests, and the verdict per concurrency."""
    lines = []
    failures = 0
    verdicts = {}
    for phase in phases:
        clients = int(phase[1:])
        lines += [
            "",
            f"{clients} concurrent clients:",
            "",
            "| page group | requests | errors | client median / p95 (ms) "
            "| server median / p95 (ms) |",
            "|---|---|---|---|---|",
        ]
        portal_server, portal_client, floor_server = [], [], []
        for group in GROUPS:
            result = runs[phase][group]
            failures += result["errors"]
            times = server.get((phase, group), [])
            if group.startswith("floor"):
                floor_server += times
            else:
                portal_server += times
                portal_client += result["times"]
            label = f"↳ {group}" if group.startswith("floor") else group
            lines.append(
                f"| {label} | {len(result['times']) + result['errors']} | {result['errors']} "
                f"| {_ms(result['times'], 0.5)} / {_ms(result['times'], 0.95)} "
                f"| {_ms(times, 0.5)} / {_ms(times, 0.95)} |"
            )
        p95 = sorted(portal_server)[int(0.95 * len(portal_server))] if portal_server else 0
        goal = GOALS_MS.get(clients)
        verdicts[phase] = (p95 * 1000, goal)
        lines.append(
            f"| **all portal pages** | {len(portal_client)} | | "
            f"{_ms(portal_client, 0.5)} / {_ms(portal_client, 0.95)} "
            f"| {_ms(portal_server, 0.5)} / **{_ms(portal_server, 0.95)}** |"
        )
        lines.append(
            f"| ↳ all floor views | {len(floor_server)} | | | "
            f"{_ms(floor_server, 0.5)} / {_ms(floor_server, 0.95)} |"
        )
    return "\n".join(lines), failures, verdicts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=DURATION, help="seconds per concurrency")
    parser.add_argument(
        "--clients", default=",".join(map(str, CLIENTS)), help="concurrencies, e.g. 10,50"
    )
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]

    url = postgres_url(PG_NAME)
    if url is None:
        print("PostgreSQL not reachable: the load benchmark needs it, skipped")
        return 0
    STATE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    plan = json.loads(run_child(Path(__file__), url, "seed").strip().splitlines()[-1])
    print(f"seed ready in {time.perf_counter() - started:.0f} s: {plan['counts']}", flush=True)
    plan_file, out_file = STATE / "plan.json", STATE / "driver.json"
    plan_file.write_text(json.dumps(plan))
    plan_file.chmod(0o600)
    access_log = STATE / "access.log"
    access_log.unlink(missing_ok=True)

    port = _free_port()
    server = start_gunicorn(server_env(url), port, access_log)
    load = LoadAverage()
    load.start()
    try:
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--drive",
                str(port),
                str(plan_file),
                ",".join(map(str, clients)),
                str(args.duration),
                str(out_file),
            ],
            cwd=ROOT,
            check=True,
        )
    finally:
        load.done.set()
        stop(server)
    runs = json.loads(out_file.read_text())
    table, failures, verdicts = report(runs, server_times(access_log), [f"c{c}" for c in clients])
    samples = load.samples or [0.0]
    print(table)
    print()
    for phase, (p95, goal) in verdicts.items():
        state = "met" if goal is None or p95 < goal else f"MISSED by {p95 - goal:.0f} ms"
        print(
            f"{phase[1:]} clients: p95 server time of the portal pages {p95:.0f} ms "
            f"(goal {goal} ms: {state})"
        )
    warm_errors = sum(r["errors"] for r in runs["warm-up"].values())
    for phase, groups in runs.items():
        for group, result in groups.items():
            for error, count in result["codes"].items():
                print(f"  error in {phase}, {group}: {count} × {error}")
    print(
        f"load average during the run (1 min): min {min(samples):.1f}, "
        f"mean {statistics.mean(samples):.1f}, max {max(samples):.1f}; "
        f"gunicorn {WORKERS} sync workers, {args.duration:.0f} s per concurrency"
    )
    print(f"machine: {machine()}; date: {today()} {time.strftime('%H:%M %Z')}")
    if failures or warm_errors:
        print(f"FAILED: {failures + warm_errors} requests failed")
        return 1
    return 0


def child() -> None:
    setup_django()
    print(json.dumps(seed()))


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    elif "--drive" in sys.argv:
        port, plan_file, clients, duration, out = sys.argv[sys.argv.index("--drive") + 1 :]
        driver(
            int(port),
            Path(plan_file),
            [int(c) for c in clients.split(",")],
            float(duration),
            Path(out),
        )
    else:
        sys.exit(main())

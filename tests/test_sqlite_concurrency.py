"""Concurrent requests on the embedded SQLite database.

SQLite lets one connection write at a time. Two settings (kejiju/settings.py) keep concurrent
requests from answering "database is locked" with a 500: a busy timeout, so that a connection
waits for the write lock instead of failing at once, and transactions that take the write lock
when they begin (``transaction_mode: IMMEDIATE``). Without the latter, a transaction that reads
before it writes (recording a drill: find the plan's version in force, then insert) holds a read
snapshot that another connection's commit makes stale, and SQLite fails its first write at once,
whatever the timeout.

Twenty clients, each in its own thread with its own connection, log in (a session, the last-login
time and an audit event written), record drills and activities, and read the lists, all at once,
against the test database copied to a real file: pytest-django keeps SQLite's test database in
memory, where the locking of a file on disk never happens.
"""

import sqlite3
import threading
from contextlib import closing
from datetime import date

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from kejiju.choices import Role, Section

CLIENTS = 20
ROUNDS = 3


@pytest.fixture
def file_database(transactional_db, audit_log_flushable, tmp_path, monkeypatch):
    """Every connection opened from now on (in a new thread) uses a copy of the test database in
    a file; the test's own thread keeps the in-memory one, which closing would destroy."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL has row locks, not one write lock per database")

    def copy() -> str:
        path = tmp_path / "kejiju.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        on_file = {**connections.settings["default"], "NAME": str(path)}
        monkeypatch.setattr(connections, "settings", {**connections.settings, "default": on_file})
        return str(path)

    return copy


# serialized_rollback: an earlier transactional test may have flushed the reference data
# (the towns) that this one reads; it is restored first.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_clients_writing_and_reading_at_once_get_no_errors(file_database, town):
    from kejiju.models import User
    from seismic.models import EmergencyPlan, PlanVersion

    for n in range(CLIENTS):
        user = User(username=f"seismic-{n}", role=Role.STAFF, section=Section.SEISMIC)
        user.set_password(PASSWORD)
        user.save()
    plan = EmergencyPlan.objects.create(name="瑞安市地震应急预案")
    PlanVersion.objects.create(
        plan=plan, version="2023版", approved_on=date(2023, 3, 1), issuing_office="市政府办公室"
    )
    path = file_database()
    assert connections.settings["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"

    start = threading.Barrier(CLIENTS)
    answers: list[tuple[str, int]] = []
    failures: list[BaseException] = []

    def visits(client: Client, n: int, round_: int):
        """One round of a client: (step, response), each request made when asked for."""
        yield (
            "login",
            client.post(reverse("login"), {"username": f"seismic-{n}", "password": PASSWORD}),
        )
        yield (
            "drill",
            client.post(
                reverse("seismic:drill_add", args=[plan.pk]),
                {"name": f"演练{n}-{round_}", "held_on": "2024-05-20", "participants": "100"},
            ),
        )
        yield (
            "activity",
            client.post(
                reverse("seismic:activity_add"),
                {
                    "name": f"宣传{n}-{round_}",
                    "kind": "publicity",
                    "held_on": "2024-05-12",
                    "town": town.pk,
                    "participants": "300",
                    "materials": "50",
                },
            ),
        )
        yield "list", client.get(reverse("seismic:activity_list"))
        yield "logout", client.post(reverse("logout"))

    def client_session(n: int) -> None:
        client = Client()
        try:
            start.wait()
            for round_ in range(ROUNDS):
                for step, response in visits(client, n, round_):
                    answers.append((step, response.status_code))
        except BaseException as exc:  # an OperationalError raised in a view reaches the client
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client_session, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)  # a client stuck past that shows as answers missing

    assert not failures, failures[:3]
    expected = {"login": 302, "drill": 302, "activity": 302, "list": 200, "logout": 302}
    wrong = [(step, status) for step, status in answers if status != expected[step]]
    assert not wrong, wrong[:10]
    assert len(answers) == CLIENTS * ROUNDS * len(expected)
    with closing(sqlite3.connect(path)) as database:
        drills = database.execute("SELECT COUNT(*) FROM seismic_drill").fetchone()[0]
        mode = database.execute("PRAGMA journal_mode").fetchone()[0]
    assert drills == CLIENTS * ROUNDS
    assert mode == "wal"

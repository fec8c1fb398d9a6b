from datetime import timedelta

import pytest
from django.utils import timezone

from reports import services
from reports.choices import RenderState
from reports.models import SummaryRender


@pytest.fixture
def leader(users):
    from kejiju.choices import Role

    return users[Role.LEADER]


def test_failed_render_records_the_reason_and_can_be_retried(sample_registry, leader, monkeypatch):
    from reports import render

    def broken(*args, **kwargs):
        raise OSError("字体文件缺失")

    monkeypatch.setattr(render, "render", broken)
    job, created = services.request_render(year=2023, user=leader)
    assert created and job.state == RenderState.QUEUED
    services.run_render(job.pk)
    job.refresh_from_db()
    assert job.state == RenderState.FAILED
    assert "字体文件缺失" in job.error and job.finished_at and job.can_retry
    monkeypatch.undo()
    monkeypatch.setattr(render, "render", lambda year, fmt, progress: b"%PDF-1.7 test")
    retried, created = services.retry_render(job, user=leader)
    assert created and retried.pk != job.pk
    services.run_render(retried.pk)
    retried.refresh_from_db()
    assert retried.state == RenderState.SUCCEEDED and retried.progress == 100
    assert retried.file.read() == b"%PDF-1.7 test"


def test_a_second_request_joins_the_running_job(sample_registry, leader):
    job, created = services.request_render(year=2023, user=leader)
    assert services.claim(job.pk) is not None
    again, created_again = services.request_render(year=2023, user=leader)
    assert (again.pk, created_again) == (job.pk, False)
    # a running job with a live heartbeat is not taken by a redelivered message either
    assert services.claim(job.pk) is None
    assert SummaryRender.objects.count() == 1
    other_format, created = services.request_render(year=2023, format="docx", user=leader)
    assert created and other_format.pk != job.pk


def test_a_job_whose_worker_died_is_rerunnable_not_stuck(sample_registry, leader):
    job, _ = services.request_render(year=2023, user=leader)
    services.claim(job.pk)
    SummaryRender.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=10)
    )
    job.refresh_from_db()
    assert job.is_stale() and job.can_retry
    # a redelivered task message takes the stale job over
    assert services.claim(job.pk).attempts == 2
    SummaryRender.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=10)
    )
    # a new request marks it failed and starts afresh instead of joining a dead job
    fresh, created = services.request_render(year=2023, user=leader)
    assert created and fresh.pk != job.pk
    job.refresh_from_db()
    assert job.state == RenderState.FAILED and "中断" in job.error


def test_a_job_running_too_long_is_stale_even_with_heartbeat(sample_registry, leader):
    job, _ = services.request_render(year=2023, user=leader)
    services.claim(job.pk)
    SummaryRender.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - timedelta(hours=1), heartbeat_at=timezone.now()
    )
    job.refresh_from_db()
    assert job.is_stale()


def test_finished_job_is_not_rendered_twice(sample_registry, leader, monkeypatch):
    from reports import render

    calls = []
    monkeypatch.setattr(render, "render", lambda *a, **k: calls.append(a) or b"%PDF")
    job, _ = services.request_render(year=2023, user=leader)
    services.run_render(job.pk)
    assert services.run_render(job.pk) is None
    assert len(calls) == 1


def test_a_job_never_picked_up_becomes_rerunnable(sample_registry, leader):
    job, _ = services.request_render(year=2023, user=leader)
    assert not job.is_stale() and not job.can_retry
    SummaryRender.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1))
    job.refresh_from_db()
    assert job.is_stale() and job.can_retry
    fresh, created = services.retry_render(job, user=leader)
    assert created and fresh.pk != job.pk
    job.refresh_from_db()
    assert job.state == RenderState.FAILED

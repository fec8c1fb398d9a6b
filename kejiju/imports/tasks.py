from celery import shared_task


@shared_task(name="kejiju.run_import_job", acks_late=True)
def run_import_job(job_id: int) -> str:
    """Thin wrapper: the job's state and outcome live on the ImportJob row."""
    from .services import run_job

    return run_job(job_id).state

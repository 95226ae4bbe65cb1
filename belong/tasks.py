import smtplib

from celery import shared_task
from django.core.cache import cache

from . import mail
from .clock import database_now

BEAT_KEY = "beat:last-tick"


@shared_task(
    name=mail.DELIVER_BATCH_TASK,
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=10,
)
def deliver_outbox_batch(batch: str) -> int:
    return mail.deliver(batch=batch)


@shared_task
def sweep_outbox() -> int:
    return mail.sweep()


@shared_task
def beat_heartbeat() -> None:
    # The database's time, not this worker's: /healthz on another machine judges its age (belong.clock).
    cache.set(BEAT_KEY, database_now().timestamp(), timeout=None)

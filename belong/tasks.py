import smtplib
import time

from celery import shared_task
from django.core.cache import cache

from . import mail

BEAT_KEY = "beat:last-tick"


@shared_task(
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
    cache.set(BEAT_KEY, time.time(), timeout=None)

from celery import shared_task

from . import services


@shared_task
def purge_expired_comments() -> int:
    return services.purge_expired_comments()

from celery import shared_task

from . import services


@shared_task
def purge_expired_comments() -> int:
    return services.purge_expired_comments()


@shared_task
def blur_submission_order() -> int:
    return services.blur_submission_order()

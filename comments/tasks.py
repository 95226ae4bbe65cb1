from celery import shared_task

from . import services


@shared_task
def purge_expired_comments() -> int:
    return services.comment_purge_expired()


@shared_task
def blur_submission_order() -> int:
    return services.comment_blur_order()

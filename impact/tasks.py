from celery import shared_task

from . import services


@shared_task
def send_feedback_requests() -> int:
    return services.feedback_requests_send()


@shared_task
def blur_feedback_order() -> int:
    return services.feedback_blur_order()

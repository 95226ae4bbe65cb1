from celery import shared_task

from . import services


@shared_task
def send_due_reminders() -> int:
    return services.reminder_send_due()

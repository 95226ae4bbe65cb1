"""A person's job role in words, in the reader's language, as rosters and exports show it."""

from django.utils import translation

from accounts.models import JobRole, User


def test_it_names_the_job_role_in_the_active_language():
    counselor = User(job_role=JobRole.COUNSELOR)
    assert counselor.get_job_role_display() == "Counselor"
    with translation.override("es"):
        assert counselor.get_job_role_display() == str(JobRole.COUNSELOR.label)
        assert counselor.get_job_role_display() != "Counselor"


def test_it_shows_a_blank_or_retired_role_as_stored():
    assert User(job_role="").get_job_role_display() == ""
    assert User(job_role="bus_monitor").get_job_role_display() == "bus_monitor"

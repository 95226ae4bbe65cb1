"""A group's space end to end in a real browser: a lead announces with an attachment and the members get
the e-mail; a member starts a discussion, another replies (added without a reload), a third reports it and
the lead hides it; a removed member's attachment link answers 404; the weekly digest reaches the member who
chose it and not the one who chose "never"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import reapply_data_migrations
from tests.factories import PASSWORD, UserFactory

from .conftest import axe_violations, sign_in, wait_for_mail

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _district(settings, tmp_path):
    reapply_data_migrations()
    settings.STORAGES = {
        **settings.STORAGES,
        "spaces_files": {
            "BACKEND": "belong.private_files.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


def test_it_runs_a_groups_space_from_announcement_to_digest(page, visit, smtp_mailer):
    from groups import services as group_services
    from groups.models import Membership
    from spaces import digest
    from spaces.models import Announcement, Delivery, Kind, NotificationPreference, Thread
    from tests.groups.factories import GroupFactory, LeadFactory, MembershipFactory

    harbor = GroupFactory(name="Open Harbor Circle", slug="open-harbor")
    lead = LeadFactory(group=harbor, user=UserFactory(full_name="Lena Lead")).user
    milo, sara, theo, rita = (
        MembershipFactory(group=harbor, user=UserFactory(full_name=name)).user
        for name in ("Milo Member", "Sara Second", "Theo Third", "Rita Removed")
    )
    NotificationPreference.objects.create(user=sara, kind=Kind.ANNOUNCEMENT, delivery=Delivery.DIGEST)
    NotificationPreference.objects.create(user=theo, kind=Kind.ANNOUNCEMENT, delivery=Delivery.NEVER)

    # The lead announces with a PDF; Milo (at once) gets the e-mail.
    sign_in(page, lead.email, PASSWORD)
    page.goto("/groups/open-harbor/")
    page.get_by_role("link", name="Group space: announcements, discussions, resources").click()
    page.get_by_role("link", name="New announcement").first.click()
    page.get_by_label("Title").fill("October circle")
    page.get_by_label("Message").fill("Bring a **book** you love.")
    page.get_by_label("Attachment (optional)").set_input_files(
        files=[{"name": "agenda.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Post and send").click()
    expect(page.get_by_role("status")).to_contain_text("Your announcement is posted")
    assert axe_violations(page) == []
    wait_for_mail(smtp_mailer, milo.email, "October circle")
    announcement = Announcement.objects.get()
    file_url = f"/spaces/open-harbor/announcements/{announcement.pk}/file/"

    # Rita can download it while a member; Milo starts a discussion; Sara replies without a reload.
    rita_tab = visit()
    sign_in(rita_tab, rita.email, PASSWORD)
    assert rita_tab.request.get(file_url).status == 200
    milo_tab = visit()
    sign_in(milo_tab, milo.email, PASSWORD)
    milo_tab.goto("/spaces/open-harbor/discussions/new/")
    expect(milo_tab.get_by_role("link", name="Code of conduct")).to_be_visible()
    milo_tab.get_by_label("Title").fill("What are you reading?")
    milo_tab.get_by_label("Message").fill("Share one title.")
    milo_tab.get_by_role("button", name="Start the discussion").click()
    thread = Thread.objects.get()
    sara_tab = visit()
    sign_in(sara_tab, sara.email, PASSWORD)
    sara_tab.goto(f"/spaces/open-harbor/discussions/{thread.pk}/")
    url_before = sara_tab.url
    sara_tab.get_by_label("Message").fill("Something unkind about Milo")
    sara_tab.get_by_role("button", name="Post the reply").click()
    expect(sara_tab.locator("#posts")).to_contain_text("Something unkind about Milo")
    assert sara_tab.url == url_before  # no reload
    assert axe_violations(sara_tab) == []

    # Theo reports it; the lead hides it with a reason; members see it hidden.
    theo_tab = visit()
    sign_in(theo_tab, theo.email, PASSWORD)
    theo_tab.goto(f"/spaces/open-harbor/discussions/{thread.pk}/")
    theo_tab.get_by_role("link", name="Report to the leads").last.click()
    theo_tab.get_by_label("What is wrong with this post?").fill("Unkind about a colleague")
    theo_tab.get_by_role("button", name="Send the report").click()
    expect(theo_tab.get_by_role("status")).to_contain_text("The group's leads will look at this post.")
    page.goto("/spaces/me/notifications/")
    page.get_by_role("link", name="What are you reading?").click()
    page.get_by_role("link", name="Hide").last.click()
    page.get_by_label("Reason").fill("Breaks the charter")
    page.get_by_role("button", name="Hide").click()
    theo_tab.reload()
    expect(theo_tab.locator("#posts")).not_to_contain_text("Something unkind")
    expect(theo_tab.locator("#posts")).to_contain_text("Hidden by the group's leads.")

    # Rita is removed: her attachment link answers 404 (or 403) at once.
    group_services.member_remove(group=harbor, membership=Membership.objects.get(user=rita, group=harbor), by=lead)
    assert rita_tab.request.get(file_url).status in (403, 404)

    # Monday: Sara (digest) gets the week's digest; Theo (never) does not.
    now = timezone.now()
    digest.send_range(first_id=0, last_id=10**9, since=now - timedelta(days=7), until=now, week="journey")
    message = wait_for_mail(smtp_mailer, sara.email, "Your week in Belong")
    assert "October circle" in message.get_body(preferencelist=("plain",)).get_content()
    assert not [m for m in smtp_mailer.messages if theo.email in m["To"] and "week in Belong" in m["Subject"]]

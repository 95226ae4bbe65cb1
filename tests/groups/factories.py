"""Factories for groups' tests."""

import factory
from django.utils import timezone

from groups.models import Group, GroupColour, GroupProposal, Membership
from tests.factories import UserFactory


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Riverside Circle {n}")
    slug = factory.Sequence(lambda n: f"riverside-circle-{n}")
    summary = "Staff gathering for conversation and community."
    # Each group its own colour from the palette, as a district's cards would look.
    colour = factory.Sequence(lambda n: GroupColour.values[n % len(GroupColour.values)])
    description = "A place to share experiences, read together and act."


class ConfidentialGroupFactory(GroupFactory):
    is_confidential = True
    neutral_email_subjects = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    status = Membership.Status.ACTIVE
    joined_at = factory.LazyFunction(timezone.now)


class LeadFactory(MembershipFactory):
    role = Membership.Role.LEAD
    visible_to_members = True


class PendingFactory(MembershipFactory):
    status = Membership.Status.PENDING
    joined_at = None


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupProposal

    proposer = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Proposed Circle {n}")
    purpose = "Staff who share an experience meeting monthly to support each other."
    audience = "Anyone who identifies with it; all staff welcome."
    would_lead = True

import factory
from django.utils import timezone

from comments import receipts
from comments.models import Comment, Tag, Topic


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Proposed educational equity policy {n}")
    description = "Tell us what the policy should say."


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Tag {n}")


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    topic = factory.SubFactory(TopicFactory)
    body = factory.Sequence(lambda n: f"Comment number {n} about the policy.")
    language = "en"
    submitted_on = factory.LazyFunction(timezone.localdate)
    status_changed_on = factory.LazyFunction(timezone.localdate)
    receipt_hash = factory.LazyFunction(lambda: receipts.hash_code(receipts.new_code()))

    class Params:
        disclosed = factory.Trait(
            identity_disclosed=True,
            disclosed_name="Jordan Whitaker",
            disclosed_email="jordan.whitaker@example.org",
            disclosed_relationship="parent",
        )

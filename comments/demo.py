"""Demo topics (shaped like West Hartford's equity policy outreach) and ~50 fictional comments.

Idempotent: topics by name, comments by their receipt hash. Demo receipt codes are predictable
(2026-0000-0000-0001, ...) so a tester can try the receipt page; real codes come from `secrets`.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from belong.demo import add_translations

from . import receipts
from .demo_es import SPANISH
from .models import Comment, Relationship, Tag, Topic

TOPICS = [
    (
        "Proposed educational equity policy",
        "The Board of Education proposes an educational equity policy. Tell us what it should say and how "
        "it would affect your family, your classroom or your school.",
    ),
    (
        "Fair and optimized resource allocation and distribution",
        "How staff, money and programs are shared among schools.",
    ),
    (
        "Culturally responsive and high-quality curricula and pedagogy",
        "What students read, learn and see of themselves in class.",
    ),
    (
        "Diverse educator recruitment, support and retention",
        "Hiring, supporting and keeping educators who reflect our students.",
    ),
    (
        "Positive school culture, climate and identity-affirming learning environments",
        "How welcome and safe students and families feel at school.",
    ),
    (
        "Professional learning for continuous improvement",
        "Culturally responsive, anti-bias and equitable skills for educators and leaders.",
    ),
]

TAGS = ["Transportation", "Language access", "Special education", "Curriculum", "Hiring", "Family engagement"]
# Tags that stand for a part of the equity plan (matched by the workstream's title in equity_plan.demo).
TAG_WORKSTREAMS = {
    "Transportation": "Resource Allocation",
    "Curriculum": "Curricula and Pedagogy",
    "Hiring": "Educator Recruitment",
}

BODIES = [
    ("en", "Please make sure the policy says how progress will be measured and reported to families each year."),
    ("en", "Our school has had three counselors leave in two years. Retaining staff should be part of the policy."),
    ("es", "Me gustaría que las reuniones para familias tuvieran interpretación al español."),
    ("pt", "Os materiais enviados para casa deveriam estar disponíveis em português também."),
    ("vi", "Xin hãy cung cấp thông tin về chương trình học bằng tiếng Việt cho phụ huynh."),
    ("ht", "Tanpri fè reyinyon paran yo nan lè ki pi fasil pou moun k ap travay."),
    ("zh-hans", "希望学校能提供更多关于特殊教育服务的中文资料。"),
    ("ar", "نرجو أن تشمل السياسة دعماً أكبر للطلاب الذين يتعلمون اللغة الإنجليزية."),
    ("en", "The late bus from the high school does not reach our neighborhood, so my child cannot join clubs."),
    ("en", "I would like the reading lists to include more authors from the communities our students come from."),
    ("en", "As a student, I want to see teachers who look like me and who understand where I come from."),
    ("en", "Thank you for asking. Please publish the results of this comment period."),
]

STATUSES = [
    Comment.Status.NEW,
    Comment.Status.NEW,
    Comment.Status.IN_REVIEW,
    Comment.Status.ANSWERED,
    Comment.Status.CLOSED,
]

REPLY = (
    "Thank you for raising this. The draft policy now asks each school to report its progress to families "
    "every spring, and the first report will be posted on the equity plan pages."
)

DISCLOSED = [
    ("Jordan Whitaker", "jordan.whitaker@example.org", Relationship.PARENT),
    ("", "riley.fernsby@example.net", Relationship.COMMUNITY),
    ("Sam Okonjo", "", Relationship.STUDENT),
]

COMMENT_COUNT = 50


def demo_code(index: int) -> str:
    return f"2026{index:012d}"


def _link_tags_to_workstreams(tags: list[Tag]) -> None:
    from equity_plan.models import Workstream

    for tag in tags:
        title = TAG_WORKSTREAMS.get(tag.name)
        if title and tag.workstream_id is None:
            tag.workstream = Workstream.objects.filter(title__icontains=title).order_by("id").first()
            if tag.workstream:
                tag.save(update_fields=["workstream"])


def load(stdout, people) -> None:
    topics = []
    for position, (name, description) in enumerate(TOPICS):
        topic, _ = Topic.objects.get_or_create(name=name, defaults={"description": description, "position": position})
        topics.append(topic)
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
    _link_tags_to_workstreams(tags)

    today = timezone.localdate()
    created = 0
    for index in range(1, COMMENT_COUNT + 1):
        language, body = BODIES[index % len(BODIES)]
        status = STATUSES[index % len(STATUSES)]
        # The first comment is the one with a reply, so its code (2026-0000-0000-0001) shows one.
        if index == 1:
            language, body, status = BODIES[0][0], BODIES[0][1], Comment.Status.ANSWERED
        submitted_on = today - timedelta(days=(COMMENT_COUNT - index) * 3)
        name, email, relationship = DISCLOSED[index % len(DISCLOSED)] if index % 6 == 0 else ("", "", "")
        answered = status in (Comment.Status.ANSWERED, Comment.Status.CLOSED)
        comment, was_created = Comment.objects.get_or_create(
            receipt_hash=receipts.hash_code(demo_code(index)),
            defaults={
                "topic": topics[index % len(topics)] if index > 1 else topics[0],
                "body": body,
                "language": language,
                "submitted_on": submitted_on,
                "status": status,
                "status_changed_on": min(today, submitted_on + timedelta(days=2)),
                "closed_on": min(today, submitted_on + timedelta(days=2)) if status == Comment.Status.CLOSED else None,
                "identity_disclosed": bool(name or email),
                "disclosed_name": name,
                "disclosed_email": email,
                "disclosed_relationship": relationship if (name or email) else "",
                "reply": REPLY if answered else "",
                "replied_on": min(today, submitted_on + timedelta(days=2)) if answered else None,
            },
        )
        if was_created:
            created += 1
            comment.tags.set([tags[index % len(tags)]] if index % 3 else [])
    add_translations(Topic.objects.all(), ["name", "description"], SPANISH)
    stdout.write(
        f"  comments: {Topic.objects.count()} topics, {Comment.objects.count()} comments ({created} new); "
        f"try receipt code {receipts.display(demo_code(1))}"
    )

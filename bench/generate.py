"""A synthetic district for the bench: staff, schools, groups, memberships, meetings, comments and a plan.

    .venv/bin/python bench/generate.py --database-url postgres://postgres@127.0.0.1:5432/belong_bench
    .venv/bin/python bench/generate.py --database-url ... --scale 0.01     # a quick, 1 % district

At scale 1: 150,000 staff, 60 schools, 300 groups, 1,000,000 memberships (skewed: a few groups with
20,000+ members, one of them confidential), 50,000 meetings, 200,000 comments and a plan with 2,000
action items. Rows go in with PostgreSQL COPY (psycopg 3 `cursor.copy()`), so the full district loads in
a few minutes. The database is migrated first; a part whose app has no tables yet is skipped and said so.

The generator is deterministic for a given --seed and knows a few fixed names the bench uses
(see `FIXTURE`): the large group, the confidential group, the 20,000-row roster, the 10,000-member
notice group, the join/leave group, their leads and a superuser.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Full-scale sizes; every one is multiplied by --scale (with small floors so a tiny run still has shape).
SIZES = {
    "staff": 150_000,
    "schools": 60,
    "groups": 300,
    "memberships": 1_000_000,
    "meetings": 50_000,
    "comments": 200_000,
    "action_items": 2_000,
    "funding_expenses": 20_000,
}

BENCH_PASSWORD = "bench-password-2026"  # noqa: S105 - synthetic accounts on a throwaway database


@dataclass(frozen=True)
class SpecialGroup:
    slug: str
    name: str
    members: int  # at scale 1
    confidential: bool = False


# The groups the bench measures, with their full-scale sizes.
SPECIAL_GROUPS = [
    SpecialGroup("bench-large", "Bench Large Group", 40_000),
    SpecialGroup("bench-confidential", "Bench Confidential Group", 25_000, confidential=True),
    SpecialGroup("bench-roster", "Bench Roster Group", 20_000),
    SpecialGroup("bench-notice", "Bench Notice Group", 10_000),
    SpecialGroup("bench-join", "Bench Join Group", 500),
]

FIXTURE = {
    "superuser": "bench-admin@district.example",
    "viewer": "bench-viewer@district.example",  # a teacher in no group: directory and group pages
    "lead_of": {g.slug: f"lead-{g.slug}@district.example" for g in SPECIAL_GROUPS},
    "plan_slug": "bench-equity-plan",
}

FIRST = [
    "Alex",
    "Ana",
    "Bo",
    "Chen",
    "Dana",
    "Eli",
    "Fatima",
    "Grace",
    "Hugo",
    "Ines",
    "Jamal",
    "Kai",
    "Lena",
    "Malik",
    "Nora",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Vera",
    "Wei",
    "Xavier",
    "Yara",
    "Zane",
    "Amara",
    "Bilal",
    "Carmen",
    "Deshawn",
    "Emeka",
    "Farah",
    "Gabriel",
    "Hana",
    "Ivan",
    "Jia",
    "Kofi",
    "Luis",
    "Maya",
]
LAST = [
    "Abbott",
    "Baker",
    "Castillo",
    "Diaz",
    "Edwards",
    "Fischer",
    "Garcia",
    "Huang",
    "Ibrahim",
    "Johnson",
    "Kim",
    "Lopez",
    "Martinez",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quintero",
    "Rossi",
    "Smith",
    "Tanaka",
    "Usman",
    "Vasquez",
    "Williams",
    "Xu",
    "Yamamoto",
    "Zimmerman",
    "Adeyemi",
    "Brooks",
    "Cohen",
    "Dubois",
]
WORDS = [
    "equity",
    "belong",
    "staff",
    "community",
    "students",
    "families",
    "learning",
    "school",
    "district",
    "plan",
    "support",
    "meeting",
    "teachers",
    "voice",
    "welcome",
    "inclusion",
    "access",
    "growth",
    "listen",
    "share",
    "practice",
    "culture",
    "trust",
    "reading",
    "data",
    "goal",
    "progress",
    "together",
    "respect",
    "safety",
    "mentor",
    "network",
    "wellness",
    "language",
    "policy",
    "review",
    "action",
]

# Job roles with rough district proportions; about 4 % are administrators.
ROLE_WEIGHTS = [
    ("teacher", 46),
    ("paraeducator", 12),
    ("counselor", 2),
    ("social_worker", 1),
    ("nurse", 1),
    ("librarian", 1),
    ("specialist", 4),
    ("coach", 2),
    ("office", 6),
    ("facilities", 6),
    ("food_service", 5),
    ("transportation", 4),
    ("technology", 1),
    ("central_office", 3),
    ("substitute", 2),
    ("principal", 2),
    ("assistant_principal", 1.5),
    ("district_administrator", 0.4),
    ("superintendent", 0.1),
]
LANGUAGE_WEIGHTS = [("en", 80), ("es", 12), ("zh-hans", 2), ("vi", 2), ("ar", 1), ("pt", 2), ("ht", 1)]


def scaled(n: int, scale: float, floor: int = 1) -> int:
    return max(floor, round(n * scale))


# --- Django set-up -------------------------------------------------------------------------------------


def setup_django(database_url: str | None) -> None:
    """Point Django at the bench database (before settings load) and start it."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production-" + "x" * 20)
    import django

    django.setup()


# --- COPY ----------------------------------------------------------------------------------------------


class Loader:
    """COPY rows of a Django model: fields the caller leaves out get their model default."""

    def __init__(self, connection, out: Callable[[str], None]):
        self.connection = connection
        self.out = out
        self.tables = set(connection.introspection.table_names())

    def has(self, model) -> bool:
        return model._meta.db_table in self.tables

    def next_id(self, model) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX("{model._meta.pk.column}"), 0) FROM "{model._meta.db_table}"')
            return cursor.fetchone()[0] + 1

    def copy(self, model, rows: Iterable[dict], *, given: list[str]) -> int:
        """COPY `rows` (dicts keyed by field attname) into the model's table; returns the row count."""
        from django.db.models import JSONField
        from django.utils import timezone
        from psycopg.types.json import Jsonb

        now = timezone.now()
        columns: list[tuple[str, str, Callable[[dict], object]]] = []
        for field in model._meta.local_concrete_fields:
            name = field.attname
            if name in given:
                getter = (
                    (lambda row, n=name: Jsonb(row[n]))
                    if isinstance(field, JSONField)
                    else (lambda row, n=name: row[n])
                )
            elif field.primary_key and field.get_internal_type() in ("AutoField", "BigAutoField"):
                continue  # the database's sequence numbers it
            elif _has_db_default(field):
                continue  # e.g. the comment sequence number: the database fills it
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                getter = lambda row: now  # noqa: E731
            elif field.has_default():
                if callable(field.default):

                    def getter(row, f=field):
                        return _json(f, f.get_default(), Jsonb)  # a fresh value per row (tokens, UUIDs)
                else:
                    value = _json(field, field.get_default(), Jsonb)
                    getter = lambda row, v=value: v  # noqa: E731
            elif field.null:
                getter = lambda row: None  # noqa: E731
            elif field.blank and field.get_internal_type() in (
                "CharField",
                "TextField",
                "SlugField",
                "EmailField",
                "URLField",
            ):
                getter = lambda row: ""  # noqa: E731
            else:
                raise ValueError(f"{model.__name__}.{name} needs a value: add it to the generator.")
            columns.append((field.column, name, getter))
        column_sql = ", ".join(f'"{column}"' for column, _, _ in columns)
        getters = [getter for _, _, getter in columns]
        count = 0
        with self.connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f'COPY "{model._meta.db_table}" ({column_sql}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([get(row) for get in getters])
                    count += 1
        return count

    def reset_sequences(self, *models) -> None:
        from django.core.management.color import no_style

        statements = self.connection.ops.sequence_reset_sql(no_style(), list(models))
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _has_db_default(field) -> bool:
    from django.db.models.fields import NOT_PROVIDED

    return getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED


def _json(field, value, jsonb):
    from django.db.models import JSONField

    return jsonb(value) if isinstance(field, JSONField) else value


# --- Text ----------------------------------------------------------------------------------------------


class Text:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.sentences = [self._sentence() for _ in range(4000)]

    def _sentence(self) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randint(6, 16))
        return " ".join(words).capitalize() + "."

    def paragraph(self, low: int = 2, high: int = 6) -> str:
        return " ".join(self.rng.choices(self.sentences, k=self.rng.randint(low, high)))

    def title(self, low: int = 3, high: int = 7) -> str:
        return " ".join(self.rng.choices(WORDS, k=self.rng.randint(low, high))).capitalize()


def weighted(rng: random.Random, pairs, k: int) -> list:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=k)


# --- Parts ---------------------------------------------------------------------------------------------


@dataclass
class District:
    school_ids: list[int]
    user_ids: list[int]  # ordinary staff, in id order
    roles: dict[int, str]
    group_ids: dict[str, int]  # slug -> id (every group)
    special_members: dict[str, list[int]]
    leads: dict[int, list[int]]  # group id -> lead user ids
    now: datetime


def load(
    *, scale: float = 1.0, seed: int = 2026, out: Callable[[str], None] = print, analyze: bool = True
) -> dict[str, int]:
    """Fill the (migrated, empty) database Django points at; returns row counts per part."""
    from django.db import connection, transaction

    rng = random.Random(seed)
    text = Text(rng)
    loader = Loader(connection, out)
    counts: dict[str, int] = {}

    def step(name: str, fn: Callable[[], dict[str, int] | None]) -> None:
        started = time.monotonic()
        with transaction.atomic():
            result = fn() or {}
        counts.update(result)
        summary = ", ".join(f"{n:,} {k}" for k, n in result.items()) or "skipped"
        out(f"  {name:<12} {summary} ({time.monotonic() - started:.1f}s)")

    district_holder: dict[str, District] = {}

    step("staff", lambda: _staff(loader, rng, scale, district_holder))
    district = district_holder["district"]
    step("groups", lambda: _groups(loader, rng, text, scale, district))
    step("memberships", lambda: _memberships(loader, rng, scale, district))
    step("meetings", lambda: _meetings(loader, rng, text, scale, district))
    step("comments", lambda: _comments(loader, rng, text, scale))
    step("plan", lambda: _plan(loader, rng, text, scale, district))
    step("funding", lambda: load_funding(loader, rng, text, scale))
    if analyze:
        # Fresh statistics (or the planner guesses at the million-row tables) and the visibility map that
        # index-only scans need: what autovacuum gives a production database that has been up a while.
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        out(f"  {'vacuum':<12} ({time.monotonic() - started:.1f}s)")
    return counts


def _staff(loader: Loader, rng: random.Random, scale: float, holder: dict) -> dict[str, int]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import School, User

    now = timezone.now()
    n_schools = scaled(SIZES["schools"], scale, floor=3)
    first_school = loader.next_id(School)
    school_ids = list(range(first_school, first_school + n_schools))
    loader.copy(
        School,
        (
            {"id": sid, "name": f"Bench School {sid}", "code": f"bench-{sid}", "address": f"{sid} Main Street"}
            for sid in school_ids
        ),
        given=["id", "name", "code", "address"],
    )
    loader.reset_sequences(School)

    password = make_password(BENCH_PASSWORD)
    n_staff = scaled(SIZES["staff"], scale, floor=200)
    first_user = loader.next_id(User)
    special_emails = [FIXTURE["superuser"], FIXTURE["viewer"], *FIXTURE["lead_of"].values()]
    roles_drawn = weighted(rng, ROLE_WEIGHTS, n_staff)
    languages = weighted(rng, LANGUAGE_WEIGHTS, n_staff)
    roles: dict[int, str] = {}
    user_ids: list[int] = []

    def rows() -> Iterator[dict]:
        for offset, email in enumerate(special_emails):
            uid = first_user + offset
            is_admin = email == FIXTURE["superuser"]
            roles[uid] = "central_office" if is_admin else "teacher"
            yield {
                "id": uid,
                "password": password,
                "email": email,
                "full_name": ("Bench Admin" if is_admin else f"Bench {email.split('@')[0].title()}"),
                "job_role": roles[uid],
                "school_id": school_ids[0],
                "hire_date": date(2015, 8, 1),
                "preferred_language": "en",
                "is_staff": is_admin,
                "is_superuser": is_admin,
                "date_joined": now,
                "welcomed_at": now,
                "calendar_token": secrets.token_urlsafe(24),
            }
        base = first_user + len(special_emails)
        for i in range(n_staff):
            uid = base + i
            roles[uid] = roles_drawn[i]
            user_ids.append(uid)
            yield {
                "id": uid,
                "password": password,
                "email": f"staff{uid}@district.example",
                "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "job_role": roles_drawn[i],
                "school_id": school_ids[i % n_schools],
                "hire_date": date(2026, 8, 1) - timedelta(days=i % 9000),
                "preferred_language": languages[i],
                "is_staff": False,
                "is_superuser": False,
                "date_joined": now,
                "welcomed_at": now,
                "calendar_token": secrets.token_urlsafe(24),
            }

    count = loader.copy(
        User,
        rows(),
        given=[
            "id",
            "password",
            "email",
            "full_name",
            "job_role",
            "school_id",
            "hire_date",
            "preferred_language",
            "is_staff",
            "is_superuser",
            "date_joined",
            "welcomed_at",
            "calendar_token",
        ],
    )
    loader.reset_sequences(User)
    holder["district"] = District(
        school_ids=school_ids,
        user_ids=user_ids,
        roles=roles,
        group_ids={},
        special_members={},
        leads={},
        now=now,
    )
    return {"schools": n_schools, "staff": count}


def _groups(loader: Loader, rng: random.Random, text: Text, scale: float, district: District) -> dict[str, int]:
    from groups.models import Group

    n_groups = max(scaled(SIZES["groups"], scale, floor=len(SPECIAL_GROUPS) + 5), len(SPECIAL_GROUPS) + 5)
    first = loader.next_id(Group)
    specs = []
    for i in range(n_groups):
        gid = first + i
        if i < len(SPECIAL_GROUPS):
            special = SPECIAL_GROUPS[i]
            slug, name, confidential = special.slug, special.name, special.confidential
            status, policy, roles = "active", "open", []
        else:
            slug, name = f"bench-group-{gid}", f"{text.title(2, 4)} group {gid}"
            confidential = rng.random() < 0.05
            status = rng.choices(["active", "forming", "archived"], weights=[85, 10, 5])[0]
            policy = rng.choices(["open", "approval", "invitation"], weights=[75, 20, 5])[0]
            roles = rng.sample(["teacher", "paraeducator", "counselor", "office"], k=2) if rng.random() < 0.1 else []
        district.group_ids[slug] = gid
        specs.append(
            {
                "id": gid,
                "name": name,
                "slug": slug,
                "summary": text.title(6, 12),
                "description": text.paragraph(3, 8),
                "mission": text.paragraph(1, 3),
                "goals": [text.title(4, 8) for _ in range(3)],
                "audience": text.paragraph(1, 2),
                "focus": rng.choice(["community", "study", "action"]),
                "status": status,
                "charter": "",
                "contact_email": f"group{gid}@district.example",
                "join_policy": policy,
                "excludes_administrators": i >= len(SPECIAL_GROUPS) and rng.random() < 0.3,
                "eligible_roles": roles,
                "is_confidential": confidential,
                "neutral_email_subjects": confidential,
                "public_schedule": rng.random() < 0.4,
            }
        )
    count = loader.copy(Group, specs, given=list(specs[0].keys()))
    loader.reset_sequences(Group)
    return {"groups": count}


def _group_sizes(rng: random.Random, scale: float, district: District) -> dict[int, int]:
    """Members per group: the special groups at their fixed sizes, the rest Zipf-like from the remainder."""
    n_users = len(district.user_ids)
    sizes: dict[int, int] = {}
    for special in SPECIAL_GROUPS:
        sizes[district.group_ids[special.slug]] = min(n_users, scaled(special.members, scale, floor=20))
    others = [
        gid
        for slug, gid in district.group_ids.items()
        if not slug.startswith("bench-") or slug.startswith("bench-group-")
    ]
    remainder = max(0, scaled(SIZES["memberships"], scale) - sum(sizes.values()))
    weights = [1 / (rank + 20) for rank in range(len(others))]
    rng.shuffle(others)
    total = sum(weights)
    cap = max(1, min(n_users, int(n_users * 0.12)))
    for gid, weight in zip(others, weights, strict=True):
        sizes[gid] = max(3, min(cap, round(remainder * weight / total)))
    return sizes


def _memberships(loader: Loader, rng: random.Random, scale: float, district: District) -> dict[str, int]:
    from groups.models import Membership

    sizes = _group_sizes(rng, scale, district)
    by_slug = {gid: slug for slug, gid in district.group_ids.items()}
    special_slugs = {g.slug for g in SPECIAL_GROUPS}
    lead_ids = _lead_ids(district)
    now = district.now
    member_pool = district.user_ids

    def rows() -> Iterator[dict]:
        for gid, size in sizes.items():
            slug = by_slug[gid]
            members = rng.sample(member_pool, size)
            leads: list[int] = []
            if slug in special_slugs:
                # The named lead is the special group's first lead; they are in no other group.
                members[0] = lead_ids[slug]
            n_leads = 1 + (size > 50) + (size > 5000)
            for position, uid in enumerate(members):
                is_lead = position < n_leads
                if is_lead:
                    leads.append(uid)
                # A few requests wait for a lead, except in the notice group: exactly its size are members.
                status = "active" if is_lead or slug == "bench-notice" or rng.random() > 0.02 else "pending"
                yield {
                    "group_id": gid,
                    "user_id": uid,
                    "role": "lead" if is_lead else "member",
                    "status": status,
                    "visible_to_members": is_lead or rng.random() < 0.3,
                    "request_message": "",
                    "joined_at": now - timedelta(days=position % 700) if status == "active" else None,
                }
            district.leads[gid] = leads
            if slug in special_slugs:
                district.special_members[slug] = members

    # The member-count trigger would update a group's row once per copied membership; counting once
    # afterwards gives the same numbers in a fraction of the time.
    trigger = _count_trigger(loader)
    with loader.connection.cursor() as cursor:
        if trigger:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f'ALTER TABLE "{Membership._meta.db_table}" DISABLE TRIGGER {trigger}')
        count = loader.copy(
            Membership,
            rows(),
            given=["group_id", "user_id", "role", "status", "visible_to_members", "request_message", "joined_at"],
        )
        if trigger:
            cursor.execute(f'ALTER TABLE "{Membership._meta.db_table}" ENABLE TRIGGER {trigger}')
            from groups.services import group_recount_members

            group_recount_members()
    return {"memberships": count}


def _count_trigger(loader: Loader) -> str | None:
    """The member-count trigger's name, when this version of the schema has it."""
    with loader.connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = 'groups_membership_count'")
        row = cursor.fetchone()
    return row[0] if row else None


def _lead_ids(district: District) -> dict[str, int]:
    """The fixed lead accounts are the first users after the superuser and the viewer."""
    first = min(district.roles)
    return {slug: first + 2 + i for i, slug in enumerate(FIXTURE["lead_of"])}


def _meetings(loader: Loader, rng: random.Random, text: Text, scale: float, district: District) -> dict[str, int]:
    try:
        from meetings.models import RSVP, Meeting, Occurrence
    except ImportError:
        return {}
    if not (loader.has(Meeting) and loader.has(Occurrence)):
        print("  (meetings: no tables yet — the meetings app has no migration; skipped)")
        return {}
    n_meetings = scaled(SIZES["meetings"], scale, floor=20)
    groups_with_leads = [gid for gid, leads in district.leads.items() if leads]
    first_meeting = loader.next_id(Meeting)
    first_occurrence = loader.next_id(Occurrence)
    today = district.now.replace(hour=0, minute=0, second=0, microsecond=0)
    meetings = []
    occurrences = []
    next_occurrence = first_occurrence
    for i in range(n_meetings):
        mid = first_meeting + i
        district_event = rng.random() < 0.03
        gid = None if district_event else rng.choice(groups_with_leads)
        start = today + timedelta(days=rng.randint(-365, 365), hours=rng.choice([15, 16, 17, 18]))
        end = start + timedelta(minutes=rng.choice([45, 60, 90]))
        repeats = 0 if rng.random() > 0.1 else 3
        meetings.append(
            {
                "id": mid,
                "group_id": gid,
                "title": text.title(3, 6),
                "agenda": text.paragraph(1, 3),
                "school_id": rng.choice(district.school_ids),
                "address": "",
                "online_url": "",
                "capacity": rng.choice([None, None, 30, 60]),
                "audience": "all_staff" if district_event else rng.choice(["members", "members", "all_staff"]),
                "starts_at": start,
                "ends_at": end,
                "recurrence": "FREQ=MONTHLY;COUNT=4" if repeats else "",
                "status": "scheduled",
                "uid": uuid.uuid4(),
                "created_by_id": district.leads[gid][0] if gid else None,
            }
        )
        for n in range(1 + repeats):
            occurrences.append(
                {
                    "id": next_occurrence,
                    "meeting_id": mid,
                    "starts_at": start + timedelta(days=28 * n),
                    "ends_at": end + timedelta(days=28 * n),
                    "school_id": meetings[-1]["school_id"],
                    "address": "",
                    "online_url": "",
                    "note": "",
                    "edited": False,
                    "status": "scheduled",
                    "sequence": 0,
                    "uid": uuid.uuid4(),
                }
            )
            next_occurrence += 1
    count = loader.copy(Meeting, meetings, given=list(meetings[0].keys()))
    occurrence_count = loader.copy(Occurrence, occurrences, given=list(occurrences[0].keys()))
    loader.reset_sequences(Meeting, Occurrence)
    rsvp_count = 0
    if loader.has(RSVP):
        pool = district.user_ids

        def rsvps() -> Iterator[dict]:
            for occurrence in occurrences[::2]:
                for uid in rng.sample(pool, min(3, len(pool))):
                    yield {
                        "occurrence_id": occurrence["id"],
                        "user_id": uid,
                        "response": rng.choice(["going", "maybe", "not_going"]),
                    }

        rsvp_count = loader.copy(RSVP, rsvps(), given=["occurrence_id", "user_id", "response"])
    return {"meetings": count, "occurrences": occurrence_count, "rsvps": rsvp_count}


def _comments(loader: Loader, rng: random.Random, text: Text, scale: float) -> dict[str, int]:
    try:
        from comments.models import Comment, Topic
    except ImportError:
        return {}
    if not (loader.has(Comment) and loader.has(Topic)):
        print("  (comments: no tables yet; skipped)")
        return {}
    first_topic = loader.next_id(Topic)
    topics = [
        {
            "id": first_topic + i,
            "name": f"Bench topic {first_topic + i}: {text.title(2, 4)}",
            "description": text.paragraph(1, 2),
            "is_open": i < 6,
            "legal_hold": False,
            "position": i,
        }
        for i in range(8)
    ]
    loader.copy(Topic, topics, given=list(topics[0].keys()))
    loader.reset_sequences(Topic)
    n_comments = scaled(SIZES["comments"], scale, floor=50)
    today = date.today()
    languages = weighted(rng, LANGUAGE_WEIGHTS, n_comments)

    def rows() -> Iterator[dict]:
        for i in range(n_comments):
            submitted = today - timedelta(days=rng.randint(0, 700))
            status = rng.choices(["new", "in_review", "answered", "closed"], weights=[20, 10, 40, 30])[0]
            disclosed = rng.random() < 0.15
            yield {
                "id": uuid.uuid4(),
                "topic_id": topics[i % len(topics)]["id"],
                "body": text.paragraph(1, 6),
                "language": languages[i],
                "submitted_on": submitted,
                "status": status,
                "status_changed_on": submitted,
                "closed_on": submitted if status == "closed" else None,
                "identity_disclosed": disclosed,
                "disclosed_name": f"Parent {i}" if disclosed else "",
                "disclosed_email": f"parent{i}@example.com" if disclosed else "",
                "disclosed_relationship": "parent" if disclosed else "",
                "reply": text.paragraph(1, 2) if status in ("answered", "closed") else "",
                "replied_on": submitted if status in ("answered", "closed") else None,
                "legal_hold": False,
                "receipt_hash": secrets.token_hex(32),
            }

    count = loader.copy(
        Comment,
        rows(),
        given=[
            "id",
            "topic_id",
            "body",
            "language",
            "submitted_on",
            "status",
            "status_changed_on",
            "closed_on",
            "identity_disclosed",
            "disclosed_name",
            "disclosed_email",
            "disclosed_relationship",
            "reply",
            "replied_on",
            "legal_hold",
            "receipt_hash",
        ],
    )
    return {"topics": len(topics), "comments": count}


def _plan(loader: Loader, rng: random.Random, text: Text, scale: float, district: District) -> dict[str, int]:
    try:
        from equity_plan.models import ActionItem, Indicator, Measurement, Plan, PlanYear, ProgressUpdate, Workstream
    except ImportError:
        return {}
    if not all(loader.has(m) for m in (Plan, PlanYear, Workstream, ActionItem)):
        print("  (plan: no tables yet; skipped)")
        return {}
    plan_id = loader.next_id(Plan)
    start_year = 2024
    loader.copy(
        Plan,
        [
            {
                "id": plan_id,
                "title": "Bench Equity Plan 2024-2028",
                "slug": FIXTURE["plan_slug"],
                "start_year": start_year,
                "end_year": start_year + 4,
                "summary": text.paragraph(3, 6),
                "source": text.paragraph(1, 2),
                "approval_status": "approved",
                "approved_on": date(2024, 6, 1),
                "is_published": True,
            }
        ],
        given=[
            "id",
            "title",
            "slug",
            "start_year",
            "end_year",
            "summary",
            "source",
            "approval_status",
            "approved_on",
            "is_published",
        ],
    )
    first_year = loader.next_id(PlanYear)
    years = [
        {
            "id": first_year + n,
            "plan_id": plan_id,
            "number": n + 1,
            "title": text.title(2, 4),
            "theme": text.paragraph(1, 2),
            "starts_on": date(start_year + n, 1, 1),
            "ends_on": date(start_year + n, 12, 31),
        }
        for n in range(5)
    ]
    loader.copy(PlanYear, years, given=list(years[0].keys()))

    n_items = scaled(SIZES["action_items"], scale, floor=20)
    # 10 objectives, each with 10 initiatives (fewer on a small run): items hang off the initiatives.
    n_objectives = 10
    per_objective = max(1, min(10, n_items // 20))
    first_ws = loader.next_id(Workstream)
    workstreams = []
    leaves = []
    ws_id = first_ws
    for o in range(n_objectives):
        parent = ws_id
        workstreams.append(
            {
                "id": parent,
                "plan_id": plan_id,
                "year_id": None,
                "parent_id": None,
                "kind": "objective",
                "code": str(o + 1),
                "title": text.title(4, 8),
                "description": text.paragraph(1, 3),
                "weight": 1,
                "position": o,
            }
        )
        ws_id += 1
        for c in range(per_objective):
            workstreams.append(
                {
                    "id": ws_id,
                    "plan_id": plan_id,
                    "year_id": years[c % 5]["id"],
                    "parent_id": parent,
                    "kind": "initiative",
                    "code": f"{o + 1}.{c + 1}",
                    "title": text.title(4, 8),
                    "description": text.paragraph(1, 3),
                    "weight": rng.randint(1, 3),
                    "position": c,
                }
            )
            leaves.append(ws_id)
            ws_id += 1
    loader.copy(Workstream, workstreams, given=list(workstreams[0].keys()))

    first_item = loader.next_id(ActionItem)
    statuses = ["not_started", "in_progress", "at_risk", "complete", "deferred"]
    items = []
    for i in range(n_items):
        status = rng.choices(statuses, weights=[25, 40, 10, 20, 5])[0]
        percent = 100 if status == "complete" else (0 if status == "not_started" else rng.randint(5, 95))
        owner = rng.choice(district.user_ids) if rng.random() < 0.6 else None
        items.append(
            {
                "id": first_item + i,
                "workstream_id": leaves[i % len(leaves)],
                "title": text.title(4, 10),
                "description": text.paragraph(1, 4),
                "owner_id": owner,
                "owner_body": "" if owner else f"{text.title(1, 2)} Panel",
                "due_on": date(start_year + rng.randint(0, 4), rng.randint(1, 12), 15),
                "status": status,
                "percent_complete": percent,
                "weight": rng.randint(1, 5),
                "position": i,
            }
        )
    item_count = loader.copy(ActionItem, items, given=list(items[0].keys()))

    update_count = 0
    if loader.has(ProgressUpdate):

        def updates() -> Iterator[dict]:
            for item in items:
                for n in range(rng.randint(0, 3)):
                    yield {
                        "item_id": item["id"],
                        "reported_on": date(2025, 1 + n, 10),
                        "text": text.paragraph(1, 3),
                        "new_status": item["status"],
                        "new_percent": item["percent_complete"],
                        "author_id": item["owner_id"],
                    }

        update_count = loader.copy(
            ProgressUpdate,
            updates(),
            given=["item_id", "reported_on", "text", "new_status", "new_percent", "author_id"],
        )
    indicator_count = 0
    if loader.has(Indicator) and loader.has(Measurement):
        first_indicator = loader.next_id(Indicator)
        indicators = [
            {
                "id": first_indicator + n,
                "workstream_id": leaves[n % len(leaves)],
                "name": text.title(4, 8),
                "unit": "%",
                "baseline": 40,
                "baseline_on": date(2024, 1, 15),
                "target": 60,
                "target_on": date(2028, 6, 15),
                "direction": "increase",
            }
            for n in range(40)
        ]
        indicator_count = loader.copy(Indicator, indicators, given=list(indicators[0].keys()))
        loader.copy(
            Measurement,
            (
                {
                    "indicator_id": ind["id"],
                    "measured_on": date(2024 + n // 2, 1 + 6 * (n % 2), 15),
                    "value": 40 + n * 2,
                    "note": "",
                }
                for ind in indicators
                for n in range(8)
            ),
            given=["indicator_id", "measured_on", "value", "note"],
        )
        loader.reset_sequences(Indicator, Measurement)
    loader.reset_sequences(Plan, PlanYear, Workstream, ActionItem, ProgressUpdate)
    return {
        "workstreams": len(workstreams),
        "action_items": item_count,
        "progress_updates": update_count,
        "indicators": indicator_count,
    }


# --- Command line --------------------------------------------------------------------------------------


FUNDING_CATEGORIES = [("food", 45), ("speaker", 10), ("materials", 25), ("stipend", 5), ("event", 10), ("other", 5)]


def load_funding(loader: Loader, rng: random.Random, text: Text, scale: float) -> dict[str, int]:
    """A fiscal-year cycle with an allocation for most groups, ~10 requests a group and 20,000 expenses.

    Reads the groups and their leads from the database, so bench/run can add it to a district generated
    before funding existed.
    """
    try:
        from funding.models import Allocation, Cycle, Expense, FundingRequest
    except ImportError:
        return {}
    if not loader.has(Expense):
        print("  (funding: no tables yet; skipped)")
        return {}
    from groups.models import Group, Membership

    group_ids = list(Group.objects.order_by("id").values_list("id", flat=True))
    leads = dict(
        Membership.objects.filter(role="lead", status="active")
        .order_by("group_id", "id")
        .values_list("group_id", "user_id")
    )
    today = date.today()
    year = today.year if today.month >= 7 else today.year - 1
    starts, ends = date(year, 7, 1), date(year + 1, 6, 30)
    cycle_id = loader.next_id(Cycle)
    loader.copy(
        Cycle,
        [
            {
                "id": cycle_id,
                "name": f"Bench {year}-{year + 1}",
                "starts_on": starts,
                "ends_on": ends,
                "total_cents": 150_000 * len(group_ids) * 100,
            }
        ],
        given=["id", "name", "starts_on", "ends_on", "total_cents"],
    )
    allocated = [g for g in group_ids if rng.random() < 0.9]
    loader.copy(
        Allocation,
        (
            {"cycle_id": cycle_id, "group_id": g, "amount_cents": rng.randrange(500, 5000) * 100, "reason": ""}
            for g in allocated
        ),
        given=["cycle_id", "group_id", "amount_cents", "reason"],
    )
    first_request = loader.next_id(FundingRequest)
    requests = []
    for group_id in group_ids:
        for _ in range(10):
            amount = rng.randrange(50, 2000) * 100
            status = rng.choices(["approved", "partly_approved", "declined", "pending"], weights=[60, 15, 10, 15])[0]
            approved = {"approved": amount, "partly_approved": amount // 2}.get(status, 0)
            requests.append(
                {
                    "id": first_request + len(requests),
                    "cycle_id": cycle_id,
                    "group_id": group_id,
                    "amount_cents": amount,
                    "approved_cents": approved,
                    "status": status,
                    "purpose": text.title(4, 10),
                    "planned_on": starts + timedelta(days=rng.randrange(0, 360)),
                    "category": weighted(rng, FUNDING_CATEGORIES, 1)[0],
                    "requested_by_id": leads.get(group_id),
                }
            )
    loader.copy(FundingRequest, requests, given=list(requests[0].keys()))
    approved = [r for r in requests if r["approved_cents"]]
    n_expenses = scaled(SIZES["funding_expenses"], scale, floor=200)

    def expenses() -> Iterator[dict]:
        for _ in range(n_expenses):
            request = rng.choice(approved)
            status = rng.choices(["recorded", "awaiting", "approved", "declined"], weights=[85, 5, 7, 3])[0]
            yield {
                "cycle_id": cycle_id,
                "group_id": request["group_id"],
                "request_id": request["id"] if status == "recorded" else None,
                "spent_on": starts + timedelta(days=rng.randrange(0, 360)),
                "amount_cents": rng.randrange(5, 300) * 100 + rng.randrange(0, 100),
                "category": request["category"],
                "vendor": text.title(2, 3),
                "note": "",
                "receipt": "",
                "receipt_content_type": "",
                "status": status,
                "recorded_by_id": leads.get(request["group_id"]),
            }

    count = loader.copy(
        Expense,
        expenses(),
        given=[
            "cycle_id",
            "group_id",
            "request_id",
            "spent_on",
            "amount_cents",
            "category",
            "vendor",
            "note",
            "receipt",
            "receipt_content_type",
            "status",
            "recorded_by_id",
        ],
    )
    loader.reset_sequences(Cycle, Allocation, FundingRequest, Expense)
    return {"allocations": len(allocated), "funding requests": len(requests), "expenses": count}


def ensure_funding(scale: float, seed: int = 2026) -> dict[str, int]:
    """Add the funding part to a district generated before funding existed (bench/run calls this)."""
    from django.db import connection, transaction

    from funding.models import Cycle

    if Cycle.objects.exists():
        return {}
    rng = random.Random(seed + 1)
    with transaction.atomic():
        counts = load_funding(Loader(connection, print), rng, Text(rng), scale)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE funding_cycle, funding_allocation, funding_fundingrequest, funding_expense")
    return counts


def is_loaded() -> bool:
    from accounts.models import User

    return User.objects.filter(email=FIXTURE["superuser"]).exists()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="PostgreSQL URL of the bench database (created if missing; never your real one)",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 150,000 staff; 0.01 for a quick run")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--force", action="store_true", help="load even if the database already holds a district")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or BENCH_DATABASE_URL) is required: the bench never uses your own database")
    if not 0 < args.scale <= 10:
        parser.error("--scale must be between 0 and 10")
    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    started = time.monotonic()
    print(f"==> Migrating {redact(args.database_url)}")
    call_command("migrate", verbosity=0, interactive=False)
    if is_loaded() and not args.force:
        print("==> The database already holds a bench district; use --force (or bench/run --regenerate).")
        return 0
    print(f"==> Generating a district at scale {args.scale:g}")
    counts = load(scale=args.scale, seed=args.seed)
    mark_scale(args.scale)
    print(f"==> Done in {time.monotonic() - started:.0f}s: " + ", ".join(f"{n:,} {k}" for k, n in counts.items()))
    return 0


def mark_scale(scale: float) -> None:
    """Record the district's scale, so bench/run reuses it only for a run at the same scale."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_district (scale double precision NOT NULL)")
        cursor.execute("DELETE FROM bench_district")
        cursor.execute("INSERT INTO bench_district (scale) VALUES (%s)", [scale])


def redact(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}:{parts.port or 5432}{parts.path}"


def ensure_database(url: str) -> None:
    """Create the bench database when it does not exist yet (connecting to the server's `postgres` db)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    sys.exit(main())

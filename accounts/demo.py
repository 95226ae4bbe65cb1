"""The demo district: fictional schools and staff shaped like the seed districts' programs.

First of the demo modules `manage.py load_demo` runs (accounts comes first in INSTALLED_APPS): it fills
`people`, the named demo accounts every later app's demo gives roles to."""

from __future__ import annotations

import random
from datetime import date
from functools import cache

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group as PermissionGroup

from .models import EQUITY_DIRECTOR_GROUP, JobRole, School, User

DEMO_PASSWORD = "belong-demo-2026"  # noqa: S105 - printed for the local demo only
DOMAIN = "district.example"

SCHOOLS = [
    ("Putnam Avenue Upper School", "putnam-avenue", "100 Putnam Avenue"),
    ("Riverside High School", "riverside-high", "1 Riverside Drive"),
    ("Maple Street Elementary", "maple-street", "22 Maple Street"),
    ("Cedar Hill Middle School", "cedar-hill", "400 Cedar Hill Road"),
    ("Lincoln Park Elementary", "lincoln-park", "75 Park Avenue"),
    ("Harbor View K-8 School", "harbor-view", "9 Harbor Way"),
    ("Westside Early Learning Center", "westside-elc", "310 West Street"),
    ("Central Office", "central-office", "500 Main Street"),
]

FIRST = [
    "Amara",
    "Bao",
    "Camila",
    "Darius",
    "Elena",
    "Farid",
    "Grace",
    "Hiroshi",
    "Imani",
    "Jonah",
    "Kavya",
    "Luis",
    "Mei",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Samir",
    "Tamsin",
    "Uriel",
    "Valentina",
    "Wesley",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Andre",
    "Beatriz",
    "Chidi",
    "Dana",
    "Esther",
    "Felipe",
    "Gwen",
    "Hana",
    "Isaac",
    "Jada",
    "Kenji",
    "Lena",
    "Malik",
    "Noor",
]
LAST = [
    "Abernathy",
    "Balogun",
    "Castellanos",
    "Dufresne",
    "Eriksen",
    "Fonseca",
    "Gallagher",
    "Haddad",
    "Ibarra",
    "Jovanovic",
    "Kowalczyk",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quintero",
    "Rasmussen",
    "Szabo",
    "Tran",
    "Underwood",
    "Valdez",
    "Whitfield",
    "Xu",
    "Yilmaz",
    "Zamora",
]

STAFF_ROLES = [
    (JobRole.TEACHER, 110),
    (JobRole.PARAEDUCATOR, 20),
    (JobRole.COUNSELOR, 8),
    (JobRole.SOCIAL_WORKER, 4),
    (JobRole.NURSE, 4),
    (JobRole.LIBRARIAN, 3),
    (JobRole.SPECIALIST, 8),
    (JobRole.COACH, 4),
    (JobRole.OFFICE, 8),
    (JobRole.FACILITIES, 6),
    (JobRole.FOOD_SERVICE, 5),
    (JobRole.TRANSPORTATION, 3),
    (JobRole.TECHNOLOGY, 3),
    (JobRole.PRINCIPAL, 7),
    (JobRole.ASSISTANT_PRINCIPAL, 5),
    (JobRole.DISTRICT_ADMINISTRATOR, 3),
]


# The people the README's demo logins name: (role and e-mail local part, name, job, site, other fields).
NAMED_PEOPLE = [
    ("teacher", "Maya Okonkwo", JobRole.TEACHER, "riverside-high", {"hire_date": date(2019, 8, 20)}),
    ("principal", "Gregory Lindqvist", JobRole.PRINCIPAL, "maple-street", {"hire_date": date(2012, 7, 1)}),
    ("lead", "Rafael Castellanos", JobRole.COUNSELOR, "cedar-hill", {"hire_date": date(2016, 8, 15)}),
    (
        "director",
        "Dr. Simone Achterberg",
        JobRole.DISTRICT_ADMINISTRATOR,
        "central-office",
        {"hire_date": date(2014, 7, 1), "is_staff": True},
    ),
    (
        "hr",
        "Tomasz Brennan",
        JobRole.CENTRAL_OFFICE,
        "central-office",
        {"hire_date": date(2010, 1, 4), "is_staff": True},
    ),
    (
        "admin",
        "Site Administrator",
        JobRole.TECHNOLOGY,
        "central-office",
        {"is_staff": True, "is_superuser": True},
    ),
]


@cache
def _demo_password_hash() -> str:
    # Hash once: hashing ~200 times with the production hasher takes over a minute.
    return make_password(DEMO_PASSWORD)


def _person(email: str, full_name: str, role: str, school: School, **extra) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": full_name,
            "job_role": role,
            "school": school,
            "password": _demo_password_hash(),
            **extra,
        },
    )
    if created:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def load(stdout, people: dict[str, User]) -> None:
    """Create the district's schools and ~200 fictional staff; adds the named demo people to `people`."""
    schools = {}
    for name, code, address in SCHOOLS:
        schools[code], _ = School.objects.get_or_create(code=code, defaults={"name": name, "address": address})

    rng = random.Random(2026)
    school_list = [s for code, s in schools.items() if code != "central-office"]
    n = 0
    for role, count in STAFF_ROLES:
        for _ in range(count):
            first, last = FIRST[n % len(FIRST)], LAST[(n * 7) % len(LAST)]
            school = schools["central-office"] if role == JobRole.DISTRICT_ADMINISTRATOR else rng.choice(school_list)
            _person(
                f"{first}.{last}{n}@{DOMAIN}".lower(),
                f"{first} {last}",
                role,
                school,
                hire_date=date(2005 + rng.randrange(20), rng.randrange(1, 13), rng.randrange(1, 28)),
                preferred_language="es" if n % 9 == 0 else "en",
            )
            n += 1

    for role, full_name, job_role, school_code, extra in NAMED_PEOPLE:
        people[role] = _person(f"{role}@{DOMAIN}", full_name, job_role, schools[school_code], **extra)
    people["director"].groups.add(PermissionGroup.objects.get(name=EQUITY_DIRECTOR_GROUP))
    hr_group, _ = PermissionGroup.objects.get_or_create(name="HR")
    people["hr"].groups.add(hr_group)
    stdout.write(f"  district: {School.objects.count()} sites, {User.objects.count()} staff accounts")


def report(stdout, people: dict[str, User]) -> None:
    """How to sign in as each named demo person, printed once every app has loaded its demo."""
    stdout.write(f"Every demo account's password is {DEMO_PASSWORD!r}:")
    for role, user in people.items():
        stdout.write(f"  {role:<10} {user.email:<28} {user.full_name}")

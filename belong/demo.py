"""The demo district: fictional schools and staff shaped like the seed districts' programs."""

from __future__ import annotations

import random
from datetime import date
from functools import cache

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group as PermissionGroup

from accounts.models import EQUITY_DIRECTOR_GROUP, JobRole, School, User

from .models import SiteSettings

DEMO_PASSWORD = "belong-demo-2026"  # noqa: S105 - printed for the local demo only # nosec B105
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


def load(stdout) -> dict[str, User]:
    """Create the district's schools and ~200 fictional staff; returns the named demo people."""
    schools = {}
    for name, code, address in SCHOOLS:
        schools[code], _ = School.objects.get_or_create(code=code, defaults={"name": name, "address": address})

    rng = random.Random(2026)  # nosec B311
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

    people = {
        "teacher": _person(
            f"teacher@{DOMAIN}", "Maya Okonkwo", JobRole.TEACHER, schools["riverside-high"], hire_date=date(2019, 8, 20)
        ),
        "principal": _person(
            f"principal@{DOMAIN}",
            "Gregory Lindqvist",
            JobRole.PRINCIPAL,
            schools["maple-street"],
            hire_date=date(2012, 7, 1),
        ),
        "lead": _person(
            f"lead@{DOMAIN}",
            "Rafael Castellanos",
            JobRole.COUNSELOR,
            schools["cedar-hill"],
            hire_date=date(2016, 8, 15),
        ),
        "director": _person(
            f"director@{DOMAIN}",
            "Dr. Simone Achterberg",
            JobRole.DISTRICT_ADMINISTRATOR,
            schools["central-office"],
            hire_date=date(2014, 7, 1),
            is_staff=True,
        ),
        "hr": _person(
            f"hr@{DOMAIN}",
            "Tomasz Brennan",
            JobRole.CENTRAL_OFFICE,
            schools["central-office"],
            hire_date=date(2010, 1, 4),
            is_staff=True,
        ),
        "admin": _person(
            f"admin@{DOMAIN}",
            "Site Administrator",
            JobRole.TECHNOLOGY,
            schools["central-office"],
            is_staff=True,
            is_superuser=True,
        ),
    }
    people["director"].groups.add(PermissionGroup.objects.get(name=EQUITY_DIRECTOR_GROUP))
    hr_group, _ = PermissionGroup.objects.get_or_create(name="HR")
    people["hr"].groups.add(hr_group)
    stdout.write(f"  district: {School.objects.count()} sites, {User.objects.count()} staff accounts")
    add_footer_translation()
    return people


# --- The demo district in Spanish -------------------------------------------------------------------
# Each app's demo.py loads its English texts, then hands a table English → Spanish (its demo_es.py) to
# add_translations, which fills the `<field>_es` columns (django-modeltranslation) left empty, so /es/ pages
# read in Spanish. Lists (a group's goals) are translated line by line.

FOOTER_SPANISH = {
    "non_discrimination_statement": (
        "El distrito no excluye a nadie de ninguna actividad patrocinada por el distrito por motivos de raza, "
        "color, sexo, identidad de género, religión, origen nacional, orientación sexual, discapacidad o edad. "
        "Todos los grupos Belong están abiertos a todo el personal."
    ),
    "contact_name": "Oficina de Equidad, Inclusión y Pertenencia",
}


def add_translations(queryset, fields: list[str], table: dict[str, str], lang: str = "es") -> int:
    """Fill each row's empty `<field>_<lang>` from `table` keyed by its `<field>_<default>` text; rows changed."""
    from django.conf import settings

    default = settings.LANGUAGE_CODE.replace("-", "_")
    lang = lang.replace("-", "_")
    changed = 0
    for row in queryset:
        updates = {}
        for field in fields:
            source, current = getattr(row, f"{field}_{default}"), getattr(row, f"{field}_{lang}")
            if current:
                continue  # never overwrite what an editor typed
            if isinstance(source, list):
                if source and all(line in table for line in source):
                    updates[f"{field}_{lang}"] = [table[line] for line in source]
            elif source in table:
                updates[f"{field}_{lang}"] = table[source]
        if updates:
            # update(), not save(): a demo load is not an editor's change to record in the history.
            type(row)._base_manager.filter(pk=row.pk).update(**updates)
            changed += 1
    return changed


def add_footer_translation() -> None:
    settings_row, _created = SiteSettings.objects.get_or_create(pk=1)  # the row, not the cached copy
    for field, text in FOOTER_SPANISH.items():
        if not getattr(settings_row, f"{field}_es"):
            setattr(settings_row, f"{field}_es", text)
    settings_row.save()  # also forgets the cached copy the footer reads

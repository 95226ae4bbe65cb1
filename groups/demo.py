"""Demo groups from the five seed districts' pages, with fictional leads and members. Safe to run again."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from accounts.models import JobRole, School, User

from .models import Group, GroupColour, GroupProposal, Membership, MembershipEvent

F = Group.Focus
S = Group.Status
P = Group.JoinPolicy

DENVER_CHARTER_IN_PROGRESS = (
    "Currently, we are in the process of creating our group charter, which will help inform our goals and group "
    "culture. Join us in this process by signing up!"
)

GROUPS: list[dict] = [
    # Westwood: three identity/affinity groups and their three formats.
    {
        "name": "Educators of Color Network",
        "summary": "Conversation and camaraderie for staff who self-identify as people of color.",
        "description": (
            "This group is for all educators (all staff) that self-identify as a person of color. All personnel, "
            "staff, faculty, etc. are welcome to join this group. Sometimes we choose not to adhere to a highly "
            "structured agenda, preferring to focus on simply being together and sharing experiences."
        ),
        "audience": "Staff who self-identify as a person of color; all personnel, staff and faculty are welcome.",
        "focus": F.COMMUNITY,
    },
    {
        "name": "Educator Ally Group",
        "summary": "Best practices, action, and amplifying and supporting racial justice work.",
        "description": (
            "For educators looking to join a community to have conversations about best practices, action, and "
            "how to amplify and support racial justice work. We focus on goal setting, implementation, and "
            "leveraging the power of the collective voice."
        ),
        "focus": F.ACTION,
    },
    {
        "name": "Supporting LGBTQIA+ Educator Group",
        "summary": "An affinity space for staff who identify on the LGBTQIA+ spectrum.",
        "description": (
            "This affinity space is for any staff member who identifies on the LGBTQIA+ spectrum. Membership is "
            "confidential: only the group's leads see who belongs."
        ),
        "focus": F.COMMUNITY,
        "is_confidential": True,
        "neutral_email_subjects": True,
    },
    # Denver: eight Belong groups, then two coming this year.
    {
        "name": "African American/Black Belong Group",
        "summary": "Creating our group charter together to inform our goals and group culture.",
        "description": DENVER_CHARTER_IN_PROGRESS,
        "focus": F.COMMUNITY,
    },
    {
        "name": "Asian Belong Group",
        "summary": "Helping students find their voice and building community with Asian staff and families.",
        "mission": (
            "We plan to make the district a better place by helping students find their voice. We would also like "
            "building principals to help us identify Asian teachers and leaders in their buildings so that we can "
            "build a community with them."
        ),
        "goals": [
            "Provide translators at events",
            "Hold meetings in the community by frequenting Asian businesses",
            "Build a community with Asian teachers and leaders in every building",
        ],
        "description": (
            "We feel that the community is bigger than just our schools and we recognize that many of our parents "
            "are business owners."
        ),
        "focus": F.ACTION,
    },
    {
        "name": "Citizens of the World Belong Group",
        "summary": "For staff from multilingual, multiracial or multicultural backgrounds.",
        "description": (
            "If you want to interact with those that come from multilingual, multiracial, or multicultural "
            "backgrounds then look no further! We want to meet you and hear your experiences as someone that "
            "doesn't conform to one 'box'. Through vivacious discussions, events in the local area, and hosting "
            "various guest speakers, our group intends on making change from within the district."
        ),
        "focus": F.COMMUNITY,
    },
    {
        "name": "Deconstructing Privilege Belong Group",
        "summary": "Understanding whiteness, privilege, racism and oppression, and acting on it.",
        "mission": (
            "This group will provide staff members a space to recognize and deepen their understanding of the "
            "implications of whiteness, privilege, racism, and oppression. Members will both look inward at how "
            "they experience privilege and contribute to oppressive systems and outward to learn historical context "
            "and ongoing effects of racism in society."
        ),
        "description": (
            "White privilege, especially when unrecognized and unexamined, remains a major roadblock to progress "
            "toward achieving social justice. We will use this knowledge to act with sensitivity and understanding "
            "to confront racist and oppressive systems in the district."
        ),
        "audience": (
            "While this group is targeted toward those who identify as white, all staff members are welcome to "
            "participate in order to better inform the conversation about what it truly means to be a “white ally” "
            "in action."
        ),
        "focus": F.STUDY,
    },
    {
        "name": "Latinx/Hispanic Belong Group",
        "summary": "Learners, advocates, influencers and supporters for our team and our students.",
        "mission": (
            "We commit to being learners, advocates, influencers, supporters and inspire ourselves, our district "
            "team and our students."
        ),
        "goals": [
            "Do a lot of listening and find the wants of our community",
            "Advocate for our students and low-income schools with limited resources",
            "Help students build a better understanding of their roots and history",
            "Provide resources for teachers",
            "Attend community events and host small community events",
            "Partner with the district parent Latino group",
            "Bring our stories and experiences",
        ],
        "focus": F.ACTION,
        "charter": "We meet monthly, decide by consensus and rotate facilitation among members.",
        "charter_adopted_on": date(2025, 10, 14),
    },
    {
        "name": "LGBTQ+ Belong Group",
        "summary": "Identifying needs of LGBTQIA+ staff and students and advocating for them.",
        "mission": (
            "We plan to make the district more inclusive by identifying needs of the LGBTQIA+ staff and students, "
            "advocating for policy change to support these needs, and hosting events for the LGBTQIA+ and the "
            "larger district community to include all voices."
        ),
        "goals": [
            "Identify the needs of LGBTQIA+ staff and students",
            "Advocate for policy change within the district to support these needs",
            "Host events for the LGBTQIA+ and the larger district community",
        ],
        "description": "Meeting dates and times can be seen anonymously, without signing in.",
        "focus": F.ACTION,
        "is_confidential": True,
        "neutral_email_subjects": True,
        "public_schedule": True,
    },
    {
        "name": "The Village Belong Group",
        "summary": "For those who consistently act in the lives of our African-American/Black students.",
        "description": (
            "This family is committed to ensuring a safe space for our students to experience success by "
            "connecting to support and empower each other with knowledge, skills and abilities. We envision our "
            "“village” to take what we learn and share it with others. We will share and learn together, while "
            "also being available for emotional concerns."
        ),
        "focus": F.COMMUNITY,
    },
    {
        "name": "Women of Color Belong Group",
        "summary": "Empowerment, development, collaboration and comradery in a network of professional women.",
        "mission": (
            "The Women of Color Belong Group (WOC) is committed to the empowerment, development, collaboration, and "
            "comradery of our members within a supportive network and sisterhood of professional women."
        ),
        "goals": [
            "Create an ingrained support system, including a protocol where new employees learn about the list of "
            "Belong groups upon hiring",
            "Work for the advancement, retention, support and development of Women of Color across departments",
            "Create caring communities through text, e-mail, meetups, events and programs for youth",
            "Collaborate with organizations and facilitators that support our initiatives and goals",
            "Engage in social outings, health and wellness activities and fun events that promote self-care",
        ],
        "focus": F.COMMUNITY,
        "join_policy": P.APPROVAL,
    },
    {
        "name": "People with Disabilities Belong Group",
        "summary": "Coming this year: a group for staff with disabilities and their allies.",
        "focus": F.COMMUNITY,
        "status": S.FORMING,
    },
    {
        "name": "Autoimmune Belong Group",
        "summary": "Coming this year: support and community for staff living with autoimmune conditions.",
        "focus": F.COMMUNITY,
        "status": S.FORMING,
    },
    # Cambridge: employee resource groups, "any employee who is not an administrator may join".
    {
        "name": "Parents and Caregivers Employee Resource Group",
        "summary": "Collegial support and professional development for staff who are parents and caregivers.",
        "description": (
            "Employee Resource Groups foster professional development and collegial support among individuals who "
            "share a particular background, interest, or issue. Any employee who is not an administrator may join. "
            "A separate gathering for administrators is planned."
        ),
        "goals": [
            "Connect with others with similar needs to push innovation, internally and externally",
            "Provide increased support for professional development and leadership opportunities",
            "Expand recruitment efforts to be more inclusive",
            "Feel part of a community with others who understand various backgrounds and challenges",
        ],
        "focus": F.COMMUNITY,
        "excludes_administrators": True,
    },
    {
        "name": "Veterans Employee Resource Group",
        "summary": "Staff who served, supporting each other and recruiting veterans into our schools.",
        "description": "Any employee who is not an administrator may join; a lead confirms each request.",
        "focus": F.ACTION,
        "excludes_administrators": True,
        "join_policy": P.APPROVAL,
    },
    # Westport: the plan's first-year panels draw volunteers from the teaching staff.
    {
        "name": "Career Skills Panel",
        "summary": "Reviewing how students develop career skills that promote an inclusive school community.",
        "description": (
            "Aimed at reviewing opportunities for students to develop career skills that promote an inclusive and "
            "equitable school community. Open to teachers, counselors and instructional coaches."
        ),
        "focus": F.STUDY,
        "eligible_roles": [JobRole.TEACHER, JobRole.COUNSELOR, JobRole.COACH],
        "join_policy": P.APPROVAL,
    },
    # West Hartford: outreach so that the people policy serves shape it.
    {
        "name": "Outreach and Communications Workgroup",
        "summary": "Making sure every family, student and educator can shape and evaluate equity policy.",
        "description": (
            "We seek to ensure that the people that policy is designed to serve are in the best position to shape "
            "policy and evaluate whether it is succeeding. This includes all parents and caregivers, students and "
            "educators, but too often efforts only reach some people."
        ),
        "focus": F.ACTION,
        "join_policy": P.INVITATION,
    },
]

# people["lead"] leads these; people["teacher"] is a member of the first.
LED_BY_DEMO_LEAD = ["Latinx/Hispanic Belong Group", "LGBTQ+ Belong Group"]
DEMO_TEACHER_JOINS = "Latinx/Hispanic Belong Group"


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name.replace("/", " "))[:80]


def _member(
    group: Group,
    user: User,
    *,
    role=Membership.Role.MEMBER,
    joined_at=None,
    visible=True,
    status=Membership.Status.ACTIVE,
) -> None:
    _membership, created = Membership.objects.get_or_create(
        group=group,
        user=user,
        defaults={
            "role": role,
            "status": status,
            "joined_at": joined_at if status == "active" else None,
            "visible_to_members": visible,
        },
    )
    if created and status == Membership.Status.ACTIVE:
        MembershipEvent.objects.create(group=group, change=1, at=joined_at or timezone.now())


def load(stdout, people: dict[str, User]) -> None:
    rng = random.Random(1903)
    now = timezone.now()
    staff = list(
        User.objects.filter(is_superuser=False, is_staff=False)
        .exclude(pk__in=[p.pk for p in people.values()])
        .order_by("email")
    )
    non_admins = [u for u in staff if not u.is_administrator]
    created_groups = 0
    palette = list(GroupColour.values)
    for index, spec in enumerate(GROUPS):
        defaults = {k: v for k, v in spec.items() if k != "name"}
        defaults.setdefault("slug", _slug(spec["name"]))
        defaults.setdefault("colour", palette[index % len(palette)])
        defaults.setdefault("contact_email", "belong@district.example")
        group, created = Group.objects.get_or_create(name=spec["name"], defaults=defaults)
        created_groups += created
        if not created:
            continue
        leads = [] if group.status == S.FORMING and group.name.startswith("Autoimmune") else rng.sample(non_admins, 1)
        for lead in leads:
            _member(group, lead, role=Membership.Role.LEAD, joined_at=now - timedelta(days=360))
        size = 0 if group.status == S.FORMING else rng.randrange(6, 24)
        for user in rng.sample(non_admins, size):
            if group.eligible_roles and user.job_role not in group.eligible_roles:
                continue
            _member(group, user, joined_at=now - timedelta(days=rng.randrange(1, 365)), visible=rng.random() < 0.6)
        if group.join_policy == P.APPROVAL:
            for user in rng.sample(non_admins, 2):
                if not Membership.objects.filter(group=group, user=user).exists() and (
                    not group.eligible_roles or user.job_role in group.eligible_roles
                ):
                    _member(group, user, status=Membership.Status.PENDING)

    for name in LED_BY_DEMO_LEAD:
        _member(
            Group.objects.get(name=name), people["lead"], role=Membership.Role.LEAD, joined_at=now - timedelta(days=300)
        )
    _member(Group.objects.get(name=DEMO_TEACHER_JOINS), people["teacher"], joined_at=now - timedelta(days=40))

    if not GroupProposal.objects.exists():
        GroupProposal.objects.create(
            proposer=rng.choice(non_admins),
            name="Multilingual Families Liaison Circle",
            purpose="Staff who speak our families' home languages sharing ways to welcome families at every school.",
            audience="Any staff member who speaks, or is learning, a language our families speak at home.",
            would_lead=True,
        )
    school_count = School.objects.count()
    stdout.write(
        f"  groups: {Group.objects.count()} groups ({created_groups} new), "
        f"{Membership.objects.count()} memberships across {school_count} sites"
    )

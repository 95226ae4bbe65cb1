"""Demo plans shaped like the seed districts' programs; safe to load again (nothing is duplicated).

- The DEIB 3-year plan as in seed 001 (three years with their themes, Year One's three panels,
  the Year Two and Year Three goals as action items, approved by the school board, grounded in a
  university equity study's recommendations).
- The educational equity policy's five policy areas from seed 003, as a second plan.
- The district plan's Objective 1 (Equity and Access) → Strategic Initiative 1.3 from seed 004, linked
  to the employee resource groups when the groups demo has created them.
Only fictional people (the demo accounts) appear.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from belong.demo import add_translations
from groups.models import Group

from . import services
from .demo_es import SPANISH
from .models import ActionItem, Indicator, Measurement, Plan, PlanYear, ProgressUpdate, Workstream

S = ActionItem.Status

# Groups an employee-resource-group item links to, when the groups demo created them (any subset).
ERG_GROUP_NAMES = ["Educators of Color Network", "Women of Color Belong Group", "Asian Belong Group"]

DEIB_PLAN = {
    "slug": "deib-3-year-plan",
    "title": "DEIB 3-Year Plan",
    "start_year": 2025,
    "end_year": 2028,
    "summary": (
        "The district is embarking on a transformative journey to foster a more inclusive, equitable, and diverse "
        "educational environment where everyone belongs. Our officials have outlined a comprehensive three-year "
        "action plan aimed at addressing disparities within our district related to race, gender, sexual "
        "orientation, language, and religion.\n\nThe school board has given its full approval to this "
        "forward-thinking plan, signaling a firm commitment to transforming our district into a model of "
        "inclusivity and respect for all."
    ),
    "source": (
        "This action plan stems from extensive summer collaboration among teachers and school officials, who "
        "reviewed recommendations from a year-long equity study conducted by a prestigious university. The "
        "study, which included surveys and focus groups with students, educators, and parents, highlighted the "
        "importance of creating welcoming schools, discussing race-related issues openly, auditing programs to "
        "increase access, and developing a system to track discipline referrals more effectively."
    ),
    "approval_status": Plan.Approval.APPROVED,
    "approved_on": date(2025, 6, 10),
}

DEIB_YEARS = [
    (
        1,
        "Laying the Groundwork",
        date(2025, 7, 1),
        date(2026, 6, 30),
        "The inaugural year focuses on foundational efforts, including the formation of three pivotal panels. "
        "This year is about preparation, "
        "gaining essential knowledge, and setting actionable goals that pave the way for meaningful progress in "
        "the subsequent years.",
    ),
    (
        2,
        "Data Collection and Program Access",
        date(2026, 7, 1),
        date(2027, 6, 30),
        "The second year will see the district collecting behavioral data and scrutinizing access to "
        "extracurricular programs. This phase is crucial for identifying barriers to inclusivity and tailoring our "
        "approach to dismantle them, ensuring all students have equal opportunities to participate and excel.",
    ),
    (
        3,
        "Expanding Access and Embracing Restorative Practices",
        date(2027, 7, 1),
        date(2028, 6, 30),
        "Creating processes to widen access to academic programs and extracurricular activities, and "
        "implementing a comprehensive approach to student conduct that emphasizes restorative practices.",
    ),
]

# (year, code, kind, title, description, weight, items)
# item: (title, owner_key or None, owner_body, due, weight, updates, status_if_no_updates)
# update: (date, text, status, percent)
DEIB_WORKSTREAMS = [
    (
        1,
        "1.1",
        Workstream.Kind.PANEL,
        "Mission Statement Panel",
        "Tasked with crafting a mission statement that encapsulates our commitment to diversity, equity, "
        "inclusion, and belonging (DEIB).",
        1,
        [
            (
                "Draft the DEIB mission statement",
                None,
                "Mission Statement Panel",
                date(2025, 12, 19),
                2,
                [
                    (
                        date(2025, 10, 15),
                        "The panel met four times and agreed the values the statement must name.",
                        S.IN_PROGRESS,
                        40,
                    ),
                    (date(2025, 12, 12), "Draft approved by the panel and shared for comment.", S.COMPLETE, 100),
                ],
                None,
            ),
            (
                "Gather comments on the draft from students, staff and families",
                "director",
                "Mission Statement Panel",
                date(2026, 2, 27),
                1,
                [
                    (
                        date(2026, 2, 20),
                        "Three listening sessions and an online form; comments summarised for the panel.",
                        S.COMPLETE,
                        100,
                    ),
                ],
                None,
            ),
            (
                "Present the mission statement to the school board",
                None,
                "Mission Statement Panel",
                date(2026, 4, 30),
                1,
                [
                    (date(2026, 4, 14), "Presented at the April board meeting and adopted.", S.COMPLETE, 100),
                ],
                None,
            ),
        ],
    ),
    (
        1,
        "1.2",
        Workstream.Kind.PANEL,
        "Code of Conduct Panel",
        "Dedicated to establishing a code of conduct centered on restorative practices, prioritizing "
        "conversation and understanding over traditional disciplinary measures.",
        1,
        [
            (
                "Review current discipline policies and referral practices",
                None,
                "Code of Conduct Panel",
                date(2026, 1, 30),
                1,
                [
                    (
                        date(2026, 1, 22),
                        "Policy review finished; referral practices differ widely between schools.",
                        S.COMPLETE,
                        100,
                    ),
                ],
                None,
            ),
            (
                "Draft a code of conduct centered on restorative practices",
                "lead",
                "Code of Conduct Panel",
                date(2026, 6, 30),
                2,
                [
                    (
                        date(2026, 3, 18),
                        "First sections drafted with counselors and student representatives.",
                        S.IN_PROGRESS,
                        45,
                    ),
                    (
                        date(2026, 6, 24),
                        "Drafting is behind: the panel asked for more time to include family feedback.",
                        S.AT_RISK,
                        70,
                    ),
                ],
                None,
            ),
        ],
    ),
    (
        1,
        "1.3",
        Workstream.Kind.PANEL,
        "Career Skills Panel",
        "Aimed at reviewing opportunities for students to develop career skills that promote an inclusive and "
        "equitable school community.",
        1,
        [
            (
                "List career-skills opportunities at every school",
                None,
                "Career Skills Panel",
                date(2026, 3, 31),
                1,
                [
                    (date(2026, 3, 27), "Inventory finished for all schools.", S.COMPLETE, 100),
                ],
                None,
            ),
            (
                "Recommend new opportunities for students",
                None,
                "Career Skills Panel",
                date(2026, 6, 15),
                1,
                [
                    (date(2026, 6, 5), "Recommendations delivered; two carried into Year Three.", S.COMPLETE, 100),
                ],
                None,
            ),
        ],
    ),
    (
        2,
        "2.1",
        Workstream.Kind.GOAL,
        "Collect behavioral data",
        "Collect behavioral data across the district, including a system to track discipline referrals more "
        "effectively.",
        1,
        [
            (
                "Launch a system to track discipline referrals",
                "director",
                "",
                date(2026, 12, 18),
                2,
                [
                    (date(2026, 9, 30), "System chosen; four schools entering referrals.", S.IN_PROGRESS, 35),
                    (date(2026, 11, 2), "All middle and high schools now entering referrals.", S.IN_PROGRESS, 60),
                ],
                None,
            ),
            (
                "Publish the first behavioral data report",
                None,
                "Code of Conduct Panel",
                date(2027, 6, 15),
                1,
                [],
                S.NOT_STARTED,
            ),
        ],
    ),
    (
        2,
        "2.2",
        Workstream.Kind.GOAL,
        "Scrutinize access to extracurricular programs",
        "Identify barriers to participation in extracurricular programs and tailor our approach to dismantle them.",
        1,
        [
            (
                "Audit participation in extracurricular programs",
                "lead",
                "",
                date(2027, 2, 26),
                1,
                [
                    (date(2026, 10, 9), "Rosters collected from every school; analysis under way.", S.IN_PROGRESS, 40),
                ],
                None,
            ),
            (
                "Survey students and families about barriers to participation",
                None,
                "Career Skills Panel",
                date(2027, 3, 31),
                1,
                [
                    (date(2026, 11, 6), "Translation of the survey is late; launch may slip to spring.", S.AT_RISK, 15),
                ],
                None,
            ),
            (
                "Pilot an activity bus for after-school programs",
                None,
                "",
                date(2027, 5, 28),
                1,
                [
                    (
                        date(2026, 10, 20),
                        "Deferred until the participation audit shows where a route is needed.",
                        S.DEFERRED,
                        0,
                    ),
                ],
                None,
            ),
        ],
    ),
    (
        3,
        "3.1",
        Workstream.Kind.GOAL,
        "Widen access to academic programs and extracurricular activities",
        "Create processes to widen access to academic programs and extracurricular activities, ensuring every "
        "student benefits from our rich educational offerings.",
        1,
        [
            (
                "Create a process to widen access to advanced academic programs",
                None,
                "",
                date(2028, 1, 31),
                1,
                [],
                S.NOT_STARTED,
            ),
            (
                "Create a process to widen access to extracurricular activities",
                None,
                "",
                date(2028, 3, 31),
                1,
                [],
                S.NOT_STARTED,
            ),
        ],
    ),
    (
        3,
        "3.2",
        Workstream.Kind.GOAL,
        "Embrace restorative practices",
        "Implement a comprehensive approach to student conduct, emphasizing restorative practices: bringing "
        "together individuals involved in conflicts to discuss the impact of their actions, fostering empathy, "
        "understanding, and personal growth.",
        1,
        [
            (
                "Adopt the restorative code of conduct",
                None,
                "Code of Conduct Panel",
                date(2027, 9, 30),
                2,
                [],
                S.NOT_STARTED,
            ),
            ("Train staff to lead restorative conversations", "lead", "", date(2028, 5, 31), 1, [], S.NOT_STARTED),
        ],
    ),
]

# (workstream code, name, unit, baseline, baseline_on, target, target_on, direction, measurements)
DEIB_INDICATORS = [
    (
        "2.1",
        "Discipline referrals tracked in the new system",
        "%",
        "0",
        date(2026, 7, 1),
        "100",
        date(2027, 6, 30),
        Indicator.Direction.INCREASE,
        [(date(2026, 9, 30), "35"), (date(2026, 10, 30), "52"), (date(2026, 11, 13), "61")],
    ),
    (
        "2.2",
        "Share of students in at least one extracurricular program",
        "%",
        "58",
        date(2026, 6, 30),
        "70",
        date(2028, 6, 30),
        Indicator.Direction.INCREASE,
        [(date(2026, 10, 15), "59.5")],
    ),
    (
        "3.2",
        "Discipline referrals per 100 students",
        "referrals",
        "12.4",
        date(2026, 6, 30),
        "9",
        date(2028, 6, 30),
        Indicator.Direction.DECREASE,
        [],
    ),
]

POLICY_PLAN = {
    "slug": "educational-equity-policy",
    "title": "Educational Equity Policy",
    "start_year": 2026,
    "end_year": 2029,
    "summary": (
        "What equity in education looks like in transparent and accountable policy and practice. The policy "
        "intends to serve and support the wellbeing and successful school, community and postsecondary life "
        "outcomes for all students."
    ),
    "source": (
        "Proposed by the Board of Education with the Office of Equity Advancement and the One Community for "
        "Equity network of parent-led organizations and community stakeholder groups. Public comments are "
        "collected through the anonymous comment form."
    ),
    "approval_status": Plan.Approval.PROPOSED,
    "approved_on": None,
}

POLICY_AREAS = [
    (
        "A",
        "Fair and Optimized Resource Allocation and Distribution",
        [
            (
                "Publish how resources are allocated to each school",
                None,
                "Office of Equity Advancement",
                date(2027, 6, 30),
                [],
                S.NOT_STARTED,
            ),
        ],
    ),
    (
        "B",
        "Culturally Responsive and High Quality Curricula and Pedagogy",
        [
            (
                "Review curricula for cultural responsiveness",
                None,
                "Curriculum office",
                date(2027, 12, 17),
                [
                    (date(2026, 10, 1), "Review rubric agreed with teachers and families.", S.IN_PROGRESS, 20),
                ],
                None,
            ),
        ],
    ),
    (
        "C",
        "Diverse Educator Recruitment, Support and Retention",
        [
            (
                "Widen recruitment to reach more educators of color",
                "hr",
                "",
                date(2027, 8, 31),
                [
                    (
                        date(2026, 9, 15),
                        "Partnerships with two teacher-preparation programs signed.",
                        S.IN_PROGRESS,
                        30,
                    ),
                ],
                None,
            ),
        ],
    ),
    (
        "D",
        "Positive School Culture, Climate and Identity-Affirming Learning Environments",
        [
            (
                "Run a school climate survey in every school",
                None,
                "Office of Equity Advancement",
                date(2027, 3, 31),
                [],
                S.NOT_STARTED,
            ),
        ],
    ),
    (
        "E",
        "Professional Learning for Continuous Improvement",
        [
            (
                "Offer culturally responsive, anti-bias professional learning to all staff",
                "director",
                "",
                date(2028, 6, 30),
                [
                    (
                        date(2026, 11, 10),
                        "First cohort of 40 staff finished the introductory series.",
                        S.IN_PROGRESS,
                        15,
                    ),
                ],
                None,
            ),
        ],
    ),
]

DISTRICT_PLAN = {
    "slug": "district-plan",
    "title": "District Plan",
    "start_year": 2025,
    "end_year": 2030,
    "summary": "The district's strategic plan. This page follows its first objective: equity and access.",
    "source": "Adopted by the school committee after a district-wide planning process.",
    "approval_status": Plan.Approval.APPROVED,
    "approved_on": date(2025, 5, 20),
}


def _plan(data: dict, editor) -> Plan:
    plan = Plan.objects.filter(slug=data["slug"]).first()
    if plan is None:
        plan = services.plan_save(plan=Plan(**data, is_published=True), editor=editor)
    return plan


def _workstream(plan: Plan, editor, *, code: str, title: str, **fields) -> Workstream:
    workstream = Workstream.objects.filter(plan=plan, code=code, title=title).first()
    if workstream is None:
        workstream = services.workstream_save(
            workstream=Workstream(plan=plan, code=code, title=title, **fields), editor=editor
        )
    return workstream


def _item(
    workstream: Workstream, editor, people, *, title, owner_key, owner_body, due, weight, updates, status, position
) -> ActionItem:
    item = ActionItem.objects.filter(workstream=workstream, title=title).first()
    if item is None:
        item = ActionItem(
            workstream=workstream,
            title=title,
            owner=people.get(owner_key) if owner_key else None,
            owner_body=owner_body,
            due_on=due,
            weight=weight,
            position=position,
        )
        if status:
            item.status = status
            item.percent_complete = 100 if status == S.COMPLETE else 0
        services.item_save(item=item, editor=editor)
    for day, text, new_status, percent in updates:
        if not ProgressUpdate.objects.filter(item=item, reported_on=day, text=text).exists():
            services.progress_update_post(
                item=item, author=editor, reported_on=day, text=text, status=new_status, percent=percent
            )
    return item


def _indicator(
    workstream: Workstream, editor, *, name, unit, baseline, baseline_on, target, target_on, direction, measurements
) -> Indicator:
    indicator = Indicator.objects.filter(workstream=workstream, name=name).first()
    if indicator is None:
        indicator = services.indicator_save(
            indicator=Indicator(
                workstream=workstream,
                name=name,
                unit=unit,
                baseline=Decimal(baseline),
                baseline_on=baseline_on,
                target=Decimal(target),
                target_on=target_on,
                direction=direction,
            ),
            editor=editor,
        )
    for day, value in measurements:
        if not Measurement.objects.filter(indicator=indicator, measured_on=day).exists():
            services.measurement_add(indicator=indicator, editor=editor, measured_on=day, value=Decimal(value))
    return indicator


def _load_deib(people, editor) -> Plan:
    plan = _plan(DEIB_PLAN, editor)
    years = {}
    for number, title, starts_on, ends_on, theme in DEIB_YEARS:
        year = PlanYear.objects.filter(plan=plan, number=number).first()
        if year is None:
            year = services.year_save(
                year=PlanYear(plan=plan, number=number, title=title, theme=theme, starts_on=starts_on, ends_on=ends_on),
                editor=editor,
            )
        years[number] = year
    streams = {}
    for position, (year, code, kind, title, description, weight, items) in enumerate(DEIB_WORKSTREAMS):
        streams[code] = stream = _workstream(
            plan,
            editor,
            code=code,
            title=title,
            kind=kind,
            description=description,
            weight=weight,
            year=years[year],
            position=position,
        )
        for item_position, (item_title, owner_key, owner_body, due, item_weight, updates, status) in enumerate(items):
            _item(
                stream,
                editor,
                people,
                title=item_title,
                owner_key=owner_key,
                owner_body=owner_body,
                due=due,
                weight=item_weight,
                updates=updates,
                status=status,
                position=item_position,
            )
    for code, name, unit, baseline, baseline_on, target, target_on, direction, measurements in DEIB_INDICATORS:
        _indicator(
            streams[code],
            editor,
            name=name,
            unit=unit,
            baseline=baseline,
            baseline_on=baseline_on,
            target=target,
            target_on=target_on,
            direction=direction,
            measurements=measurements,
        )
    return plan


def _load_policy(people, editor) -> Plan:
    plan = _plan(POLICY_PLAN, editor)
    streams = {}
    for position, (code, title, items) in enumerate(POLICY_AREAS):
        streams[code] = stream = _workstream(
            plan, editor, code=code, title=title, kind=Workstream.Kind.POLICY_AREA, position=position
        )
        for item_position, (item_title, owner_key, owner_body, due, updates, status) in enumerate(items):
            _item(
                stream,
                editor,
                people,
                title=item_title,
                owner_key=owner_key,
                owner_body=owner_body,
                due=due,
                weight=1,
                updates=updates,
                status=status,
                position=item_position,
            )
    _indicator(
        streams["C"],
        editor,
        name="Share of new hires who are educators of color",
        unit="%",
        baseline="14",
        baseline_on=date(2026, 6, 30),
        target="25",
        target_on=date(2029, 6, 30),
        direction=Indicator.Direction.INCREASE,
        measurements=[(date(2026, 10, 1), "16")],
    )
    return plan


def _load_district_plan(people, editor) -> Plan:
    plan = _plan(DISTRICT_PLAN, editor)
    objective = _workstream(
        plan,
        editor,
        code="1",
        title="Equity and Access",
        kind=Workstream.Kind.OBJECTIVE,
        description="Objective 1 of the district plan.",
    )
    initiative = _workstream(
        plan,
        editor,
        code="1.3",
        kind=Workstream.Kind.INITIATIVE,
        parent=objective,
        title="Implement the Dynamic Diversity program",
        description="Recruit, hire, and retain a workforce that reflects the diversity of the district. The "
        "employee resource groups emerge out of this initiative.",
    )
    launch = _item(
        initiative,
        editor,
        people,
        title="Launch employee resource groups",
        owner_key="hr",
        owner_body="Office of Human Resources and the Educators of Color Committee",
        due=date(2026, 5, 29),
        weight=2,
        status=None,
        position=0,
        updates=[
            (
                date(2026, 5, 22),
                "Kick-off event held for all staff except administrators; groups began forming.",
                S.COMPLETE,
                100,
            ),
        ],
    )
    administrators_event = _item(
        initiative,
        editor,
        people,
        title="Hold an event on employee resource groups for administrators",
        owner_key="director",
        owner_body="",
        due=date(2026, 11, 30),
        weight=1,
        status=None,
        position=1,
        updates=[(date(2026, 10, 28), "Date and place set for early December.", S.IN_PROGRESS, 60)],
    )
    _item(
        initiative,
        editor,
        people,
        title="Add the groups to the new-hire welcome",
        owner_key="hr",
        owner_body="",
        due=date(2027, 1, 29),
        weight=1,
        status=S.NOT_STARTED,
        position=2,
        updates=[],
    )
    _link_groups(launch)
    _link_meeting(launch, "Employee Resource Groups kick-off")
    _link_meeting(administrators_event, "Employee Resource Groups: a session for administrators")
    return plan


def _link_groups(item: ActionItem) -> None:
    found = list(Group.objects.filter(name__in=ERG_GROUP_NAMES))
    if found:
        item.groups.add(*found)


def _link_meeting(item: ActionItem, title: str) -> None:
    # The meetings demo runs first in load_demo; without it there is simply nothing to link.
    from meetings.models import Meeting

    meeting = Meeting.objects.filter(title=title, group__isnull=True).first()
    if meeting is not None:
        item.meetings.add(meeting)


def load(stdout, people) -> None:
    editor = people.get("director")
    plans = [_load_deib(people, editor), _load_policy(people, editor), _load_district_plan(people, editor)]
    for model, fields in [
        (Plan, ["title", "summary", "source"]),
        (PlanYear, ["title", "theme"]),
        (Workstream, ["title", "description"]),
        (ActionItem, ["title", "description"]),
        (ProgressUpdate, ["text"]),
        (Indicator, ["name", "unit"]),
    ]:
        add_translations(model.objects.all(), fields, SPANISH)
    items = ActionItem.objects.filter(workstream__plan__in=plans).count()
    stdout.write(f"  equity plan: {len(plans)} plans, {items} action items")

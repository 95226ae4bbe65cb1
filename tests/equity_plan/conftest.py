import pytest

from .factories import PlanFactory


@pytest.fixture
def plan(db):
    return PlanFactory(slug="westport-deib", title="DEIB 3-Year Plan")


@pytest.fixture
def draft_plan(db):
    return PlanFactory(slug="draft-plan", title="Unannounced Plan", is_published=False)

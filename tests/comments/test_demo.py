import io

import pytest

from comments import demo, receipts
from comments.models import Comment, Topic

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_topics_and_comments_once(client):
    demo.load(io.StringIO(), people={})
    demo.load(io.StringIO(), people={})
    assert Topic.objects.filter(name="Proposed educational equity policy").exists()
    assert Topic.objects.count() == len(demo.TOPICS)
    assert Comment.objects.count() == demo.COMMENT_COUNT
    assert Comment.objects.filter(identity_disclosed=True).exists()
    assert Comment.objects.values("language").distinct().count() >= 5
    assert Comment.objects.values("status").distinct().count() == 4
    page = client.post("/comment/receipt/", {"code": receipts.display(demo.demo_code(1))}).content.decode()
    assert "Thank you for raising this." in page

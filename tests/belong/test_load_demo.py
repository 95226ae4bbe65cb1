from belong.management.commands.load_demo import demo_modules


def test_it_finds_each_apps_demo_in_installed_apps_order():
    # belong first (the footer's Spanish), then accounts: it makes the people every later demo gives roles
    # to; meetings before the equity plan, which links a meeting when there is one.
    assert [module.__name__ for module in demo_modules()] == [
        "belong.demo",
        "accounts.demo",
        "groups.demo",
        "meetings.demo",
        "equity_plan.demo",
        "comments.demo",
        "funding.demo",
        "spaces.demo",
    ]


def test_it_gives_every_demo_the_same_entry_points():
    for module in demo_modules():
        assert callable(module.load), module.__name__

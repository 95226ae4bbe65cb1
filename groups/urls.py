from django.urls import path

from . import delivery_views, views

app_name = "groups"

# Fixed pages come before "<slug>/"; their names are reserved (models.RESERVED_SLUGS).
urlpatterns = [
    path("", views.directory, name="directory"),
    path("propose/", views.propose, name="propose"),
    path("overview/", views.overview, name="overview"),
    path("public/", views.public_directory, name="public_directory"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/colour/", views.colour, name="colour"),
    path("<slug:slug>/visibility/", views.visibility, name="visibility"),
    path("<slug:slug>/membership/", views.my_membership, name="membership"),
    path("<slug:slug>/roster/", views.roster, name="roster"),
    path("<slug:slug>/roster/invite/", views.invite, name="invite"),
    path("<slug:slug>/roster/unreachable/", delivery_views.unreachable, name="unreachable"),
    path("<slug:slug>/roster.csv", views.export_roster, name="export"),
    path("<slug:slug>/email/", views.email_group, name="email"),
]

from django.urls import path

from . import views

app_name = "meetings"

# Included at the site root: these are full paths.
urlpatterns = [
    path("meetings/<int:pk>/", views.detail, name="detail"),
    path("meetings/<int:pk>.ics", views.download, name="ics"),
    path("meetings/<int:pk>/reply/", views.reply, name="reply"),
    path("meetings/<int:pk>/edit/", views.edit_occurrence, name="edit_occurrence"),
    path("meetings/<int:pk>/cancel/", views.cancel_occurrence, name="cancel_occurrence"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/check-in/", views.check_in_display, name="check_in_display"),
    path("meetings/series/<int:pk>/hours/", views.credit_hours, name="credit_hours"),
    path("check-in/", views.check_in, name="check_in"),
    path("check-in/<str:code>/", views.check_in_code, name="check_in_code"),
    path("meetings/series/<int:pk>/edit/", views.edit_meeting, name="edit_meeting"),
    path("meetings/series/<int:pk>/cancel/", views.cancel_meeting, name="cancel_meeting"),
    path("me/meetings/", views.my_meetings, name="mine"),
    path("me/calendar/reset/", views.reset_calendar, name="reset_calendar"),
    path("me/calendar/<str:token>.ics", views.my_calendar_feed, name="feed"),
    path("groups/<slug:slug>/meetings/new/", views.new_group_meeting, name="new"),
    path("groups/<slug:slug>/schedule/", views.public_schedule, name="public_schedule"),
    path("groups/<slug:slug>/schedule.ics", views.public_feed, name="public_feed"),
    path("events/new/", views.new_district_event, name="new_event"),
]

from django.urls import path

from . import views

app_name = "spaces"

# The person's own pages sit under "me/", a name no group can take (groups.models.RESERVED_SLUGS).
urlpatterns = [
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/notifications/read/", views.notifications_read, name="notifications_read"),
    path("me/notifications/unread/", views.unread, name="unread"),
    path("me/preferences/", views.preferences, name="preferences"),
    path("<slug:slug>/", views.space, name="space"),
    path("<slug:slug>/announcements/", views.announcements, name="announcements"),
    path("<slug:slug>/announcements/new/", views.announce, name="announce"),
    path("<slug:slug>/announcements/<int:pk>/", views.announcement, name="announcement"),
    path("<slug:slug>/announcements/<int:pk>/pin/", views.announcement_pin, name="announcement_pin"),
    path("<slug:slug>/announcements/<int:pk>/delete/", views.announcement_delete, name="announcement_delete"),
    path("<slug:slug>/announcements/<int:pk>/file/", views.announcement_file, name="announcement_file"),
    path("<slug:slug>/discussions/", views.threads, name="threads"),
    path("<slug:slug>/discussions/new/", views.thread_new, name="thread_new"),
    path("<slug:slug>/discussions/<int:pk>/", views.thread, name="thread"),
    path("<slug:slug>/discussions/<int:pk>/reply/", views.reply, name="reply"),
    path("<slug:slug>/discussions/<int:pk>/lock/", views.thread_lock, name="thread_lock"),
    path("<slug:slug>/posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("<slug:slug>/posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("<slug:slug>/posts/<int:pk>/hide/", views.post_hide, name="post_hide"),
    path("<slug:slug>/posts/<int:pk>/report/", views.post_report, name="post_report"),
    path("<slug:slug>/resources/", views.resources, name="resources"),
    path("<slug:slug>/resources/<int:pk>/move/", views.resource_move, name="resource_move"),
    path("<slug:slug>/resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
    path("<slug:slug>/resources/<int:pk>/file/", views.resource_file, name="resource_file"),
    path("<slug:slug>/search/", views.search, name="search"),
]

from django.urls import path

from . import views

app_name = "impact"

# Included at the site root: these are full paths.
urlpatterns = [
    path("feedback/<str:token>/", views.feedback, name="feedback"),
    path("meetings/<int:pk>/feedback/", views.feedback_results, name="feedback_results"),
    path("me/participation/", views.participation, name="participation"),
    path("me/participation/<int:year>/", views.participation_record, name="participation_record"),
    path("me/participation/<int:year>.csv", views.participation_csv, name="participation_csv"),
    path("you-said-we-did/", views.you_said_we_did, name="you_said_we_did"),
    path("impact/report/", views.annual_report, name="report"),
    path("impact/report/<slug:table>.csv", views.annual_report_csv, name="report_csv"),
]

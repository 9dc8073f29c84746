from django.urls import path

from wellbeing import exposure_views, views

urlpatterns = [
    path("journal/", views.journal, name="journal"),
    path("journal/<int:pk>/edit/", views.journal_edit, name="journal-edit"),
    path("journal/<int:pk>/delete/", views.journal_delete, name="journal-delete"),
    path("journal/delete-all/", views.journal_delete_all, name="journal-delete-all"),
    path("journal/export/", views.journal_export, name="journal-export"),
    path("debriefs/", views.debrief_list, name="debriefs"),
    path(
        "debriefs/<int:pk>/<str:action>/",
        views.debrief_move,
        name="debrief-move",
    ),
    path("pulse/", views.pulse_page, name="pulse"),
    path("wellbeing/", views.indicators, name="wellbeing-indicators"),
    path("support/", views.support, name="support"),
    path("support/manage/", views.support_manage, name="support-manage"),
    path("support/manage/new/", views.support_edit, name="support-new"),
    path("support/manage/<int:pk>/", views.support_edit, name="support-edit"),
]

# Exposure and recovery (wellbeing/exposure_views.py)
urlpatterns += [
    path("wellbeing/exposure/", exposure_views.exposure_page, name="exposure"),
    path("wellbeing/exposure/teams/", exposure_views.team_exposure, name="exposure-teams"),
    path(
        "wellbeing/exposure/rotation/<int:pk>/",
        exposure_views.rotation_advisory,
        name="rotation-advisory",
    ),
    path(
        "wellbeing/interactions/<int:pk>/intensity/",
        exposure_views.interaction_intensity,
        name="interaction-intensity",
    ),
]

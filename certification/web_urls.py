from django.urls import path

from certification import role_play_views

urlpatterns = [
    path(
        "cohorts/<int:cohort_id>/role-plays/book/",
        role_play_views.role_play_book,
        name="role-play-book",
    ),
    path("role-plays/<int:pk>/", role_play_views.role_play, name="role-play"),
]

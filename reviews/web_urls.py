from django.urls import path

from reviews import views

urlpatterns = [
    path("reviews/", views.coach_home, name="coach-home"),
    path("reviews/<int:pk>/", views.review, name="review"),
]

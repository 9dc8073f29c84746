from django.urls import path

from reviews import views

urlpatterns = [
    path("reviews/", views.coach_home, name="coach-home"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/disputes/", views.disputes, name="disputes"),
    path("reviews/plans/", views.plans, name="review-plans"),
    path("reviews/plans/<int:pk>/", views.plan_detail, name="review-plan"),
    path("reviews/disputes/<int:pk>/", views.dispute_detail, name="dispute"),
    path("feedback/", views.my_feedback, name="my-feedback"),
    path("feedback/self/<int:assignment_id>/", views.self_assessment, name="self-assessment"),
    path("scorecard/", views.scorecard, name="my-scorecard"),
    path("scorecard/<int:agent_id>/", views.scorecard, name="scorecard"),
    path("feedback/<int:score_id>/dispute/", views.dispute_new, name="dispute-new"),
]

from django.urls import path

from accounts import views

urlpatterns = [
    path("reminders/off/<str:token>/", views.unsubscribe, name="reminder-unsubscribe"),
    path("reminders/on/<str:token>/", views.resubscribe, name="reminder-resubscribe"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]

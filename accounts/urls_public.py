from django.urls import path

from accounts import views

urlpatterns = [
    path("reminders/off/<str:token>/", views.unsubscribe, name="reminder-unsubscribe"),
    path("reminders/on/<str:token>/", views.resubscribe, name="reminder-resubscribe"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("invitations/<str:token>/renew/", views.invitation_renew, name="invitation-renew"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]

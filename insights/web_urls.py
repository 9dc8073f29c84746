from django.urls import path

from insights import views

urlpatterns = [path("insights/", views.hr_insights, name="insights")]

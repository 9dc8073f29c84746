from django.urls import path

from programs import views

urlpatterns = [
    path("macros/", views.macro_export, name="macros"),
    path("macros/download/", views.macro_download, name="macros-download"),
]

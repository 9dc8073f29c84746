from django.urls import path

from certification import views

app_name = "badges"

urlpatterns = [
    path("issuer", views.issuer, name="issuer"),
    path("classes/<int:pk>", views.badge_class, name="class"),
    path("classes/<int:pk>/image.png", views.badge_class_image, name="class-image"),
    path("assertions/<uuid:uuid>", views.assertion, name="assertion"),
    path("assertions/<uuid:uuid>/verify", views.verify, name="verify"),
    path("assertions/<uuid:uuid>/baked.png", views.baked, name="baked"),
]

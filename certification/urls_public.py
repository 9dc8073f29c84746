from django.urls import path

from certification import badge_link_views, views

app_name = "badges"

urlpatterns = [
    path("issuer", views.issuer, name="issuer"),
    path("classes/<int:pk>", views.badge_class, name="class"),
    path("classes/<int:pk>/image.png", views.badge_class_image, name="class-image"),
    path("assertions/<uuid:uuid>", views.assertion, name="assertion"),
    path("assertions/<uuid:uuid>/verify", views.verify, name="verify"),
    path("assertions/<uuid:uuid>/baked.png", views.baked, name="baked"),
    # The helpdesk badge: a private link's status document and SVG (badge_links.py).
    path("helpdesk/<str:token>/status.json", badge_link_views.link_status, name="link-status"),
    path("helpdesk/<str:token>/badge.svg", badge_link_views.link_svg, name="link-svg"),
]

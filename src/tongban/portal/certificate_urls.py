"""Public certificate pages (verification) and the holder's certificates."""

from django.urls import path

from . import certificate_views

urlpatterns: list = [
    path("verify/", certificate_views.verify_upload, name="certificate-verify-upload"),
    path("verify/<str:identifier>/", certificate_views.verify, name="certificate-verify"),
    path("me/certificates/", certificate_views.my_certificates, name="my-certificates"),
    path(
        "me/certificates/<int:pk>/certificate.pdf",
        certificate_views.download,
        name="certificate-download",
    ),
]

"""Public certificate pages (verification) and the holder's certificates."""

from django.urls import path

from . import certificate_views, revoked_views

urlpatterns: list = [
    # Before verify/<identifier>/: "revoked" is not an identifier.
    path("verify/revoked/", revoked_views.revoked_list, name="certificates-revoked"),
    path("verify/", certificate_views.verify_upload, name="certificate-verify-upload"),
    path("verify/<str:identifier>/", certificate_views.verify, name="certificate-verify"),
    path("me/certificates/", certificate_views.my_certificates, name="my-certificates"),
    path(
        "me/certificates/<int:pk>/certificate.pdf",
        certificate_views.download,
        name="certificate-download",
    ),
]

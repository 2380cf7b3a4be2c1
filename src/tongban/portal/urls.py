from django.urls import path

from . import bundle_views, case_views, certificate_urls, guidance, instant_urls, items, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("after-login/", views.after_login, name="after-login"),
    path("me/", views.my_account, name="me"),
    path("items/", items.item_list, name="items"),
    path("items/<str:impl_code>/", items.item_guide, name="item-guide"),
    path("items/<str:impl_code>/situation/", items.item_situation, name="item-situation"),
    path("items/<str:impl_code>/notice/", items.item_notice, name="item-notice"),
    path("items/<str:impl_code>/apply/", case_views.apply, name="apply"),
    path(
        "items/<str:impl_code>/apply/materials/",
        case_views.apply_materials,
        name="apply-materials",
    ),
    path("me/cases/", case_views.case_list, name="my-cases"),
    path("me/cases/messages/read/", case_views.messages_read, name="messages-read"),
    path("me/cases/<int:pk>/", case_views.case_detail, name="case-detail"),
    path("me/cases/<int:pk>/apply/", case_views.edit, name="case-edit"),
    path("me/cases/<int:pk>/supply/", case_views.supply, name="case-supply"),
    path("me/cases/<int:pk>/withdraw/", case_views.withdraw, name="case-withdraw"),
    path("me/cases/<int:pk>/commitment/", case_views.commitment, name="case-commitment"),
    path(
        "me/cases/<int:pk>/documents/<str:kind>.pdf",
        case_views.case_document,
        name="case-document",
    ),
    path("progress/", case_views.progress, name="progress"),
    path("search/", guidance.search_page, name="search"),
    path("browse/", guidance.browse, name="browse"),
    path("bundles/<str:code>/", guidance.bundle_guide, name="bundle-guide"),
    path("bundles/<str:code>/situation/", guidance.bundle_situation, name="bundle-situation"),
    path("bundles/<str:code>/notice/", guidance.bundle_notice, name="bundle-notice"),
    path("bundles/<str:code>/apply/", bundle_views.bundle_apply, name="bundle-apply"),
    path("bundles/<str:code>/check-name/", bundle_views.name_check, name="bundle-name-check"),
    path("me/bundles/<int:pk>/", bundle_views.application_detail, name="bundle-application"),
    path(
        "me/bundles/<int:pk>/materials/",
        bundle_views.application_upload,
        name="bundle-application-upload",
    ),
    path(
        "me/bundles/<int:pk>/submit/",
        bundle_views.application_submit,
        name="bundle-application-submit",
    ),
]

urlpatterns += certificate_urls.urlpatterns + instant_urls.urlpatterns

from django.urls import path

from . import guidance, items, views

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
    path("search/", guidance.search_page, name="search"),
    path("browse/", guidance.browse, name="browse"),
    path("bundles/<str:code>/", guidance.bundle_guide, name="bundle-guide"),
    path("bundles/<str:code>/situation/", guidance.bundle_situation, name="bundle-situation"),
    path("bundles/<str:code>/notice/", guidance.bundle_notice, name="bundle-notice"),
]

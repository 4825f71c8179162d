from django.urls import path

from smartcity.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("profil/export/", views.export_data, name="export"),
    path("profil/loeschen/", views.delete_account, name="delete"),
]

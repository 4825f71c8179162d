from django.urls import path

from smartcity.portfolio.views import map as map_views
from smartcity.portfolio.views import pages, submission

app_name = "portfolio"

urlpatterns = [
    path("karte/", map_views.map_page, name="map_all"),
    path("partner/", pages.partner_list, name="partners"),
    path("partner/<slug:slug>/", pages.partner_detail, name="partner"),
    path("handlungsfelder/", pages.action_field_list, name="action_fields"),
    path("handlungsfelder/<slug:slug>/", pages.action_field_detail, name="action_field"),
    path("expertenteams/", pages.expert_team_list, name="expert_teams"),
    path("expertenteams/<slug:slug>/", pages.expert_team_detail, name="expert_team"),
    path("projekte/<str:key>/", pages.project_any, name="project_any"),
    path("einreichen/", submission.my_submissions, name="submissions"),
    path("einreichen/neu/", submission.submit, name="submit"),
    path("einreichen/<int:pk>/bearbeiten/", submission.edit, name="submission_edit"),
    path("einreichen/pruefen/", submission.review_queue, name="review_queue"),
    path("einreichen/pruefen/<int:pk>/", submission.review, name="review"),
    path("<slug:city>/karte/", map_views.map_page, name="map"),
    path("<slug:city>/projekte/", pages.project_list, name="projects"),
    path("<slug:city>/projekte/<str:key>/", pages.project_detail, name="project"),
    path("<slug:city>/orte/<slug:slug>/", pages.place_detail, name="place"),
]

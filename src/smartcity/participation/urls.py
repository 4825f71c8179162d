from django.urls import path

from smartcity.participation.views import ideas, inbox, moderation, projects

app_name = "participation"

urlpatterns = [
    path("beteiligung/postfach/", inbox.inbox, name="inbox"),
    path("beteiligung/abmelden/<str:token>/", inbox.unsubscribe, name="unsubscribe"),
    path("beteiligung/ideen/bestaetigen/<str:token>/", ideas.idea_confirm, name="idea_confirm"),
    path("beteiligung/kommentare/<int:pk>/melden/", projects.comment_report, name="report"),
    path("beteiligung/kommentare/<int:pk>/loeschen/", projects.comment_delete, name="delete"),
    path("beteiligung/kommentare/<int:pk>/bearbeiten/", projects.comment_edit, name="edit"),
    path("beteiligung/<slug:city>/projekte/<str:key>/", projects.project_page, name="project"),
    path(
        "beteiligung/<slug:city>/projekte/<str:key>/kommentieren/",
        projects.project_comment,
        name="project_comment",
    ),
    path(
        "beteiligung/<slug:city>/projekte/<str:key>/bewerten/",
        projects.project_rate,
        name="project_rate",
    ),
    path("beteiligung/<slug:city>/moderation/", moderation.queue, name="moderation"),
    path("beteiligung/<slug:city>/moderation/entscheiden/", moderation.decide, name="decide"),
    path("beteiligung/<slug:city>/moderation/verlauf/", moderation.history, name="history"),
    path(
        "beteiligung/<slug:city>/moderation/auffaellig/<int:pk>/erledigt/",
        moderation.resolve_flag,
        name="resolve_flag",
    ),
    path("beteiligung/<slug:city>/moderation/ideen/", moderation.idea_queue, name="idea_queue"),
    path(
        "beteiligung/<slug:city>/moderation/ideen/<int:pk>/",
        moderation.idea_decide,
        name="idea_decide",
    ),
    path(
        "beteiligung/<slug:city>/export/<str:kind>.<str:fmt>",
        moderation.export,
        name="export",
    ),
    path("<slug:city>/ideen/", ideas.idea_list, name="ideas"),
    path("<slug:city>/ideen/neu/", ideas.idea_new, name="idea_new"),
    path("<slug:city>/ideen/<int:pk>/", ideas.idea_detail, name="idea"),
    path("<slug:city>/ideen/<int:pk>/kommentieren/", ideas.idea_comment, name="idea_comment"),
    path("<slug:city>/ideen/<int:pk>/unterstuetzen/", ideas.idea_support, name="idea_support"),
]

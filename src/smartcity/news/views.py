"""News and event pages of a city: lists with filters, details, event registration."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.core.models import City
from smartcity.news import emails, services
from smartcity.news.forms import EventFilterForm, PostFilterForm, RegistrationForm
from smartcity.news.models import Event, Post, Registration, Tag

PAGE_SIZE = 20


def _city(slug) -> City:
    return get_object_or_404(City, slug=slug)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("seite"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("seite", None)
    return query.urlencode()


def post_list(request, city):
    city = _city(city)
    form = PostFilterForm(request.GET or None)
    form.set_tag_choices(Tag.objects.filter(post__city=city).distinct())
    posts = Post.objects.published().filter(city=city).prefetch_related("tags")
    tag = None
    if form.is_valid():
        if form.cleaned_data["tag"]:
            tag = get_object_or_404(Tag, slug=form.cleaned_data["tag"])
            posts = posts.filter(tags=tag)
        if form.cleaned_data["q"]:
            text = form.cleaned_data["q"]
            posts = posts.filter(Q(title__icontains=text) | Q(teaser__icontains=text))
    return render(
        request,
        "news/post_list.html",
        {
            "city": city,
            "current_city": city,
            "form": form,
            "tag": tag,
            "page": _page(request, posts),
            "query": _query_without_page(request),
        },
    )


def post_detail(request, city, slug):
    city = _city(city)
    post = get_object_or_404(
        Post.objects.published().prefetch_related("tags"), city=city, slug=slug
    )
    return render(request, "news/post_detail.html", {"post": post, "current_city": city})


def event_list(request, city):
    city = _city(city)
    form = EventFilterForm(request.GET or None)
    form.set_tag_choices(Tag.objects.filter(event__city=city).distinct())
    events = Event.objects.published().filter(city=city).prefetch_related("tags")
    now = timezone.now()
    period, tag = "kommend", None
    if form.is_valid():
        data = form.cleaned_data
        period = data["zeitraum"] or "kommend"
        if data["tag"]:
            tag = get_object_or_404(Tag, slug=data["tag"])
            events = events.filter(tags=tag)
        if data["kategorie"]:
            events = events.filter(category=data["kategorie"])
        if data["q"]:
            events = events.filter(Q(title__icontains=data["q"]) | Q(place__icontains=data["q"]))
    events = (
        events.filter(end__gte=now)
        if period == "kommend"
        else events.filter(end__lt=now).order_by("-start")
    )
    return render(
        request,
        "news/event_list.html",
        {
            "city": city,
            "current_city": city,
            "form": form,
            "tag": tag,
            "page": _page(request, events),
            "query": _query_without_page(request),
        },
    )


def event_detail(request, city, slug):
    city = _city(city)
    event = get_object_or_404(
        Event.objects.published().prefetch_related("tags"), city=city, slug=slug
    )
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration, key = services.register(
                event, form.cleaned_data["name"], form.cleaned_data["email"]
            )
        except services.RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            emails.send_registration(registration, key, request.build_absolute_uri("/"))
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(
                    request, _("Sie sind angemeldet. Wir haben Ihnen eine E-Mail geschickt.")
                )
            else:
                messages.info(
                    request,
                    _("Die Veranstaltung ist ausgebucht: Sie stehen auf der Warteliste."),
                )
            return redirect(event.get_absolute_url())
    return render(
        request,
        "news/event_detail.html",
        {
            "event": event,
            "current_city": city,
            "form": form,
            "counts": services.counts(event) if event.has_registration else None,
            "open_for_registration": event.has_registration and event.end > timezone.now(),
        },
    )


def unregister(request, city, pk):
    key = request.POST.get("schluessel") or request.GET.get("schluessel") or ""
    registration = Registration.objects.select_related("event__city").filter(pk=pk).first()
    if registration is None or not registration.key_matches(key):
        return render(
            request,
            "news/unregister.html",
            {"error": _("Der Link ist ungültig.")},
            status=403,
        )
    if request.method == "POST":
        try:
            registration, moved_up = services.cancel(pk, key)
        except services.RegistrationError as error:
            messages.error(request, error.message)
        else:
            if moved_up:
                emails.send_moved_up(moved_up)
            messages.success(request, _("Sie sind abgemeldet."))
            return redirect(registration.event.get_absolute_url())
    return render(request, "news/unregister.html", {"registration": registration, "key": key})

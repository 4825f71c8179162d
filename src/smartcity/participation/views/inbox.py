"""The personal inbox, notification preferences and one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.participation.forms import PreferenceForm
from smartcity.participation.services import notify


@login_required
def inbox(request):
    prefs = notify.preferences(request.user)
    form = PreferenceForm(request.POST or None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ihre Einstellungen sind gespeichert."))
        return redirect("participation:inbox")
    notes = list(request.user.participation_inbox.all()[:50])
    request.user.participation_inbox.filter(read_at=None).update(read_at=timezone.now())
    return render(request, "participation/inbox.html", {"notes": notes, "form": form})


def unsubscribe(request, token):
    # GET only shows the button; mail scanners following links must not unsubscribe.
    if request.method == "POST":
        if notify.unsubscribe(token) is None:
            raise Http404
        return render(request, "participation/unsubscribed.html", {"done": True})
    return render(request, "participation/unsubscribed.html", {"done": False, "token": token})

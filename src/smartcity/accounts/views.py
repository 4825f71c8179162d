import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcity.accounts import services
from smartcity.accounts.forms import DeleteAccountForm, ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ihr Profil wurde gespeichert."))
        return redirect("accounts:profile")
    memberships = request.user.memberships.select_related("city")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": memberships},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def export_data(request):
    data = services.export_user_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    filename = f"smartcity-daten-{request.user.username}-{timezone.now():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user)
        messages.success(request, _("Ihr Konto und Ihre Daten wurden gelöscht."))
        return redirect("core:start")
    return render(
        request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200
    )

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from smartcity.core import tokens
from smartcity.core.models import ApiToken


class Command(BaseCommand):
    help = "API-Tokens anlegen, auflisten und widerrufen."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a token and print it")
        create.add_argument("username")
        create.add_argument(
            "--scope", required=True, help=f"comma-separated: {', '.join(sorted(tokens.SCOPES))}"
        )
        create.add_argument("--name", default="")
        create.add_argument("--expires-days", type=int, default=None)
        listing = actions.add_parser("list", help="list tokens")
        listing.add_argument("username", nargs="?")
        listing.add_argument("--all", action="store_true", help="include revoked tokens")
        revoke = actions.add_parser("revoke", help="revoke a token by id or prefix")
        revoke.add_argument("token", help="id or prefix as shown by 'token list'")

    def handle(self, *args, **options):
        getattr(self, f"handle_{options['action']}")(options)

    def handle_create(self, options):
        User = get_user_model()
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"unknown user {options['username']!r}") from None
        expires_at = None
        if options["expires_days"] is not None:
            if options["expires_days"] < 1:
                raise CommandError("--expires-days must be at least 1")
            expires_at = timezone.now() + timedelta(days=options["expires_days"])
        try:
            _token, secret = tokens.create_token(
                user, options["scope"], name=options["name"], expires_at=expires_at
            )
        except tokens.TokenError as error:
            raise CommandError(f"--scope: {error}") from None
        # Only the token on stdout, so scripts can capture it.
        self.stdout.write(secret)

    def handle_list(self, options):
        queryset = ApiToken.objects.select_related("user")
        if options["username"]:
            queryset = queryset.filter(user__username=options["username"])
        if not options["all"]:
            queryset = queryset.active()
        for token in queryset:
            state = "active" if token.is_active else "revoked/expired"
            self.stdout.write(
                f"{token.pk}\t{token.prefix}\t{token.user.username}\t{','.join(token.scopes)}"
                f"\t{token.name}\t{token.created_at:%Y-%m-%d}\t{state}"
            )

    def handle_revoke(self, options):
        try:
            token = tokens.find_token(options["token"])
        except tokens.TokenError as error:
            raise CommandError(str(error)) from None
        tokens.revoke_token(token)
        self.stdout.write(f"revoked {token.prefix}")

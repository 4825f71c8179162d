"""Bearer-token authentication for the platform's JSON API (django-ninja)."""

from ninja.security import HttpBearer

from smartcity.core import tokens


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; ``scope`` restricts to tokens holding it."""

    openapi_scheme = "bearer"

    def __init__(self, scope: str | None = None):
        self.scope = scope
        super().__init__()

    def authenticate(self, request, token):
        api_token = tokens.verify_token(token, self.scope)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token

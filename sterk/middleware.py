from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_scopes import scopes_disabled


def admin_scopes_disabled(get_response):
    """The Django admin works across partnerships, so it runs with scopes disabled.

    Everywhere else a query on a tenant-owned model without an active partnership
    scope raises ScopeError instead of leaking rows of another partnership.
    """
    prefix = "/" + settings.ADMIN_URL_PREFIX

    def middleware(request):
        if request.path.startswith(prefix):
            with scopes_disabled():
                return get_response(request)
        return get_response(request)

    return middleware


def language_from_cookie(get_response):
    """Dutch unless the person chose otherwise with the language switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: Sterk is a
    Dutch programme's tool, and an English browser should not silently change that.
    """
    supported = {code for code, _name in settings.LANGUAGES}

    def middleware(request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response

    return middleware

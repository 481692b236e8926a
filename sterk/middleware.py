from django.conf import settings
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

def tenant(request):
    """The current partnership and role, for the navigation in base.html."""
    return {"tenant": getattr(request, "tenant", None)}

"""What every printed document shares: the PDF template folder, its page set-up, and a URL
fetcher that serves only files from that folder, so a render never goes over the network
(nor to the app itself). Imports no app."""

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings

PDF_DIR = Path(settings.BASE_DIR) / "templates" / "pdf"
# The page set-up every printed document shares; each adds its own rules after it.
BASE_STYLESHEET = PDF_DIR / "base.css"


def local_fetcher():
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        """Serves file:// URLs inside the PDF template folder; refuses everything else."""

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme != "file":
                raise ValueError(f"only local files are served to the PDF renderer: {url}")
            path = Path(unquote(parsed.path)).resolve()
            if not path.is_relative_to(PDF_DIR.resolve()) or not path.is_file():
                raise ValueError(f"not a PDF resource: {url}")
            return super().fetch(path.as_uri(), headers)

    return LocalFetcher(allowed_protocols=("file",))


def stylesheets(css_class, fetcher, own) -> list:
    """The shared page set-up and a document's own stylesheet, in that order."""
    return [css_class(filename=str(path), url_fetcher=fetcher) for path in (BASE_STYLESHEET, own)]

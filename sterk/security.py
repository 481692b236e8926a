"""The Content-Security-Policy beyond its settings (CONTENT_SECURITY_POLICY in
sterk/settings.py): what one view needs differently."""

from csp.constants import SELF
from csp.decorators import csp_replace

# A PDF our own pages show in an <iframe> (a preview, the document being signed): our pages
# may frame it, no one else (as X-Frame-Options SAMEORIGIN says to older browsers). Every
# other response has frame-ancestors 'none'.
framed_by_own_pages = csp_replace({"frame-ancestors": [SELF]})

"""Pages without an account: a signatory's link and the public verify page (docs/rules.md §13)."""

from django.urls import path

from signing.views import sign, verify

sign_patterns = (
    [
        path("<str:token>/", sign.sign_page, name="page"),
        path("<str:token>/document/", sign.sign_document, name="document"),
        path("<str:token>/pages/<int:number>/", sign.sign_page_image, name="page-image"),
    ],
    "sign",
)

verify_patterns = ([path("", verify.verify_page, name="page")], "verify")

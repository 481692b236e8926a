"""What a signature's evidence records about where it came from (docs/rules.md §13)."""

from django.test import RequestFactory

from signing.services import Client


def _request(**meta):
    return RequestFactory().post("/sign/x/", **meta)


def test_the_address_is_the_connection_by_default(settings):
    settings.SIGNING_TRUST_X_FORWARDED_FOR = False
    request = _request(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert Client.of(request).ip_address == "10.0.0.5"


def test_behind_a_trusted_proxy_the_address_it_added_counts(settings):
    settings.SIGNING_TRUST_X_FORWARDED_FOR = True
    request = _request(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    # The first entry is whatever the client claimed; the last is what our proxy saw.
    assert Client.of(request).ip_address == "203.0.113.9"


def test_a_malformed_forwarded_header_records_no_address(settings):
    settings.SIGNING_TRUST_X_FORWARDED_FOR = True
    request = _request(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="<script>, not-an-ip")
    assert Client.of(request).ip_address is None


def test_a_long_user_agent_is_cut_to_the_column(settings):
    request = _request(REMOTE_ADDR="2001:db8::1", HTTP_USER_AGENT="x" * 5000)
    client = Client.of(request)
    assert client.ip_address == "2001:db8::1"
    assert len(client.user_agent) == 500

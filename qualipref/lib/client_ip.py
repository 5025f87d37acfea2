"""The client's address, for the login lock-out (django-axes) and the public forms' rate limits (django-ratelimit).

Behind ``TRUSTED_PROXY_COUNT`` proxies (the TLS proxy of docs/exploitation.md: 1), ``REMOTE_ADDR`` is the last proxy's
address and each proxy appended the address it saw to ``X-Forwarded-For``: the client is the entry the first trusted
proxy wrote, the ``TRUSTED_PROXY_COUNT``-th from the right. Entries further left were written by the client itself and
prove nothing. With 0 (the default), ``X-Forwarded-For`` is never read: anybody can send one.
"""

from django.conf import settings
from ipware import get_client_ip


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    # django-ipware reads the chain left to right and counts the proxies inside the header; our count also holds
    # the one in REMOTE_ADDR. One header at a time, so that its ranking of public over private addresses never
    # prefers another header (intranet clients have private addresses).
    address, _routable = get_client_ip(
        request,
        proxy_count=proxies - 1,
        request_header_order=("HTTP_X_FORWARDED_FOR",),
        strict=False,
    )
    # Fewer hops than trusted proxies (a request that skipped the proxy, or a misconfiguration): the direct peer.
    return address or remote

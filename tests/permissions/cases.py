"""How a row of the permission matrix is written.

``Case(name, kwargs, expect)``: the URL pattern ``name`` reversed with ``kwargs(world)``, fetched with GET
by each role; ``expect`` maps every role of ``world.ROLES`` to the status code it must get. Use the helpers
below to keep rows short. A URL pattern that no Case names makes tests/test_permissions.py fail.
"""

from dataclasses import dataclass, field

from tests.permissions.world import ROLES

LOGIN = 302  # an anonymous visitor of a page is sent to the login page
API_ANONYMOUS = 401


@dataclass(frozen=True)
class Case:
    name: str  # URL pattern name, with its namespace ("api:site-detail")
    expect: dict
    kwargs: object = None  # callable(world) -> dict of URL kwargs
    query: object = ""  # a string, or callable(world) -> string (ids of the world's objects)
    method: str = "get"
    data: dict = field(default_factory=dict)
    label: str = ""  # distinguishes several rows of the same pattern ("own", "foreign"...)

    def __post_init__(self):
        missing = set(ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"{self.name}: expected status missing for {sorted(missing)}")

    @property
    def id(self):
        return f"{self.name}[{self.label}]" if self.label else self.name


def expect(default, anonymous=LOGIN, **overrides):
    """Every role gets ``default`` except the ones named; anonymous visitors are sent to log in."""
    result = dict.fromkeys(ROLES, default)
    result["anonymous"] = anonymous
    result.update(overrides)
    return result


def quality_manager_token(w):
    """URL kwargs of an API token of the world's quality manager, created once for the row's requests."""
    from accounts import tokens

    token, _raw = tokens.token_create(user=w.users["quality_manager"], client="matrice des permissions")
    return {"public_id": token.public_id}

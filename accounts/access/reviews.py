"""The yearly quality reviews (« bilan annuel de la démarche qualité ») of the prefectures.

- Read by the prefecture's people who see all of its sites: its quality manager and its managers (read-only), and
  by national administrators. A site's referent or agent sees only their site elsewhere: the review, which tells
  every site of the prefecture, is not theirs (404); nor an auditor's.
- Written (drafted, its narrative changed) and published by the prefecture's quality manager and by national
  administrators; a published review no longer changes.
- A region's or the whole country's review (scope « region », « national »: no prefecture) is read and written by
  national administrators only: anybody else does not see it (404).
"""

from accounts.models import PREFECTURE_ROLES, Role

from .abilities import abilities_of
from .core import get_scope


def scope_reviews(queryset, user):
    """Reviews of the prefectures the user reads in full (``prefecture_id``)."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    # a region's or the nation's review has no prefecture: never among theirs
    return queryset.filter(prefecture_id__in=scope.prefecture_ids(*PREFECTURE_ROLES))


def review_prefectures(queryset, user):
    """Prefectures whose reviews the user reads (the rule of ``scope_reviews``, on a queryset of prefectures)."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    return queryset.filter(pk__in=scope.prefecture_ids(*PREFECTURE_ROLES))


def can_write_review(user, prefecture):
    """Draft a review of ``prefecture`` (an object or its id; None: a region's or the nation's), write its
    narrative, publish it (no query)."""
    scope = get_scope(user)
    if scope.national:
        return True
    if prefecture is None:
        return False
    prefecture_id = prefecture if isinstance(prefecture, int) else prefecture.pk
    return prefecture_id in scope.prefecture_ids(Role.QUALITY_MANAGER)


def can_write_wider_reviews(user):
    """Draft a region's or the whole country's review (national administrators): no query."""
    return get_scope(user).national


def writable_review_prefectures(queryset, user):
    """Prefectures whose reviews the user drafts (the rule of ``can_write_review``, as a queryset)."""
    scope = get_scope(user)
    if scope.national:
        return queryset
    return queryset.filter(pk__in=scope.prefecture_ids(Role.QUALITY_MANAGER))


@abilities_of("reviews.YearlyReview")
def _review_abilities(user, review):
    write = can_write_review(user, review.prefecture_id) and not review.is_published
    return {"view": True, "edit": write, "publish": write}

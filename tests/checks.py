"""Checks shared by the test modules: a list's steady query count, the queries of a page, a page that costs no more
with more data, a write refused with its errors, the ids an API list returns, an import's errors by line, a call
that leaves row counts as they were, a page's text with its white space folded."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_text(response):
    """The HTML of ``response`` with each run of white space folded into one space (a text split over lines by the
    templates is found whole)."""
    return re.sub(r"\s+", " ", response.content.decode())


def assert_steady(django_assert_num_queries, expected, get, add_rows):
    """`get()` costs exactly `expected` queries, before and after `add_rows()`; a first `get()` before counting fills
    what is read once per process or per client. Returns the last response."""
    assert get().status_code == 200
    with django_assert_num_queries(expected):
        assert get().status_code == 200
    add_rows()
    with django_assert_num_queries(expected):
        response = get()
    assert response.status_code == 200
    return response


def count_queries(client, url, *, then=None):
    """How many queries a GET of `url` costs (checked a 200) once the process is warm: a first GET fills what the
    process keeps (the DSFR configuration, qualipref.site_config), so that two counts compare the page, not which
    came first. ``then()``, if given, runs between the two (to forget what a new request would read again)."""
    client.get(url)
    if then is not None:
        then()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def assert_no_more_queries(django_assert_max_num_queries, get, add_data):
    """After `add_data()`, `get()` costs no more queries than before: counted on a second call (the first fills what
    is read once per process or per client). Returns the last call's result."""
    get()
    with CaptureQueriesContext(connection) as queries:
        get()
    add_data()
    with django_assert_max_num_queries(len(queries)):
        return get()


def assert_refused(response, errors, model):
    """`response` is a 400 whose body is exactly `errors`, and no `model` row was written."""
    assert response.status_code == 400
    assert response.json() == errors
    assert not model.objects.exists()


def listed_ids(client, url, **params):
    """The ids of the rows an API list returns for these query parameters (its first page)."""
    return {row["id"] for row in client.get(url, params).json()["results"]}


def assert_line_errors(report, expected):
    """An import's report (indicators.services.batches) has errors on exactly the lines of ``expected``, each with
    its message containing the text given: ``{line number: text}``."""
    errors = {number: " ".join(messages) for number, outcome, _, messages in report.by_line() if outcome == "error"}
    assert sorted(errors) == sorted(expected)
    for number, text in expected.items():
        assert text in errors[number], (number, errors[number])


def assert_no_new_rows(do, *tables):
    """`do()` leaves the number of rows of each table the same (managers or querysets: ``Model.objects``,
    ``Model.history``), as loading the demo again must. Returns what `do()` returns."""
    before = [table.count() for table in tables]
    result = do()
    assert [table.count() for table in tables] == before
    return result

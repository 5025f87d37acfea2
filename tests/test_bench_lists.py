"""bench/lists.py's own arithmetic (no server, no load): wrk's summary, the rounds, the ratios and their goals."""

from bench import lists


def _round(requests, p50, p99, *, seconds=1.0, errors=0):
    return {
        "requests": requests,
        "duration_us": int(seconds * 1e6),
        "errors": errors,
        "bad_status": 0,
        "p50_us": int(p50 * 1e6),
        "p99_us": int(p99 * 1e6),
        "max_us": int(p99 * 1e6),
    }


def _result(name, rps, floor_rps, *, user="national", api=True, p50=0.1):
    return {
        "name": name,
        "user": user,
        "api": api,
        "rows": 100,
        "queries": 5,
        "rps": rps,
        "p50": p50,
        "p99": p50,
        "floor_rps": floor_rps,
    }


def test_parse_wrk_reads_the_json_line_after_wrk_s_own_output():
    output = 'Running 1s test @ http://127.0.0.1:8000/\n  2 threads\n{"requests": 12, "duration_us": 1000000}\n'
    assert lists.parse_wrk(output) == {"requests": 12, "duration_us": 1000000}


def test_summarise_counts_every_round_s_requests_and_takes_the_median_latencies():
    summary = lists.summarise([_round(10, 0.1, 0.3), _round(30, 0.2, 0.5, seconds=3), _round(20, 0.3, 0.4)])
    assert summary["rps"] == 60 / 5
    assert (summary["p50"], summary["p99"]) == (0.2, 0.4)
    assert summary["errors"] == 0


def test_a_list_below_its_floor_s_goal_is_a_missed_goal():
    run = {
        "database": "bench",
        "sizes": {"courriers": 500_000},
        "results": [_result("actions", 7.0, 10.0), _result("complaints", 5.0, 10.0), _result("sites", 1.0, 0.0)],
    }
    lines, missed = lists.table(run)
    assert lines[0] == "Base bench : courriers 500 000"
    assert [m.split(" (")[0] for m in missed] == ["API complaints", "API sites"]  # 0.5 ×, and no floor measured


def test_the_deep_page_by_cursor_is_held_to_its_goal_against_the_first_and_by_number_only_shown():
    results = [
        _result("correspondences", 10, 20, p50=0.2),
        _result("correspondences?page=1000", 5, 20, p50=1.0),
        _result("correspondences?after=page1000", 5, 20, p50=0.4),
    ]
    assert lists.deep_page_ratio(results) == 2.0
    assert lists.deep_page_ratio(results, lists.DEEP_BY_NUMBER) == 5.0
    lines, missed = lists.table({"database": "bench", "sizes": {}, "results": results})
    assert missed[-1].startswith("page 1000 des courriers 2.00")
    assert [line for line in missed if "5.00" in line] == []
    assert lines[-1].startswith("page 1000 des courriers par son numéro (API, national) : p50 5.00 ×")


def test_each_list_s_throughput_is_compared_between_scales():
    small = {"database": "small", "results": [_result("actions", 40, 80), _result("audits", 20, 40)]}
    large = {"database": "large", "results": [_result("actions", 36, 80), _result("audits", 10, 40)]}
    assert lists.scale_ratios(small["results"], large["results"]) == {
        (True, "actions", "national"): 40 / 36,
        (True, "audits", "national"): 2.0,
    }
    _, missed = lists.scale_table([small, large])
    assert len(missed) == 1 and missed[0].startswith("API audits (national) 2.00")

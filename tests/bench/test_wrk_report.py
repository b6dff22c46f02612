"""The benchmark's own helpers (scripts/bench): reading wrk's report, medians, ratios and the goals' verdicts.

The bench itself is not part of the test suite (`make bench` runs it); these check that what it prints is right.
"""

import pytest

from scripts.bench import report
from scripts.bench.wrk import Rounds, WrkError, WrkResult, duration_ms, parse_wrk, wrk_command

WRK_OUTPUT = """Running 8s test @ http://127.0.0.1:41234/facet-joint-injections/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    59.13ms    8.20ms 120.55ms   80.10%
    Req/Sec    67.55     10.12    90.00     70.00%
  Latency Distribution
     50%   58.00ms
     75%   62.10ms
     90%   70.00ms
     99%    1.02s
  1082 requests in 8.01s, 25.31MB read
Requests/sec:    135.08
Transfer/sec:      3.16MB
"""

FAILING_OUTPUT = """Running 3s test @ http://127.0.0.1:41234/
  2 threads and 8 connections
  Latency Distribution
     50%  812.00us
  9000 requests in 3.00s, 1.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 12
Requests/sec:   3000.00
"""


def test_wrk_report_is_read_with_rate_count_and_percentiles_in_milliseconds():
    result = parse_wrk(WRK_OUTPUT)
    assert result.requests_per_second == 135.08
    assert result.requests == 1082
    assert result.latency_ms == {"50": 58.0, "75": 62.1, "90": 70.0, "99": 1020.0}
    assert result.clean


def test_error_answers_and_socket_errors_make_a_figure_unclean():
    result = parse_wrk(FAILING_OUTPUT)
    assert (result.non_2xx, result.socket_errors) == (12, 3)
    assert result.latency_ms["50"] == pytest.approx(0.812)
    assert not result.clean


def test_a_report_without_a_rate_is_an_error_not_a_zero():
    with pytest.raises(WrkError):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")
    with pytest.raises(WrkError):
        duration_ms("fast")


def test_wrk_is_run_with_two_threads_eight_connections_and_the_host_header():
    command = wrk_command("http://127.0.0.1:1/", 8, [("Host", "ascpm.localhost")])
    assert command[:4] == ["wrk", "-t2", "-c8", "-d8s"]
    assert command[-3:] == ["-H", "Host: ascpm.localhost", "http://127.0.0.1:1/"]


def test_rounds_report_their_median_and_stay_clean_only_if_every_round_was():
    rounds = Rounds()
    for rate in (100.0, 300.0, 120.0):
        rounds.add(WrkResult(requests_per_second=rate, requests=10, latency_ms={"50": rate / 10}))
    assert rounds.median_rps == 120.0
    assert rounds.median_p50_ms == 12.0
    assert rounds.clean
    rounds.add(WrkResult(requests_per_second=50.0, requests=10, non_2xx=1))
    assert not rounds.clean and rounds.errors == 1


def target(backend, kind, page, rps, queries=10, clean=True):
    return report.target_key(backend, kind, page), {
        "label": f"{page} {backend} {kind}",
        "kind": kind,
        "backend": backend,
        "page": page,
        "rps": rps,
        "clean": clean,
        "queries": queries,
    }


def results_with(cached_rps, uncached_rps, queries=10, big_factor=1.0):
    targets = {
        "hello": {"label": "hello", "kind": "hello", "rps": 4000.0, "clean": True},
        "reference": {"label": "reference", "kind": "reference", "rps": 80.0, "clean": True},
    }
    for page in report.PAGES:
        for backend in ("sqlite", "postgres"):
            targets.update(
                [target(backend, "cached", page, cached_rps), target(backend, "uncached", page, uncached_rps, queries)]
            )
        targets.update([target("big", "cached", page, cached_rps * big_factor)])
    return {"meta": {}, "targets": targets, "admin": {}, "bulk": {}}


def test_p1_needs_ten_times_the_reference_and_a_quarter_of_the_hello_world():
    assert report.goal_p1(results_with(cached_rps=1000.0, uncached_rps=130.0)).passed
    # 10x the reference but only 20 % of the hello-world.
    assert not report.goal_p1(results_with(cached_rps=800.0 * 1.25 * 0.8, uncached_rps=130.0)).passed
    # A quarter of the hello-world would pass, but an error in a round leaves no figure to judge.
    results = results_with(cached_rps=1000.0, uncached_rps=130.0)
    results["targets"]["postgres-cached-home"]["clean"] = False
    goal = report.goal_p1(results)
    assert not goal.passed and "postgres-cached-home" in goal.detail


def test_p2_needs_one_and_a_half_times_the_reference_and_at_most_twelve_queries():
    assert report.goal_p2(results_with(1000.0, uncached_rps=121.0, queries=12)).passed
    assert not report.goal_p2(results_with(1000.0, uncached_rps=119.0, queries=12)).passed
    goal = report.goal_p2(results_with(1000.0, uncached_rps=200.0, queries=13))
    assert not goal.passed and "13 queries" in goal.detail


def scale_results(big_factor, p50_ms=50.0, bulk_queries=(20, 20), bulk_seconds=0.5):
    results = results_with(1000.0, 130.0, big_factor=big_factor)
    view = {"status": 200, "p50_ms": p50_ms, "queries": 9}
    results["admin"] = {
        "small": {"views": {"first page": view}, "counts": {"dashboard": 30, "explorer": 40}},
        "big": {"views": {"first page": view}, "counts": {"dashboard": 30, "explorer": 40}},
    }
    results["bulk"] = {
        "sizes": {
            "100": {"ok": True, "seconds": 0.1, "queries": bulk_queries[0]},
            "1000": {"ok": True, "seconds": bulk_seconds, "queries": bulk_queries[1]},
        }
    }
    return results


def test_p3_passes_within_ten_percent_and_fails_past_it():
    assert report.goal_p3(scale_results(big_factor=0.91)).passed
    goal = report.goal_p3(scale_results(big_factor=0.85))
    assert not goal.passed and "big-cached-procedure" in goal.detail


def test_p3_fails_on_a_slow_admin_list_a_slow_bulk_or_queries_that_grow_with_the_selection():
    assert not report.goal_p3(scale_results(1.0, p50_ms=101.0)).passed
    assert not report.goal_p3(scale_results(1.0, bulk_seconds=1.2)).passed
    goal = report.goal_p3(scale_results(1.0, bulk_queries=(400, 4000)))
    assert not goal.passed and "grow" in goal.detail


def test_p3_is_not_passed_when_nothing_at_scale_was_measured():
    results = results_with(1000.0, 130.0)
    results["targets"] = {k: v for k, v in results["targets"].items() if not k.startswith("big")}
    assert not report.goal_p3(results).passed


def test_the_table_gives_each_target_its_ratios_and_marks_failed_rounds():
    results = results_with(cached_rps=1000.0, uncached_rps=130.0)
    results["targets"]["sqlite-uncached-home"]["clean"] = False
    results["targets"]["sqlite-uncached-home"]["errors"] = 4
    text = report.markdown(results)
    assert "| procedure sqlite cached | 1,000 | n/a | 12.5x | 25.0 % | 10 |" in text
    assert "home sqlite uncached (errors: 4) | n/a |" in text
    assert "**P1 cached: PASS**" in text

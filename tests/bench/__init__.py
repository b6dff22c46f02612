"""Tests of the helpers of the benchmark (scripts/bench)."""

"""Tools for developers: synthetic data for benchmarks and tests."""

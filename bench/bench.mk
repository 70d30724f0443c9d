# bench/: benchmarks; not part of make check (a smoke run is, in tests/).

# Shared by the benchmark scripts (load/run-load.sh, soak/run-soak.sh); sourced, not run.

# Prints a free loopback port: a random one that nothing listens on.
free_port() {
  local candidate
  for _ in $(seq 50); do
    candidate=$((20000 + RANDOM % 40000))
    if ! ss -ltnH "sport = :$candidate" | grep -q .; then echo "$candidate"; return 0; fi
  done
  return 1
}

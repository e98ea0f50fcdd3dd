# Login brute force against a running Portal, sourced by run-soak.sh (uses its base, org, admin_token, invite and api).
# Prints a markdown section; returns 1 when lockout or throttling did not hold. Each attacker uses a loopback address
# of its own (curl --interface), as Portal counts failures per client address.

# login ADDRESS EMAIL PASSWORD -> prints "status code"
login() {
  local out="$work/login.json" status
  status=$(curl -s -o "$out" -w '%{http_code}' --max-time 20 --interface "$1" -X POST "$base/api/v1/auth/token" \
    -H 'Content-Type: application/json' -d "{\"email\":\"$2\",\"password\":\"$3\"}")
  echo "$status $(jq -r '.code // "token"' "$out" 2>/dev/null || echo '?')"
}

brute_force() {
  local ok=0 password victim i answer codes first_block="" after_right after_other rows=()
  password="victim-$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
  row() { rows+=("| $1 | $2 | $3 | $4 |"); [ "$4" = pass ] || ok=1; }

  # One account, one attacker: the 5th wrong password locks it; then even the right one is refused.
  victim="victim@soak.test"
  invite "$victim" Admin "$password"
  codes=""
  for i in $(seq 8); do codes+="$(login 127.0.0.3 "$victim" "wrong-password-$i" | cut -d' ' -f1) "; done
  answer=$(login 127.0.0.3 "$victim" "$password")
  row "one account: 8 wrong passwords, then the right one" "locked after 5 (403 account_locked), right password refused" \
    "statuses ${codes% }; right password: $answer" "$([ "$answer" = "403 account_locked" ] && echo pass || echo FAIL)"
  answer=$(login 127.0.0.6 "$victim" "$password")
  row "the same account from another address" "still locked (the lock is on the account)" "$answer" \
    "$([ "$answer" = "403 account_locked" ] && echo pass || echo FAIL)"

  # Many accounts from one address: a few guesses per account never locks any account, the address is throttled.
  for i in $(seq 10); do invite "user$i@soak.test" Auditor "$password"; done
  for i in $(seq 40); do
    if [ $((i % 3)) -eq 0 ]; then answer=$(login 127.0.0.4 "nobody$i@soak.test" "guess-$i")
    else answer=$(login 127.0.0.4 "user$((i % 10 + 1))@soak.test" "guess-$i"); fi
    [ -z "$first_block" ] && [ "${answer%% *}" = 429 ] && first_block=$i
  done
  after_right=$(login 127.0.0.4 "user1@soak.test" "$password")
  after_other=$(login 127.0.0.5 "user1@soak.test" "$password")
  row "40 guesses over 10 accounts and unknown emails from one address" "throttled after 20 failures (429 too_many_login_attempts)" \
    "first 429 at attempt ${first_block:-never}; last: $answer" "$([ "${first_block:-99}" -le 21 ] && [ "$answer" = "429 too_many_login_attempts" ] && echo pass || echo FAIL)"
  row "a right password from the throttled address" "refused while throttled" "$after_right" \
    "$([ "$after_right" = "429 too_many_login_attempts" ] && echo pass || echo FAIL)"
  row "the same account from another address" "signs in (no account was locked by the spread guesses)" "$after_other" \
    "$([ "$after_other" = "201 token" ] && echo pass || echo FAIL)"

  echo "## 4. Login brute force"
  echo
  echo "Through \`POST /api/v1/auth/token\` (the login page shares the same sign-in manager, lockout and throttle)."
  echo
  echo "| attack | expected | observed | result |"
  echo "| --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  return $ok
}

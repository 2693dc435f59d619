#!/bin/sh
# Exercises the shell and process creation: fork/exec, pipes, redirections,
# arithmetic, subshells, signals, job control primitives. Prints one line per
# check and exits with the number of failed checks.
fail=0
check() { # check NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; fail=$((fail + 1)); fi
}
check echo        "hello world" "$(echo hello world)"
check pipe        "3"           "$(printf 'a\nb\nc\n' | wc -l | tr -d ' ')"
check arith       "1048576"     "$((1 << 20))"
check arith-mul   "121932631112635269" "$((123456789 * 987654321))"
check subshell    "sub"         "$(x=sub; (echo $x))"
check loop        "0 1 2 3 4"   "$(i=0; s=; while [ $i -lt 5 ]; do s="$s $i"; i=$((i+1)); done; echo $s)"
check sed         "hxllo"       "$(echo hello | sed 's/e/x/')"
check awk         "6"           "$(echo '1 2 3' | awk '{print $1+$2+$3}')"
check sort        "a b c"       "$(printf 'c\na\nb\n' | sort | tr '\n' ' ' | sed 's/ $//')"
check redirect    "data"        "$(echo data > /tmp/r.$$; cat /tmp/r.$$; rm -f /tmp/r.$$)"
check exit-status "3"           "$(sh -c 'exit 3'; echo $?)"
check md5sum      "d41d8cd98f00b204e9800998ecf8427e" "$(md5sum < /dev/null | cut -d' ' -f1)"
check sha256      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" \
                  "$(printf abc | sha256sum | cut -d' ' -f1)"
check float-awk   "0.5"         "$(awk 'BEGIN{print 1/2}')"
check background  "done"        "$(sleep 0.1 & wait $!; echo done)"
check kill        "143"         "$(sleep 10 & p=$!; kill $p; wait $p; echo $?)"
n=0; i=0; while [ $i -lt 50 ]; do /bin/true && n=$((n+1)); i=$((i+1)); done
check fork-exec-50 "50" "$n"
echo "shell: $fail failed"
exit $fail

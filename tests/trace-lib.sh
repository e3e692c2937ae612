# Helpers for the trace tests (sourced after tests/lib/harness.sh).
GUEST="$top_builddir/tests/trace/trace-guest"
DIFF="$top_builddir/umvisor-diff"
VALIDATE="$top_builddir/tests/trace_validate"
[ -x "$GUEST" ] || hard_error "$GUEST is not built"

# A text trace (strace -f -o layout: "TID line") made comparable: only the
# program's part (from the marker line on), tids renamed T1, T2... by order
# of appearance as line prefixes (everywhere on the line), addresses,
# environment sizes and random bytes replaced, alignment padding squeezed.
# Usage: normalise_text FILE [all]   (all: the whole run, loader included)
normalise_text() {
	awk -v all="${2:-}" '
	# tids are named in creation order: the first process, then each
	# fork/clone result as it appears (first lines depend on timing)
	FNR == NR {
		if (match($0, /^[0-9]+ /)) {
			t = substr($0, 1, RLENGTH - 1)
			if (n == 0) id[t] = "T" (++n)
			if (!(t in later)) later[t] = ++m
		}
		if ($0 ~ /(clone|clone3|fork|vfork)(\(| resumed>)/ && match($0, /= [0-9]+$/)) {
			c = substr($0, RSTART + 2)
			if (!(c in id)) id[c] = "T" (++n)
		}
		next
	}
	FNR == 1 {
		# threads never seen created (should not happen) by first line
		for (k = 1; k <= m; k++) for (t in later) if (later[t] == k && !(t in id)) id[t] = "T" (++n)
	}
	all != "" { on = 1 }
	/access\("\/umvisor-trace-start"/ { on = 1 }
	!on { next }
	{
		line = $0; out = ""
		sub(/^[0-9]+ +/, substr(line, 1, index(line, " ")), line)
		while (match(line, /[0-9]+/)) {
			num = substr(line, RSTART, RLENGTH)
			pre = substr(line, 1, RSTART - 1)
			if ((num in id) && pre !~ /0x$/ && pre !~ /[0-9a-fA-F_]$/) num = id[num]
			out = out pre num
			line = substr(line, RSTART + RLENGTH)
		}
		line = out line
		gsub(/0x[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]+/, "0xADDR", line)
		gsub(/\/\* [0-9]+ vars \*\//, "/* N vars */", line)
		gsub(/getppid\(\) += [0-9]+/, "getppid() = PPID", line)
		gsub(/getppid resumed>\) += [0-9]+/, "getppid resumed>) = PPID", line)
		gsub(/getrandom\("[^"]*"/, "getrandom(BUF", line)
		gsub(/getrandom resumed>"[^"]*"/, "getrandom resumed>BUF", line)
		gsub(/\) +=/, ") =", line)
		print line
	}' "$1" "$1"
}

# Per-thread logical calls: "X <unfinished ...>" joined with the same
# thread's "<... NAME resumed>Y", lines grouped by thread (stable) in
# creation order, so the interleaving of threads does not matter. Reads a
# normalised trace.
join_threads() {
	awk '
	{
		t = $1; rest = substr($0, length(t) + 2)
		if (rest ~ / <unfinished \.\.\.>$/) {
			sub(/ <unfinished \.\.\.>$/, "", rest); open[t] = rest; next
		}
		if (rest ~ /^<\.\.\. [a-z0-9_]+ resumed>/ && (t in open)) {
			sub(/^<\.\.\. [a-z0-9_]+ resumed>/, "", rest)
			rest = open[t] rest; delete open[t]
		}
		if (t !~ /^T[0-9]+$/) { other = other $0 "\n"; next }
		k = substr(t, 2) + 0
		if (k > max) max = k
		lines[k] = lines[k] t " " rest "\n"
	}
	# threads in creation order (T1, T2...), not in order of first line
	END { printf "%s", other; for (i = 1; i <= max; i++) printf "%s", lines[i] }'
}

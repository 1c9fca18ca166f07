#!/bin/bash
# Issue 15's cross-check: hpc-benchmark scale 1 in Brian2 (bench/brian2/hpc.py) and spikeworks
# (bench/hpc-spikes.ts), one run at a time, then the table of bench/results/hpc-brian2.md.
#
#   bash bench/brian2/hpc-seeds.sh "1 2 3 4 5 6 7 8 9" "1 2 3 4 5" [OUT=build/b2out]
#
# Brian2's standalone builds go to build/brian2-hpc-static and build/brian2-hpc-stdp (ignored; reused between
# seeds, so only the first run of each compiles). Peak RSS and wall times are in OUT/*.err (/usr/bin/time -v).
set -u
STATIC_SEEDS=${1:-"1 2 3"}
STDP_SEEDS=${2:-"1 2"}
O=${3:-build/b2out}
mkdir -p "$O"
b2() { /usr/bin/time -v /usr/bin/python3 bench/brian2/hpc.py run --seed "$1" --ee "$2" --dir "build/brian2-hpc-$2" --spikes "$O/b2_$2_s$1.npz" > "$O/b2_$2_s$1.json" 2> "$O/b2_$2_s$1.err"; }
sw() { /usr/bin/time -v npx tsx bench/hpc-spikes.ts "$1" 1 "$2" "$O/sw_$2_s$1" > "$O/sw_$2_s$1.out" 2> "$O/sw_$2_s$1.err"; }
for s in $STATIC_SEEDS; do b2 "$s" static; sw "$s" static; done
for s in $STDP_SEEDS; do b2 "$s" stdp; sw "$s" stdp; done
/usr/bin/python3 bench/brian2/hpc.py analyze --table "$O"/b2_*.npz "$O"/sw_*.bin
for f in "$O"/b2_stdp_s*.npz; do /usr/bin/python3 bench/brian2/hpc.py replay "$f" 2>/dev/null; done

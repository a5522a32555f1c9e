#!/bin/sh
# daxcheck reproducer: BOOT HANGS ON PURPOSE: the runner must kill QEMU at its timeout
# Hand-written sample in the form `daxcheck emit` writes, variant v6.0. Page size 4 KiB; a PMD entry is 2 MiB.
DEV=${DEV:-/dev/pmem0}
MNT=${MNT:-/mnt/daxcheck}
step() { echo "daxcheck: step $1: $2"; echo "daxcheck: step $1: $2" > /dev/kmsg 2>/dev/null || true; }
step 1 "sleep"
sleep 100000; ran 1
echo "daxcheck: end"

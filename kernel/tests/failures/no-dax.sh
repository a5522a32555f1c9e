#!/bin/sh
# daxcheck reproducer: MOUNTS WITHOUT DAX ON PURPOSE: the verdict must be DAX not active
# Hand-written sample in the form `daxcheck emit` writes, variant v6.0. Page size 4 KiB; a PMD entry is 2 MiB.
DEV=${DEV:-/dev/pmem0}
MNT=${MNT:-/mnt/daxcheck}
step() { echo "daxcheck: step $1: $2"; echo "daxcheck: step $1: $2" > /dev/kmsg 2>/dev/null || true; }
mkfs.xfs -f -q -m reflink=1 "$DEV" || { echo "daxcheck: mkfs failed"; exit 1; }
mkdir -p "$MNT"
mount -o dax=never "$DEV" "$MNT" || { echo "daxcheck: mount failed"; exit 1; }
step 1 "write A 0"
xfs_io -f -c "pwrite -q -S 0x61 0 4k" "$MNT/A"; ran 1
echo "daxcheck: end"

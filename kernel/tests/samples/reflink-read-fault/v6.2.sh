#!/bin/sh
# daxcheck reproducer: a read fault of a reflinked block takes the exclusive path and warns (second owner)
# Derived from corpus/v6.0-read-fault-reflink (hand-written sample), variant v6.2. Page size 4 KiB; a PMD entry is 2 MiB.
DEV=${DEV:-/dev/pmem0}
MNT=${MNT:-/mnt/daxcheck}
step() { echo "daxcheck: step $1: $2"; echo "daxcheck: step $1: $2" > /dev/kmsg 2>/dev/null || true; }
ran() { s=$?; echo "daxcheck: step $1 exit $s"; }
mkfs.xfs -f -q -m reflink=1 -d su=2m,sw=1 "$DEV" || { echo "daxcheck: mkfs failed"; exit 1; }
mkdir -p "$MNT"
mount -o dax=always "$DEV" "$MNT" || { echo "daxcheck: mount failed"; exit 1; }
grep -q " $MNT .*dax=always" /proc/mounts && echo "daxcheck: dax active" || { echo "daxcheck: DAX not active on $MNT"; exit 1; }
step 1 "write A 0"
xfs_io -f -c "pwrite -q -S 0x61 0 4k" -c fsync "$MNT/A"; ran 1
step 2 "reflink A 0 B 0 1"
xfs_io -f -c "reflink $MNT/A 0 0 4k" "$MNT/B"; ran 2
step 3 "read-fault A 0"
xfs_io -c "mmap -r 0 4k" -c "mread 0 4k" "$MNT/A"; ran 3
step 4 "read-fault B 0"
xfs_io -c "mmap -r 0 4k" -c "mread 0 4k" "$MNT/B"; ran 4
echo "daxcheck: end"

#!/bin/sh
# daxcheck reproducer: one owner only (write, write fault, read fault, punch, truncate): no warning on any kernel
# Hand-written sample in the form `daxcheck emit` writes, variant v6.15. Page size 4 KiB; a PMD entry is 2 MiB.
DEV=${DEV:-/dev/pmem0}
MNT=${MNT:-/mnt/daxcheck}
step() { echo "daxcheck: step $1: $2"; echo "daxcheck: step $1: $2" > /dev/kmsg 2>/dev/null || true; }
ran() { s=$?; echo "daxcheck: step $1 exit $s"; }
mkfs.xfs -f -q -m reflink=1 -d su=2m,sw=1 "$DEV" || { echo "daxcheck: mkfs failed"; exit 1; }
mkdir -p "$MNT"
mount -o dax=always "$DEV" "$MNT" || { echo "daxcheck: mount failed"; exit 1; }
grep -q " $MNT .*dax=always" /proc/mounts && echo "daxcheck: dax active" || { echo "daxcheck: DAX not active on $MNT"; exit 1; }
step 1 "write A 0"
xfs_io -f -c "pwrite -q -S 0x61 0 8k" -c fsync "$MNT/A"; ran 1
step 2 "write-fault A 0"
xfs_io -c "mmap -w 0 4k" -c "mwrite -S 0x62 0 4k" "$MNT/A"; ran 2
step 3 "read-fault A 1"
xfs_io -c "mmap -r 4k 4k" -c "mread 4k 4k" "$MNT/A"; ran 3
step 4 "punch A 1"
xfs_io -c "fpunch 4k 4k" "$MNT/A"; ran 4
step 5 "truncate A 0"
xfs_io -c "truncate 0" "$MNT/A"; ran 5
echo "daxcheck: end"

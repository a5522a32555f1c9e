#!/bin/sh
# daxcheck reproducer: postdec: a write fault of a shared block CoWs into a block flagged shared (count 1); truncating it leaves the flag (count 0), so the block is never freed for DAX and its next owner warns
# Hand-written from corpus/postdec-last-sharer-release.dax, variant v6.15. Page size 4 KiB; a PMD entry is 2 MiB.
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
step 3 "write-fault A 0"
xfs_io -c "mmap -w 0 4k" -c "mwrite -S 0x62 0 4k" "$MNT/A"; ran 3
step 4 "truncate A 0"
xfs_io -c "truncate 0" -c fsync "$MNT/A"; ran 4
step 5 "write C 0"
xfs_io -f -c "pwrite -q -S 0x63 0 4k" -c fsync "$MNT/C"; ran 5
step 6 "read-fault C 0"
xfs_io -c "mmap -r 0 4k" -c "mread 0 4k" "$MNT/C"; ran 6
echo "daxcheck: end"

#!/bin/sh
# daxcheck reproducer: a 2 MiB shared extent mapped by a PMD in A, then by a PTE in B: the shared PTE entry lands on an order-9 folio
# Hand-written from corpus/v6.15-pte-share-of-pmd-folio.dax, variant v6.15. Page size 4 KiB; a PMD entry is 2 MiB.
DEV=${DEV:-/dev/pmem0}
MNT=${MNT:-/mnt/daxcheck}
step() { echo "daxcheck: step $1: $2"; echo "daxcheck: step $1: $2" > /dev/kmsg 2>/dev/null || true; }
ran() { s=$?; echo "daxcheck: step $1 exit $s"; }
mkfs.xfs -f -q -m reflink=1 -d su=2m,sw=1 "$DEV" || { echo "daxcheck: mkfs failed"; exit 1; }
mkdir -p "$MNT"
mount -o dax=always "$DEV" "$MNT" || { echo "daxcheck: mount failed"; exit 1; }
grep -q " $MNT .*dax=always" /proc/mounts && echo "daxcheck: dax active" || { echo "daxcheck: DAX not active on $MNT"; exit 1; }
step 1 "write A 0 (2 MiB, one extent)"
xfs_io -f -c "pwrite -b 2m -q -S 0x61 0 2m" -c fsync "$MNT/A"; ran 1
step 2 "reflink A 0 B 0 512"
xfs_io -f -c "reflink $MNT/A 0 0 2m" "$MNT/B"; ran 2
step 3 "read-fault A 0 pmd"
xfs_io -c "mmap -r 0 2m" -c "mread 0 4k" "$MNT/A"; ran 3
step 4 "read-fault B 0"
xfs_io -c "mmap -r 0 4k" -c "mread 0 4k" "$MNT/B"; ran 4
echo "daxcheck: end"

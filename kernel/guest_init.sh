#!/bin/busybox sh
# /init of the daxcheck guest: load the pmem and XFS modules, run /repro.sh
# once, report, power off. Every line meant for the host starts "daxcheck:".
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "daxcheck: guest up $(uname -r)"
for m in $(cat /etc/daxcheck-modules); do
    insmod "/lib/modules/$m.ko" || echo "daxcheck: insmod $m failed"
done
# nd_e820 probes asynchronously: wait for the namespace to appear.
i=0
while [ ! -b /dev/pmem0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ -b /dev/pmem0 ]; then
    echo "daxcheck: pmem0 $(cat /sys/block/pmem0/size) sectors, queue/dax $(cat /sys/block/pmem0/queue/dax 2>/dev/null)"
else
    echo "daxcheck: no /dev/pmem0"
fi
echo "daxcheck: script begin"
sh /repro.sh
echo "daxcheck: script exit $?"
grep ' /mnt/' /proc/mounts | sed 's/^/daxcheck: mount: /'
# Unmounting evicts every inode: the kernel releases the remaining entries
# (dax_disassociate_entry), which is where leftover share counts show up.
for m in $(grep ' /mnt/' /proc/mounts | cut -d' ' -f2); do
    echo "daxcheck: step umount: umount $m"; echo "daxcheck: step umount: umount $m" > /dev/kmsg
    umount "$m"; echo "daxcheck: step umount exit $?"
done
echo "daxcheck: finished"
sync
poweroff -f

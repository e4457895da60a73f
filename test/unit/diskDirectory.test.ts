// Data dirs on pseudo file systems are refused: the mount that holds a path is read from
// /proc/self/mountinfo (parsed here from hand-written lines), the longest mount point winning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { InputError } from '../../main/shared/errors';
import {
  assertDiskDirectory,
  mountHolding,
  parseMountInfo,
  pseudoFileSystemOf,
} from '../../main/shared/diskDirectory';

const MOUNTINFO = [
  '22 27 0:21 / /proc rw,relatime - proc proc rw',
  '23 27 0:22 / /sys rw,relatime - sysfs sysfs rw',
  '27 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=123k',
  '25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw',
  '40 27 8:2 / /mnt/my\\040disk rw,relatime shared:2 master:1 - xfs /dev/sdb1 rw',
  '',
].join('\n');

test('mountinfo lines give mount points (unescaped) and file system types', () => {
  assert.deepEqual(parseMountInfo(MOUNTINFO), [
    { mountPoint: '/proc', fsType: 'proc' },
    { mountPoint: '/sys', fsType: 'sysfs' },
    { mountPoint: '/', fsType: 'ext4' },
    { mountPoint: '/dev', fsType: 'devtmpfs' },
    { mountPoint: '/dev/shm', fsType: 'tmpfs' },
    { mountPoint: '/mnt/my disk', fsType: 'xfs' },
  ]);
});

test('the deepest mount point above a path holds it', () => {
  const mounts = parseMountInfo(MOUNTINFO);
  const typeOf = (target: string) => mountHolding(target, mounts)?.fsType;
  assert.equal(typeOf('/proc/x/y'), 'proc');
  assert.equal(typeOf('/proc'), 'proc');
  assert.equal(typeOf('/processes/x'), 'ext4');
  assert.equal(typeOf('/dev/shm/worker1'), 'tmpfs');
  assert.equal(typeOf('/dev/x'), 'devtmpfs');
  assert.equal(typeOf('/mnt/my disk/w'), 'xfs');
  assert.equal(typeOf('/home/me/worker1'), 'ext4');
});

test('/proc and /sys are refused on this machine, a temporary folder is not', () => {
  assert.equal(pseudoFileSystemOf('/proc/x/worker1'), 'proc');
  assert.equal(pseudoFileSystemOf('/sys/x'), 'sysfs');
  assert.equal(pseudoFileSystemOf(`${tmpdir()}/not-yet/worker1`), null);
  assert.throws(
    () => assertDiskDirectory('/proc/x', '--data-dir'),
    (error: unknown) =>
      error instanceof InputError &&
      error.message ===
        '--data-dir /proc/x is on a proc pseudo file system, which cannot hold files — choose a directory on a disk',
  );
});

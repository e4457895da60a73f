// The page's notice list: a new error replaces the old ones instead of piling up, info lines stay
// beside it, a progress line replaces its predecessor, a repeat shows once, five at most.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addNotice, type Notice } from '../../renderer/state/notices';

let id = 0;
const notice = (level: Notice['level'], message: string): Notice => ({
  id: ++id,
  level,
  message,
  at: new Date(0),
});
const messages = (list: Notice[]) => list.map((item) => `${item.level} ${item.message}`);

test('errors replace each other; info notices stay', () => {
  let list: Notice[] = [];
  list = addNotice(list, notice('error', 'broker: unreachable'));
  list = addNotice(list, notice('info', 'exported 6 files'));
  list = addNotice(list, notice('error', 'startStream: path: choose a Parquet file'));
  list = addNotice(list, notice('error', 'topic "x" does not exist'));
  assert.deepEqual(messages(list), ['error topic "x" does not exist', 'info exported 6 files']);
});

test('a progress line replaces its predecessor; a repeat shows once; five at most', () => {
  let list: Notice[] = [];
  list = addNotice(list, notice('info', 'writing demo data: 10%'));
  list = addNotice(list, notice('info', 'writing demo data: 60%'));
  list = addNotice(list, notice('info', 'writing demo data: 60%'));
  assert.deepEqual(messages(list), ['info writing demo data: 60%']);
  for (const n of [1, 2, 3, 4, 5]) list = addNotice(list, notice('info', `done ${n}`));
  assert.deepEqual(messages(list), [
    'info done 5',
    'info done 4',
    'info done 3',
    'info done 2',
    'info done 1',
  ]);
});

// Chart export files: the stored-ZIP writer read back by Python's zipfile (an independent reader
// that checks every CRC), CRC-32's published check value, file names from chart titles, data: URL
// bytes, the dropped-rows chart's CSV, and the desktop app's folder export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportFolderName, writeExportFolder } from '../../main/shell/exportFolder';
import {
  dataUrlBytes,
  stepDropsCsv,
  toBase64,
  uniqueBaseNames,
} from '../../renderer/chart/exportFiles';
import { crc32, zipStored } from '../../renderer/chart/zipArchive';

const READ_ZIP = `
import base64, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    bad = archive.testzip()
    entries = [
        {"name": info.filename, "method": info.compress_type, "time": list(info.date_time),
         "data": base64.b64encode(archive.read(info)).decode()}
        for info in archive.infolist()
    ]
print(json.dumps({"bad": bad, "entries": entries}))
`;

test('CRC-32 gives the published check value', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
});

test("Python's zipfile reads every stored entry back intact", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'ps-zip-'));
  try {
    const png = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256);
    const entries = [
      { name: 'temperature-by-borough.png', bytes: png },
      { name: 'temperature-by-borough.csv', bytes: new TextEncoder().encode('a,b\n1,2\n') },
      { name: 'größe ünd ñ.svg', bytes: new TextEncoder().encode('<svg/>') },
      { name: 'empty.csv', bytes: new Uint8Array() },
    ];
    const file = path.join(dir, 'charts.zip');
    await writeFile(file, zipStored(entries, new Date(2026, 10, 29, 14, 5, 8)));
    const read = JSON.parse(execFileSync('python3', ['-c', READ_ZIP, file], { encoding: 'utf8' }));
    assert.equal(read.bad, null, 'every CRC matches');
    assert.deepEqual(
      read.entries.map((entry: { name: string }) => entry.name),
      entries.map((entry) => entry.name),
    );
    read.entries.forEach((entry: { method: number; time: number[]; data: string }, i: number) => {
      assert.equal(entry.method, 0, 'stored');
      assert.deepEqual(entry.time, [2026, 11, 29, 14, 5, 8]);
      assert.deepEqual(Buffer.from(entry.data, 'base64'), Buffer.from(entries[i]!.bytes));
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('file names come from titles and stay unique', () => {
  assert.deepEqual(
    uniqueBaseNames([
      { id: 'a', title: 'Temperature by borough' },
      { id: 'b', title: 'Temperature by Borough!' },
      { id: 'c', title: '°°°' },
    ]),
    ['temperature-by-borough', 'temperature-by-borough-b', 'c'],
  );
});

test('data: URLs give their bytes, base64 and URL-encoded alike', () => {
  assert.deepEqual([...dataUrlBytes('data:image/png;base64,iVBORw==')], [0x89, 0x50, 0x4e, 0x47]);
  assert.equal(
    new TextDecoder().decode(dataUrlBytes('data:image/svg+xml,%3Csvg%3E%C2%B0%3C%2Fsvg%3E')),
    '<svg>°</svg>',
  );
  assert.equal(toBase64(new TextEncoder().encode('chart')), 'Y2hhcnQ=');
});

test('the folder export writes every file into a new folder named after the time', async () => {
  const parent = await mkdtemp(path.join(tmpdir(), 'ps-export-'));
  try {
    const now = new Date(Date.UTC(2026, 10, 29, 14, 5, 9));
    assert.equal(exportFolderName(now), 'charts-2026-11-29T14-05-09Z');
    const folder = await writeExportFolder(
      parent,
      [
        { name: 'a.csv', base64: Buffer.from('x,y\n').toString('base64') },
        { name: 'a.png', base64: 'iVBORw==' },
      ],
      now,
    );
    assert.equal(folder, path.join(parent, 'charts-2026-11-29T14-05-09Z'));
    assert.deepEqual((await readdir(folder)).sort(), ['a.csv', 'a.png']);
    assert.equal(await readFile(path.join(folder, 'a.csv'), 'utf8'), 'x,y\n');
    // the same second again: the folder exists, and nothing is overwritten
    await assert.rejects(
      writeExportFolder(parent, [{ name: 'b.csv', base64: '' }], now),
      /choose another folder/,
    );
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test('the dropped-rows chart as CSV: a header, one line per step', () => {
  assert.equal(
    stepDropsCsv([
      { name: 'step 1 (filter)', dropped: 12, errors: 0 },
      { name: 'step 2 (cast)', dropped: 0, errors: 3 },
    ]),
    'step,dropped,errors\nstep 1 (filter),12,0\nstep 2 (cast),0,3\n',
  );
});

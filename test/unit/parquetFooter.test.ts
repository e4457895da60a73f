// Reading Parquet footers directly: INT96 columns found, key/value metadata rewritten without
// disturbing anything else, and the INT96 hint that makes far-away timestamps exact.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { footerTailWithKeyValue, readFooter } from '../../main/parquet/parquetFooter';
import { CORPUS_DIR, jsonRows } from '../support/parquetCorpus';

const corpus = path.join(CORPUS_DIR, 'good');

describe('parquet footers', () => {
  let scratch = '';
  before(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'parquet-footer-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('finds INT96 columns, top-level and none', async () => {
    assert.deepEqual((await readFooter(path.join(corpus, 'alltypes_plain.parquet'))).int96Columns, [
      ['timestamp_col'],
    ]);
    assert.deepEqual(
      (await readFooter(path.join(corpus, 'int96_from_spark.parquet'))).int96Columns,
      [['a']],
    );
    assert.deepEqual(
      (await readFooter(path.join(corpus, 'nested_maps.snappy.parquet'))).int96Columns,
      [],
    );
  });

  it('reads the key/value metadata', async () => {
    const footer = await readFooter(path.join(corpus, 'int96_from_spark.parquet'));
    assert.deepEqual(
      footer.keyValues.map((entry) => entry.key),
      ['org.apache.spark.version', 'org.apache.spark.sql.parquet.row.metadata'],
    );
    assert.equal(Buffer.from(footer.keyValues[0].valueBytes ?? []).toString(), '3.4.3');
  });

  it('sets one key/value entry and keeps the rest of the file readable and unchanged', async () => {
    for (const name of [
      'lz4_raw_compressed.parquet',
      'int96_from_spark.parquet',
      'nested_lists.snappy.parquet',
    ]) {
      const original = path.join(corpus, name);
      const footer = await readFooter(original);
      const big = 'x'.repeat(200_000); // longer than any argument list, so nothing is spread
      const tail = footerTailWithKeyValue(footer, 'streamer.note', big);
      const bytes = await readFile(original);
      const rewritten = path.join(scratch, name);
      await writeFile(rewritten, Buffer.concat([bytes.subarray(0, footer.metadataOffset), tail]));

      const again = await readFooter(rewritten);
      assert.deepEqual(
        again.keyValues.map((entry) => entry.key),
        [...footer.keyValues.map((entry) => entry.key), 'streamer.note'],
      );
      assert.equal(Buffer.from(again.keyValues.at(-1)?.valueBytes ?? []).toString(), big);
      assert.deepEqual(again.int96Columns, footer.int96Columns);
      assert.deepEqual(await jsonRows(rewritten), await jsonRows(original), name);
    }
  });
});

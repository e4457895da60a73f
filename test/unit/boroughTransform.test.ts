// The pipeline transform: field selection, renames, every borough code, and dropped rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOROUGH_CODES, transformBoroughRow } from '../../main/worker/boroughTransform';

const row = (county: unknown) => ({
  'Summons Number': 1,
  'Issue Date': '2017-01-05',
  'W - Temperature': 41.5,
  'Violation County Name': county,
  'Street Name': 'Broadway',
});

test('keeps the three fields, renames them and maps the borough', () => {
  assert.deepEqual(transformBoroughRow(row('K')), {
    'Issue Date': '2017-01-05',
    Temperature: 41.5,
    'Violation County': 'Brooklyn',
  });
});

test('maps every code of the Python pipeline', () => {
  const codesByBorough: Record<string, string[]> = {
    Brooklyn: ['BK', 'K', 'Kings'],
    Bronx: ['ABX', 'BX', 'Bronx'],
    Manhattan: ['MN', 'NY'],
    Queens: ['Q', 'QN', 'QNS', 'QUEEN', 'Qns'],
    'Staten Island': ['R', 'Rich', 'ST'],
  };
  const expected = Object.fromEntries(
    Object.entries(codesByBorough).flatMap(([borough, codes]) =>
      codes.map((code) => [code, borough]),
    ),
  );
  assert.deepEqual({ ...BOROUGH_CODES }, expected);
  for (const [code, borough] of Object.entries(expected)) {
    assert.equal(transformBoroughRow(row(code))?.['Violation County'], borough, code);
  }
});

test('drops unknown, null, missing and non-string codes', () => {
  for (const county of [
    'XX',
    'bk',
    'kings',
    '',
    ' K',
    null,
    undefined,
    3,
    'constructor',
    'toString',
  ]) {
    assert.equal(transformBoroughRow(row(county)), null, String(county));
  }
  assert.equal(transformBoroughRow({ 'Issue Date': '2017-01-05', 'W - Temperature': 40 }), null);
});

test('drops input that is not a JSON object', () => {
  for (const value of [null, 42, 'K', [row('K')]]) {
    assert.equal(transformBoroughRow(value), null);
  }
});

test('keeps null or missing date and temperature as null', () => {
  assert.deepEqual(transformBoroughRow({ 'Violation County Name': 'Q', 'W - Temperature': null }), {
    'Issue Date': null,
    Temperature: null,
    'Violation County': 'Queens',
  });
});

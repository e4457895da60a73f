// The transform builder's draft: a preset stays a preset (so its topics and charts come with it)
// until a step changes, imports take any spec with typed steps, engine messages point at their
// step, and typed values read as JSON where they can.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  appendStep,
  importedDraft,
  newStep,
  presetDraft,
  referenceOfDraft,
  savedDraft,
  specOfDraft,
  stepOfError,
  textOfValue,
  valueOfText,
} from '../../renderer/transform/transformDraft';

describe('transform draft', () => {
  it('a preset is named as such until a step is added, then it is its spec', () => {
    const draft = presetDraft('counts-per-minute:city');
    assert.equal(referenceOfDraft(draft), 'counts-per-minute:city');
    assert.equal(draft.steps[0]!.step.type, 'window');
    const edited = appendStep(draft, newStep('filter', ['city', 'fare']));
    const spec = referenceOfDraft(edited);
    assert.equal(typeof spec, 'object');
    assert.deepEqual(
      specOfDraft(edited).steps.map((step) => step.type),
      ['window', 'filter'],
    );
    assert.deepEqual(specOfDraft(edited).steps[1], {
      type: 'filter',
      where: { field: 'city', op: 'not-null' },
    });
    assert.equal(specOfDraft(edited).name, 'counts-per-minute:city-edited');
    const again = appendStep(edited, newStep('derive', []));
    assert.equal(again.name, 'counts-per-minute:city-edited', 'renamed once');
  });

  it('imports a spec, and refuses in one line what is not one', () => {
    const draft = importedDraft('{"steps":[{"type":"derive","field":"x","expr":"1"}]}', 'a.json');
    assert.deepEqual(specOfDraft(draft), { steps: [{ type: 'derive', field: 'x', expr: '1' }] });
    assert.throws(() => importedDraft('{"steps":', 'a.json'), /^Error: a\.json is not valid JSON/);
    assert.throws(
      () => importedDraft('{"steps":[{"field":"x"}]}', 'a.json'),
      /a\.json: give an object with a "steps" list, each step with a "type"/,
    );
  });

  it('finds the step an engine message is about', () => {
    assert.equal(stepOfError('step 2 (filter): unknown field "x"'), 1);
    assert.equal(stepOfError('previewTransform: transform: step 3 (cast): to: use one of'), 2);
    assert.equal(stepOfError('step 1: unknown step type "sort" — use select, …'), 0);
    assert.equal(stepOfError('transform: steps: give at least one step'), null);
  });

  it('reads typed values as JSON where they can be, and writes them back the same', () => {
    assert.equal(valueOfText('5'), 5);
    assert.equal(valueOfText('true'), true);
    assert.equal(valueOfText('null'), null);
    assert.equal(valueOfText('Lisbon'), 'Lisbon');
    assert.equal(valueOfText('"5"'), '5');
    for (const value of [5, true, null, 'Lisbon', '5', 'two words']) {
      assert.deepEqual(valueOfText(textOfValue(value)), value);
    }
  });

  it('a saved transform comes back as the draft it was; a stale one falls back to the default', () => {
    assert.equal(
      referenceOfDraft(savedDraft('counts-per-minute:city', 'x')),
      'counts-per-minute:city',
    );
    const spec = {
      name: 'long-trips',
      steps: [{ type: 'filter', field: 'km', op: 'gt', value: 5 }],
    };
    assert.deepEqual(referenceOfDraft(savedDraft(spec, 'nyc-parking-boroughs')), spec);
    assert.equal(
      referenceOfDraft(savedDraft('no-such-preset', 'nyc-parking-boroughs')),
      'nyc-parking-boroughs',
    );
    assert.equal(
      referenceOfDraft(savedDraft(undefined, 'nyc-parking-boroughs')),
      'nyc-parking-boroughs',
    );
  });
});

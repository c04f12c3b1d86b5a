import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listFormats } from '../registry.ts';
import { misp } from './index.ts';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/misp/', import.meta.url));
const EVENT_FILES = ['events/eset', 'events/pymisp-tests', 'feed-chrome-mal-ids'].flatMap((dir) =>
  readdirSync(`${FIXTURES}${dir}`)
    .filter((name) => name.endsWith('.json') && name !== 'manifest.json')
    .map((name) => `${dir}/${name}`),
);

/** Every other registered format scores `text` lower than `score`, so detection never ties. */
function aheadOfOthers(text: string, file: string, score: number): void {
  for (const other of listFormats()) if (other.id !== 'misp') assert.ok(other.detect(text, file) < score, `${other.id} on ${file}`);
}

describe('misp: detect', () => {
  it('scores the three wrappers high, ahead of every other format', () => {
    const bare = readFileSync(`${FIXTURES}events/pymisp-tests/misp_event.json`, 'utf8');
    const event = JSON.parse(bare) as unknown;
    for (const [text, score] of [
      [bare, 0.8],
      [JSON.stringify({ Event: event }), 0.95],
      [JSON.stringify({ response: [{ Event: event }] }), 0.95],
    ] as const) {
      assert.equal(misp.detect(text, 'x.json'), score);
      aheadOfOthers(text, 'x.json', score);
    }
  });

  it('knows every real event file, ahead of every other format', () => {
    assert.equal(EVENT_FILES.length, 16);
    for (const file of EVENT_FILES) {
      const head = readFileSync(`${FIXTURES}${file}`, 'utf8').slice(0, 65536);
      const score = misp.detect(head, file);
      assert.ok(score >= 0.8, file);
      aheadOfOthers(head, file, score);
    }
  });

  it('leaves STIX bundles (MISP-made ones too), feed manifests, event schemas and other JSON alone', () => {
    const heads = [
      '{\n  "type": "bundle",\n  "id": "bundle--5e0f",\n  "objects": [{"type": "indicator", "spec_version": "2.1"',
      '{"id": "bundle--1", "objects": [{"type": "x-misp-attribute", "labels": ["misp:type=\\"sha256\\"", "misp:category=\\"Payload delivery\\""], "x_misp_category": "Payload delivery"}], "spec_version": "2.0", "type": "bundle"}',
      readFileSync(`${FIXTURES}feed-chrome-mal-ids/manifest.json`, 'utf8').slice(0, 65536),
      '{"name": "List of RFC 1918 CIDR blocks", "type": "cidr", "list": ["10.0.0.0/8"], "matching_attributes": ["ip-src", "ip-dst"]}',
      '[{"Event": {"info": "an array is not a MISP wrapper"}}]',
      '{"$schema": "http://json-schema.org/draft-04/schema#", "defs": {"attribute": {"properties": {"to_ids": {}, "category": {}}}, "event": {"properties": {"info": {}, "Attribute": {}}}}}',
      'md5,sha1\n',
    ];
    for (const head of heads) assert.equal(misp.detect(head, 'x.json'), 0, head.slice(0, 40));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptsTaxii, isTaxiiContent } from './media.ts';

describe('TAXII media types (§1.6.8)', () => {
  it('Accept: TAXII 2.1 with or without version, among other ranges; the manifest also STIX 2.1', () => {
    for (const accept of ['application/taxii+json;version=2.1', 'application/taxii+json', 'Application/TAXII+JSON; Version="2.1"', 'text/html, application/taxii+json;version=2.1;q=0.9']) {
      assert.ok(acceptsTaxii(accept), accept);
    }
    for (const accept of [undefined, '', '*/*', 'application/*', 'application/json', 'application/taxii+json;version=2.0', 'application/stix+json;version=2.1', 'application/taxii+json;q=0']) {
      assert.ok(!acceptsTaxii(accept), String(accept));
    }
    assert.ok(acceptsTaxii('application/stix+json;version=2.1', true));
    assert.ok(!acceptsTaxii('application/stix+json;version=2.0', true));
  });

  it('Content-Type: exactly one TAXII 2.1 media type', () => {
    assert.ok(isTaxiiContent('application/taxii+json;version=2.1'));
    assert.ok(isTaxiiContent('application/taxii+json'));
    assert.ok(isTaxiiContent('application/taxii+json; version=2.1; charset=utf-8'));
    for (const type of [undefined, '', 'application/json', 'application/stix+json;version=2.1', 'application/taxii+json;version=2.0', 'application/taxii+json, application/json']) {
      assert.ok(!isTaxiiContent(type), String(type));
    }
  });
});

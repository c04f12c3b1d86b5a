import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PatternSet } from './patterns.ts';

describe('STIX patterns against records', () => {
  const set = new PatternSet([
    { id: 'indicator--1', name: 'NCSI probes', pattern: "[domain-name:value LIKE '%.msftncsi.com']", meta: 0 },
    { id: 'indicator--2', pattern: "[network-traffic:dst_ref.value = '195.113.232.73' AND network-traffic:dst_port != 443]", meta: 1 },
    { id: 'indicator--3', pattern: "[file:hashes.MD5 = 'df7c845e4eadd7bac6cbfe2087bbd482'] AND [x-unknown:value = 1]", meta: 2 },
    { id: 'indicator--4', pattern: '[broken', meta: 3 },
  ]);

  it('compiles what parses and counts what does not', () => {
    assert.equal(set.size, 3);
    assert.equal(set.failed, 1);
  });

  it('LIKE on a DNS query; AND over one connection, by which end the field names', () => {
    assert.deepEqual(set.match([{ field: 'query', kind: 'host', value: 'www.msftncsi.com' }]).map((p) => p.id), ['indicator--1']);
    assert.deepEqual(set.match([
      { field: 'id.resp_h', kind: 'ip', value: '195.113.232.73' },
      { field: 'id.resp_h:id.resp_p', kind: 'ip-port', value: '195.113.232.73:80' },
    ]).map((p) => p.id), ['indicator--2']);
    assert.deepEqual(set.match([
      { field: 'id.resp_h', kind: 'ip', value: '195.113.232.73' },
      { field: 'id.resp_h:id.resp_p', kind: 'ip-port', value: '195.113.232.73:443' },
    ]), []);
    assert.deepEqual(set.match([{ field: 'id.orig_h', kind: 'ip', value: '195.113.232.73' }, { field: 'id.orig_h:id.orig_p', kind: 'ip-port', value: '195.113.232.73:80' }]), [], 'the source end is not dst_ref');
  });

  it('an observation expression that needs another object does not match one record', () => {
    assert.deepEqual(set.match([{ field: 'md5', kind: 'md5', value: 'df7c845e4eadd7bac6cbfe2087bbd482' }]), []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TixError } from '../errors.ts';
import { ATTACHMENT_LIMIT, prepareReport } from './report.ts';

const NOW = Date.UTC(2026, 5, 1);
const MALWARE_ID = 'malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061';

describe('prepareReport', () => {
  it('links named values, values found in pasted text, names and STIX ids', () => {
    const prepared = prepareReport(
      {
        title: ' Pikabot loader wave ',
        body: 'Body <script>x</script>',
        indicators: [{ value: '192.0.2[.]10' }, { type: 'domain', value: 'EXAMPLE.com' }],
        indicatorText: 'C2 at hxxp://198.51.100.7/gate.php and 192.0.2.10 again',
        malware: ['Pikabot', MALWARE_ID, 'Pikabot'],
        actors: ['TA577'],
      },
      NOW,
    );
    assert.equal(prepared.content.title, 'Pikabot loader wave');
    assert.equal(prepared.content.publishedAt, NOW);
    assert.deepEqual(prepared.content.links.indicators, [
      { type: 'domain', value: 'example.com' },
      { type: 'ipv4', value: '192.0.2.10' },
      { type: 'url', value: 'http://198.51.100.7/gate.php' },
    ]);
    assert.deepEqual(prepared.content.links.malware, ['Pikabot']);
    assert.deepEqual(prepared.content.links.objects, [MALWARE_ID]);
    assert.deepEqual(prepared.content.links.actors, ['TA577']);
    assert.deepEqual(prepared.neutralised, ['html <script', 'html </script']);
  });

  it('refuses an invalid named value and an attachment over the limit', () => {
    assert.throws(() => prepareReport({ title: 't', body: '', indicators: [{ type: 'ipv4', value: '999.1.1.1' }] }, NOW), (error: TixError) => error.code === 'TIX_INPUT_BAD_VALUE');
    const big = Buffer.alloc(ATTACHMENT_LIMIT + 1);
    assert.throws(() => prepareReport({ title: 't', body: '', attachments: [{ name: 'dump.bin', content: big }] }, NOW), (error: TixError) => error.code === 'TIX_ATTACHMENT_TOO_LARGE');
    assert.throws(() => prepareReport({ title: '  ', body: '' }, NOW), (error: TixError) => error.code === 'TIX_INPUT_BAD_FIELD');
  });

  it('hashes attachments and keeps their names harmless', () => {
    const prepared = prepareReport({ title: 't', body: '', attachments: [{ name: '../../etc/passwd', content: Buffer.from('abc') }] }, NOW);
    assert.deepEqual(prepared.content.attachments, [
      { name: '.._.._etc_passwd', mediaType: 'application/octet-stream', size: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
    ]);
    assert.equal(prepared.blobs.get('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')?.toString(), 'abc');
  });
});

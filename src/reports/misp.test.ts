import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportEvent } from './misp.ts';
import { prepareReport } from './report.ts';

const NOW = Date.UTC(2026, 5, 1);

describe('reports as MISP events', () => {
  it('carry the body as an event report, values as attributes, names and markings as tags', () => {
    const prepared = prepareReport({ title: 'Loader wave', summary: 'Short', body: '# Findings\n\nText', indicators: [{ value: '192.0.2.1:443' }, { value: 'bad.example.com' }], malware: ['Pikabot'] }, NOW);
    const event = reportEvent({ ...prepared.content, stixId: 'report--5b1f9e44-3c5a-4f7e-9c0b-2b8f6f0e9a11', ownerName: 'Vendor', tlp: 'amber', pap: 'green', version: 1, createdAt: NOW, updatedAt: NOW }).Event;
    assert.equal(event.info, 'Loader wave');
    assert.equal(event.date, '2026-06-01');
    const attributes = event.Attribute as Array<{ type: string; value: string }>;
    assert.deepEqual(attributes.map((attribute) => [attribute.type, attribute.value]), [['hostname', 'bad.example.com'], ['ip-dst|port', '192.0.2.1|443']]);
    assert.deepEqual((event.Tag as Array<{ name: string }>).map((tag) => tag.name), ['tlp:amber', 'PAP:GREEN', 'malware:Pikabot']);
    const [eventReport] = event.EventReport as Array<{ name: string; content: string }>;
    assert.equal(eventReport!.content, 'Short\n\n# Findings\n\nText');
    // stable ids: exporting again names the same event and attributes
    const again = reportEvent({ ...prepared.content, stixId: 'report--5b1f9e44-3c5a-4f7e-9c0b-2b8f6f0e9a11', ownerName: 'Vendor', tlp: 'amber', version: 1, createdAt: NOW, updatedAt: NOW }).Event;
    assert.equal(again.uuid, event.uuid);
  });
});

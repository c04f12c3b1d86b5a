/**
 * The OpenAPI document and the /docs page: generated from the schemas that
 * validate requests, complete (every route of the API is in it), truthful
 * (real responses validate against the response schemas it publishes), and
 * the page is self-contained (nothing loaded from elsewhere, no script).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { isProblem, openApiWorld, type ApiWorld, type Json } from '../helpers/api.ts';

const API = '/api/v1';

/** Every operation of the API, as the brief lists them. */
const OPERATIONS = [
  'GET /api/v1/indicators',
  'GET /api/v1/indicators/count',
  'GET /api/v1/indicators/{type}/{value}',
  'POST /api/v1/indicators',
  'POST /api/v1/indicators/revoke',
  'GET /api/v1/sources',
  'GET /api/v1/objects',
  'GET /api/v1/objects/{id}',
  'POST /api/v1/sightings',
  'GET /api/v1/sightings',
  'GET /api/v1/exports/{format}',
  'GET /api/v1/organisations',
  'POST /api/v1/organisations',
  'GET /api/v1/agreements',
  'POST /api/v1/agreements',
  'GET /api/v1/users',
  'POST /api/v1/users',
  'PATCH /api/v1/users/{name}',
  'POST /api/v1/keys',
  'GET /api/v1/keys',
  'POST /api/v1/keys/{prefix}/revoke',
  'GET /api/v1/openapi.json',
  // the web UI's
  'GET /api/v1/indicators/{type}/{value}/objects',
  'GET /api/v1/overview',
  'GET /api/v1/overview/countries',
  'POST /api/v1/session',
  'GET /api/v1/session',
  'POST /api/v1/session/logout',
  'GET /api/v1/audit',
  'GET /api/v1/feeds',
  'POST /api/v1/feeds',
  'POST /api/v1/feeds/{name}/pull',
  'POST /api/v1/reports',
  'POST /api/v1/reports/import',
  'GET /api/v1/reports',
  'GET /api/v1/reports/{id}',
  'POST /api/v1/reports/{id}/versions',
  'GET /api/v1/reports/{id}/diff',
  'GET /api/v1/reports/{id}/stix',
  'GET /api/v1/reports/{id}/misp',
  'GET /api/v1/reports/{id}/attachments/{sha256}',
  'POST /api/v1/investigations',
  'GET /api/v1/investigations',
  'GET /api/v1/investigations/{ref}',
  'POST /api/v1/investigations/{ref}/members',
  'POST /api/v1/investigations/{ref}/items',
  'GET /api/v1/investigations/{ref}/items',
  'POST /api/v1/investigations/{ref}/rfis',
  'GET /api/v1/rfis',
  'GET /api/v1/rfis/{id}',
  'POST /api/v1/rfis/{id}/answer',
  'POST /api/v1/rfis/{id}/decline',
  'POST /api/v1/rfis/{id}/comment',
  'POST /api/v1/rfis/{id}/close',
  'POST /api/v1/rfis/{id}/reopen',
  'POST /api/v1/outcomes',
  'GET /api/v1/outcomes',
  'POST /api/v1/scans',
  'GET /api/v1/operations',
  'GET /api/v1/operations/{name}/packages/{country}',
];

describe('REST API documentation', () => {
  let w: ApiWorld;
  let doc: Json;
  before(async () => {
    w = await openApiWorld();
    await w.call(`${API}/indicators`, w.keys['Vendor-analyst'], { body: [{ value: '192.0.2.1', tlp: 'green', malware: 'Pikabot', validUntil: '2027-01-01T00:00:00Z' }] });
    await w.call(`${API}/sightings`, w.keys['Police-analyst'], { body: { value: '192.0.2.1', location: 'x' } });
    doc = (await w.call(`${API}/openapi.json`, undefined)).body;
  });
  after(async () => w?.close());

  it('serves an OpenAPI 3.1 document of every operation, to anyone', () => {
    assert.equal(doc.openapi, '3.1.0');
    const operations = Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    assert.deepEqual(operations.sort(), [...OPERATIONS].sort());
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(methods)) {
        const where = `${method} ${path}`;
        assert.equal(typeof op.operationId, 'string', where);
        assert.match(op.description, /\*\*Who:\*\*/, where);
        for (const status of ['400', '401', '429', '500']) assert.ok(op.responses[status], `${where} ${status}`);
        assert.ok(Object.keys(op.responses).some((status) => status.startsWith('2')), where);
        // every path parameter is declared
        for (const name of path.match(/\{(\w+)\}/g) ?? []) {
          assert.ok((op.parameters as Json[]).some((p) => p.in === 'path' && `{${p.name}}` === name), `${where} ${name}`);
        }
      }
    }
    const search = (doc.paths['/api/v1/indicators'].get.parameters as Json[]).find((p) => p.name === 'limit')!;
    assert.deepEqual(search.schema, { default: 100, type: 'integer', minimum: 1, maximum: 1000 });
    const create = doc.paths['/api/v1/indicators'].post.requestBody.content['application/json'].schema;
    assert.equal(create.anyOf[1].maxItems, 1000);
    assert.deepEqual(create.anyOf[0].required, ['value']);
  });

  it('publishes response schemas that real responses validate against', async () => {
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const check = async (method: 'get' | 'post', template: string, path: string, key: string | undefined, status: number, body?: unknown): Promise<void> => {
      const reply = await w.call(path, key, body === undefined ? {} : { body });
      assert.equal(reply.status, status, `${path}: ${reply.text.slice(0, 300)}`);
      const content = doc.paths[template][method].responses[String(status)].content;
      const schema = (content['application/json'] ?? content['application/problem+json']).schema;
      assert.ok(!schema.$ref || schema.$ref === '#/components/schemas/Problem');
      const validate = ajv.compile(schema.$ref ? doc.components.schemas.Problem : schema);
      assert.ok(validate(reply.body), `${method} ${path}: ${ajv.errorsText(validate.errors)}`);
    };
    const reader = w.keys['Vendor-reader'];
    const admin = w.keys['local-admin'];
    await check('get', '/api/v1/indicators', `${API}/indicators?all=true`, reader, 200);
    await check('get', '/api/v1/indicators/count', `${API}/indicators/count`, reader, 200);
    await check('get', '/api/v1/indicators/{type}/{value}', `${API}/indicators/ipv4/192.0.2.1`, reader, 200);
    await check('get', '/api/v1/indicators/{type}/{value}', `${API}/indicators/ipv4/192.0.2.200`, reader, 404);
    await check('post', '/api/v1/indicators', `${API}/indicators`, w.keys['Vendor-analyst'], 201, [{ value: '192.0.2.2' }, { value: 'x y' }]);
    await check('post', '/api/v1/indicators/revoke', `${API}/indicators/revoke`, w.keys['Vendor-analyst'], 200, { value: '192.0.2.2' });
    await check('get', '/api/v1/sources', `${API}/sources`, reader, 200);
    await check('get', '/api/v1/objects', `${API}/objects`, reader, 200);
    await check('get', '/api/v1/sightings', `${API}/sightings`, reader, 200);
    await check('post', '/api/v1/sightings', `${API}/sightings`, w.keys['Vendor-analyst'], 201, { value: '192.0.2.1' });
    await check('get', '/api/v1/organisations', `${API}/organisations`, reader, 200);
    await check('post', '/api/v1/organisations', `${API}/organisations`, admin, 201, { name: 'CERT', kind: 'cert' });
    await check('post', '/api/v1/agreements', `${API}/agreements`, admin, 201, { name: 'Op', members: ['CERT', 'Vendor'] });
    await check('get', '/api/v1/agreements', `${API}/agreements`, admin, 200);
    await check('post', '/api/v1/users', `${API}/users`, admin, 201, { name: 'u1', role: 'reader', org: 'CERT' });
    await check('get', '/api/v1/users', `${API}/users`, admin, 200);
    await check('post', '/api/v1/keys', `${API}/keys`, admin, 201, { role: 'reader' });
    await check('get', '/api/v1/keys', `${API}/keys`, admin, 200);
    await check('post', '/api/v1/users', `${API}/users`, reader, 403, { name: 'u2', role: 'reader' });
  });

  it('renders /docs as one self-contained page listing every operation', async () => {
    const reply = await w.call('/docs', undefined);
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(reply.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    for (const path of Object.values(doc.paths as Record<string, Record<string, Json>>)) {
      for (const op of Object.values(path)) assert.ok(reply.text.includes(`id="${op.operationId}"`), op.operationId);
    }
    assert.doesNotMatch(reply.text, /<script|<link|\bsrc=|@import|url\(/i);
    assert.doesNotMatch(reply.text, /https?:\/\/(?!tix\.dev)/);
    assert.match(reply.text, /admins of the operator organisation/);
  });

  it('answers unknown API paths with a problem', async () => {
    assert.ok(isProblem(await w.call(`${API}/nothing-here`, w.keys['Vendor-reader']), 404));
    assert.ok(isProblem(await w.call(`${API}/indicators`, w.keys['Vendor-reader'], { method: 'DELETE' }), 404));
  });
});

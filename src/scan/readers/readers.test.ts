import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProblem, readRecord, type LogReader, type ScanRecord } from '../record.ts';
import { detectReader, getReader } from './registry.ts';

function readAll(reader: LogReader, text: string): Array<ReturnType<typeof readRecord>> {
  const r = reader.createReader();
  return text.split('\n').map((line, i) => readRecord(r, line, i + 1));
}

const values = (record: unknown): string[] => (record as ScanRecord).values.map((v) => `${v.field}=${v.kind}:${v.value}`);

const ZEEK_TSV = [
  '#separator \\x09',
  '#set_separator\t,',
  '#empty_field\t(empty)',
  '#unset_field\t-',
  '#path\tdns',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tquery\tanswers\tlabel',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tvector[string]\tstring',
  '1664459365.848468\tCx\t10.0.2.15\t54330\t147.32.80.9\t53\tevil.example.com\t1.2.3.4,cdn.example.net\tMalicious',
  '1664459366.0\tCy\t10.0.2.15\t54331\t147.32.80.9\t53\t-\t(empty)\tBenign',
  '#close\t2022-09-29-13-00-00',
].join('\n');

describe('log readers', () => {
  it('zeek-tsv: reads the #fields header with an extra column, splits vectors, skips unset fields', () => {
    const reader = detectReader(ZEEK_TSV, 'dns.log');
    assert.equal(reader.id, 'zeek-tsv');
    const out = readAll(reader, ZEEK_TSV);
    assert.deepEqual(values(out[7]), [
      'id.orig_h=ip:10.0.2.15', 'id.resp_h=ip:147.32.80.9', 'query=host:evil.example.com',
      'answers=host-or-ip:1.2.3.4', 'answers=host-or-ip:cdn.example.net',
      'id.orig_h:id.orig_p=ip-port:10.0.2.15:54330', 'id.resp_h:id.resp_p=ip-port:147.32.80.9:53',
    ]);
    assert.equal((out[7] as ScanRecord).time, 1664459365848);
    assert.ok(!values(out[8]).some((v) => v.startsWith('query') || v.startsWith('answers')));
    assert.equal(out[9], undefined);
  });

  it('zeek-tsv: a short row is a problem with its line, and a worker that starts mid-file recovers the header from the head', () => {
    const out = readAll(getReader('zeek-tsv'), `${ZEEK_TSV}\n1.0\tCz\t10.0.0.1`);
    const problem = out[10];
    assert.ok(isProblem(problem));
    assert.equal(problem.line, 11);
    const midway = getReader('zeek-tsv').createReader(ZEEK_TSV);
    assert.deepEqual(values(readRecord(midway, ZEEK_TSV.split('\n')[7]!, 500)).slice(0, 1), ['id.orig_h=ip:10.0.2.15']);
  });

  it('zeek-json: the same fields, and a URL made of host, uri and port', () => {
    const line = '{"ts":29.868252,"uid":"C1","id.orig_h":"10.0.2.15","id.orig_p":49156,"id.resp_h":"147.32.80.7","id.resp_p":8080,"method":"GET","host":"112.255.161.10","uri":"/bin.sh","referrer":"http://a.example/x","resp_fuids":["F1"]}';
    const reader = detectReader(line, 'http.log');
    assert.equal(reader.id, 'zeek-json');
    const record = readRecord(reader.createReader(), line, 1) as ScanRecord;
    assert.ok(values(record).includes('host+uri=url:http://112.255.161.10:8080/bin.sh'));
    assert.ok(values(record).includes('host=host-or-ip:112.255.161.10'));
    assert.ok(values(record).includes('referrer=url:http://a.example/x'));
    assert.equal(record.time, 29868);
    assert.ok(isProblem(readRecord(reader.createReader(), '{"ts":1, broken', 4)));
  });

  it('suricata-eve: nested fields, arrays of answers, TLS fingerprints', () => {
    const line = '{"timestamp":"2021-06-06T16:26:27.431769+0200","event_type":"dns","src_ip":"192.168.1.129","src_port":35790,"dest_ip":"192.168.1.1","dest_port":53,"dns":{"type":"answer","rrname":"www.google.com","answers":[{"rdata":"142.250.1.1"},{"rdata":"www.l.google.com"}]},"tls":{"sni":"x.example","fingerprint":"aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd","ja3":{"hash":"e7d705a3286e19ea42f587b344ee6865"}}}';
    const reader = detectReader(line, 'eve.json');
    assert.equal(reader.id, 'suricata-eve');
    const record = readRecord(reader.createReader(), line, 1) as ScanRecord;
    const got = values(record);
    for (const expected of ['dns.rrname=host:www.google.com', 'dns.answers.rdata=host-or-ip:142.250.1.1', 'dns.answers.rdata=host-or-ip:www.l.google.com', 'tls.sni=host:x.example', 'tls.ja3.hash=ja3:e7d705a3286e19ea42f587b344ee6865', 'dest_ip:dest_port=ip-port:192.168.1.1:53']) {
      assert.ok(got.includes(expected), expected);
    }
    assert.equal(record.time, Date.parse('2021-06-06T14:26:27.431769Z'));
  });

  it('web-access: combined log with client, request, referer and time', () => {
    const line = '203.0.113.9 - - [10/Oct/2023:13:55:36 -0700] "GET http://evil.example/gate.php?u=http%3A%2F%2Fbad.example%2Fx HTTP/1.1" 200 2326 "http://ref.example/" "Mozilla/5.0"';
    const reader = detectReader(line, 'access.log');
    assert.equal(reader.id, 'web-access');
    const record = readRecord(reader.createReader(), line, 3) as ScanRecord;
    const got = values(record);
    assert.ok(got.includes('client=ip:203.0.113.9'));
    assert.ok(got.includes('request=url:http://evil.example/gate.php?u=http%3A%2F%2Fbad.example%2Fx'));
    assert.ok(got.includes('request=text:u http://bad.example/x'));
    assert.ok(got.includes('referer=url:http://ref.example/'));
    assert.equal(record.time, Date.parse('2023-10-10T20:55:36Z'));
  });

  it('dns-log: BIND querylog and dnsmasq lines', () => {
    const text = [
      '23-Nov-2026 10:00:00.123 queries: info: client @0x7f3a 192.0.2.10#53124 (evil.example): query: evil.example IN A +E(0)K (192.0.2.53)',
      'Nov 23 10:00:01 dnsmasq[812]: query[A] c2.example.net from 192.168.1.20',
      'Nov 23 10:00:01 dnsmasq[812]: reply c2.example.net is 198.51.100.7',
      'Nov 23 10:00:01 dnsmasq[812]: started, version 2.89',
    ].join('\n');
    const reader = detectReader(text, 'query.log');
    assert.equal(reader.id, 'dns-log');
    const out = readAll(reader, text);
    assert.deepEqual(values(out[0]), ['client=ip:192.0.2.10', 'query=host:evil.example']);
    assert.equal((out[0] as ScanRecord).time, Date.parse('2026-11-23T10:00:00.123Z'));
    assert.deepEqual(values(out[1]), ['name=host-or-ip:c2.example.net', 'client=ip:192.168.1.20']);
    assert.deepEqual(values(out[2]), ['name=host-or-ip:c2.example.net', 'answer=host-or-ip:198.51.100.7']);
    assert.equal(out[3], undefined);
  });

  it('csv: columns by name, the rest as text', () => {
    const text = 'time,src_ip,dst_port,domain,note\n2024-01-02T03:04:05Z,198.51.100.7,443,evil.example,"seen with 203.0.113.5"';
    const reader = detectReader(text, 'export.csv');
    assert.equal(reader.id, 'csv');
    const out = readAll(reader, text);
    assert.equal(out[0], undefined);
    assert.deepEqual(values(out[1]), ['src_ip=ip:198.51.100.7', 'domain=host-or-ip:evil.example', 'note=text:seen with 203.0.113.5']);
    assert.equal((out[1] as ScanRecord).time, Date.parse('2024-01-02T03:04:05Z'));
  });

  it('text: anything else, line by line', () => {
    const reader = detectReader('Beacon to hxxp://evil[.]example/a seen\n', 'notes.txt');
    assert.equal(reader.id, 'text');
    assert.deepEqual(values(readRecord(reader.createReader(), 'Beacon to hxxp://evil[.]example/a', 1)), ['text=text:Beacon to hxxp://evil[.]example/a']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalise } from './normalise.ts';
import { refang } from './refang.ts';

describe('refang', () => {
  const rows: Array<[defanged: string, fanged: string]> = [
    ['hxxp://evil.com/a', 'http://evil.com/a'],
    ['hxxps://evil.com/a', 'https://evil.com/a'],
    ['hXXps://evil.com', 'https://evil.com'],
    ['h**p://evil.com', 'http://evil.com'],
    ['hxxp[:]//evil.com', 'http://evil.com'],
    ['hxxps[://]evil.com', 'https://evil.com'],
    ['https[:]//evil.com', 'https://evil.com'],
    ['http:\\\\evil.com', 'http://evil.com'],
    ['fxp://files.evil.com', 'ftp://files.evil.com'],
    ['evil[.]com', 'evil.com'],
    ['evil(.)com', 'evil.com'],
    ['evil{.}com', 'evil.com'],
    ['evil[dot]com', 'evil.com'],
    ['evil[DOT]com', 'evil.com'],
    ['evil(dot)com', 'evil.com'],
    ['evil[ . ]com', 'evil.com'],
    ['evil\\.com', 'evil.com'],
    ['58[.]60[.]184[.]214', '58.60.184.214'],
    ['1.2.3.4[:]443', '1.2.3.4:443'],
    ['2001[:]db8[:][:]1', '2001:db8::1'],
    ['user[at]evil.com', 'user@evil.com'],
    ['user[AT]evil.com', 'user@evil.com'],
    ['user(at)evil.com', 'user@evil.com'],
    ['user[@]evil.com', 'user@evil.com'],
    ['evil.com[/]path', 'evil.com/path'],
    ['hxxps://cdn[.]evil[.]com[:]8443/a[.]php', 'https://cdn.evil.com:8443/a.php'],
  ];
  for (const [defanged, fanged] of rows) {
    it(`${defanged} → ${fanged}`, () => assert.equal(refang(defanged), fanged));
  }

  it('leaves fanged and unrelated text alone', () => {
    for (const text of ['http://evil.com/a?b=c', 'evil.com', 'hx.com', 'report[1].pdf', 'a(b)c', 'https://x.com/{id}', 'hxxpd.com']) {
      assert.equal(refang(text), text);
    }
  });
});

describe('normalise refangs before anything else', () => {
  const rows: Array<[string, { type: string; value: string }]> = [
    ['hxxp://45[.]133[.]74[.]103/x86', { type: 'url', value: 'http://45.133.74.103/x86' }],
    ['hxxps[:]//evil(.)com', { type: 'url', value: 'https://evil.com/' }],
    ['58[.]60[.]184[.]214', { type: 'ipv4', value: '58.60.184.214' }],
    ['102[.]102[.]40[.]93', { type: 'ipv4', value: '102.102.40.93' }],
    ['evil{.}co[.]uk', { type: 'domain', value: 'evil.co.uk' }],
    ['www1[dot]gggatat456[.]com', { type: 'hostname', value: 'www1.gggatat456.com' }],
    ['5[.]63[.]151[.]0/24', { type: 'cidr', value: '5.63.151.0/24' }],
    ['1[.]2[.]3[.]4[:]8080', { type: 'ip-port', value: '1.2.3.4:8080' }],
    ['2001[:]db8[:][:]1', { type: 'ipv6', value: '2001:db8::1' }],
    ['billing[at]evil[.]com', { type: 'email', value: 'billing@evil.com' }],
    ['billing[@]evil[dot]com', { type: 'email', value: 'billing@evil.com' }],
  ];
  for (const [input, expected] of rows) {
    it(`${input} → ${expected.type} ${expected.value}`, () => assert.deepEqual(normalise(input), { ok: true, ...expected }));
  }

  it('still rejects what is invalid once refanged', () => {
    const result = normalise('999[.]1[.]1[.]1');
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.reason, /999 is over 255/);
  });
});

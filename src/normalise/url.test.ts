import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IndicatorType } from '../model/index.ts';
import { normalise } from './normalise.ts';
import { splitUrl, urlHost } from './url.ts';

/** input, type hint, then the canonical URL or a pattern the rejection reason must match. */
type Row = [input: string, hint: IndicatorType | undefined, expected: string | RegExp];

function table(rows: Row[]): void {
  for (const [input, hint, expected] of rows) {
    const title = `${JSON.stringify(input)}${hint ? ` as ${hint}` : ''} → ${expected instanceof RegExp ? `rejected: ${expected.source}` : expected}`;
    it(title, () => {
      const result = normalise(input, hint);
      if (expected instanceof RegExp) {
        assert.equal(result.ok, false, `expected a rejection, got ${JSON.stringify(result)}`);
        if (!result.ok) assert.match(result.reason, expected);
        return;
      }
      assert.deepEqual(result, { ok: true, type: 'url', value: expected });
      assert.deepEqual(normalise(expected, 'url'), result, 'typed re-normalisation');
      assert.deepEqual(normalise(expected), result, 'untyped re-normalisation');
    });
  }
}

describe('normalise: URL scheme, host and port', () => {
  table([
    ['HTTP://EVIL.COM/Path', undefined, 'http://evil.com/Path'],
    ['HTTPS://Cdn.Evil.Com./a', 'url', 'https://cdn.evil.com/a'],
    ['http://x.com:80/', undefined, 'http://x.com/'],
    ['http://x.com/a{b}|c^d`e', undefined, 'http://x.com/a{b}|c^d`e'],
    ['http://x.com:0080/a', undefined, 'http://x.com/a'],
    ['https://x.com:443/a', undefined, 'https://x.com/a'],
    ['ftp://files.x.com:21/f.bin', undefined, 'ftp://files.x.com/f.bin'],
    ['ws://x.com:80/socket', undefined, 'ws://x.com/socket'],
    ['http://x.com:8080/a', undefined, 'http://x.com:8080/a'],
    ['https://x.com:80/', undefined, 'https://x.com:80/'],
    ['http://190.198.218.210:1171/i', undefined, 'http://190.198.218.210:1171/i'],
    ['http://x.com:/a', undefined, 'http://x.com/a'],
    ['http://Bücher.de/Straße', undefined, 'http://xn--bcher-kva.de/Straße'],
    ['http://user:Secret@Evil.com:8080/', undefined, 'http://user:Secret@evil.com:8080/'],
    ['https://cloudflare-ipfs.com/ipfs/QmX', undefined, 'https://cloudflare-ipfs.com/ipfs/QmX'],
  ]);
});

describe('normalise: URL path and query are kept byte for byte', () => {
  table([
    ['http://x.com/A/B.php?Q=%2F&amp;X=Y', undefined, 'http://x.com/A/B.php?Q=%2F&amp;X=Y'],
    ['http://x.com/a%2Fb/%7Euser/', undefined, 'http://x.com/a%2Fb/%7Euser/'],
    ['https://x.com/a/../b/./c//d', undefined, 'https://x.com/a/../b/./c//d'],
    ['https://x.com/#Frag', undefined, 'https://x.com/#Frag'],
    ['https://raw.githubusercontent.com/lenkonftw/Project-Admini/refs/heads/main/pdf.exe', undefined, 'https://raw.githubusercontent.com/lenkonftw/Project-Admini/refs/heads/main/pdf.exe'],
    [
      'http://e.nail.ru.imbox.link/home/files/%D0%98%D0%BD%D1%84.rar',
      undefined,
      'http://e.nail.ru.imbox.link/home/files/%D0%98%D0%BD%D1%84.rar',
    ],
  ]);
});

describe('normalise: an empty path becomes /', () => {
  table([
    ['http://x.com', undefined, 'http://x.com/'],
    ['https://bw-sms.com', 'url', 'https://bw-sms.com/'],
    ['http://x.com:8080', undefined, 'http://x.com:8080/'],
    ['http://x.com?a=1', undefined, 'http://x.com/?a=1'],
    ['http://x.com#top', undefined, 'http://x.com/#top'],
    ['http://x.com:81?a=1', undefined, 'http://x.com:81/?a=1'],
  ]);
});

describe('normalise: URLs without a scheme are http', () => {
  table([
    ['evil.com/path', undefined, 'http://evil.com/path'],
    ['Evil.com:8080/Path?x=1', undefined, 'http://evil.com:8080/Path?x=1'],
    ['45.133.74.103/x86', undefined, 'http://45.133.74.103/x86'],
    ['evil.com', 'url', 'http://evil.com/'],
    ['evil.com/', 'url', 'http://evil.com/'],
  ]);
});

describe('normalise: URL hosts that are IP addresses', () => {
  table([
    ['http://37.59.117.243', undefined, 'http://37.59.117.243/'],
    ['http://[2001:DB8::1]:8080/x', undefined, 'http://[2001:db8::1]:8080/x'],
    ['http://[2001:db8:0:0::1]:80/', undefined, 'http://[2001:db8::1]/'],
    ['https://[::ffff:1.2.3.4]/', undefined, 'https://1.2.3.4/'],
    ['http://999.1.1.1/', undefined, /URL host: IPv4 part 999 is over 255/],
    ['http://010.1.1.1/', undefined, /URL host: IPv4 part with a leading zero/],
    ['http://94.0x4A.164.136/fifx.odd', undefined, /URL host: looks like a malformed IP address/],
  ]);
});

describe('normalise: defanged URLs', () => {
  table([
    ['hxxp://45[.]133[.]74[.]103/x86', undefined, 'http://45.133.74.103/x86'],
    ['hxxps://marsalek[.]cy/static/Pjibf2.exe', undefined, 'https://marsalek.cy/static/Pjibf2.exe'],
    ['hXXps[:]//evil(.)com/a', undefined, 'https://evil.com/a'],
    ['hxxp[://]evil{.}com/a', undefined, 'http://evil.com/a'],
  ]);
});

describe('normalise: invalid URLs', () => {
  table([
    ['http://x.com/a b', undefined, /spaces, quotes/],
    ['http://x.com/a\tb', 'url', /spaces/],
    ['http://x.com/<script>', 'url', /quotes, angle brackets/],
    ['http://178.20.45.52/sec/pes.exe"', undefined, /quotes, angle brackets/],
    ['http://x.com:0/', undefined, /URL port "0" is not a number from 1 to 65535/],
    ['http://x.com:70000/', undefined, /URL port "70000"/],
    ['http://x.com:8o/', 'url', /URL port "8o"/],
    ['http:///path', 'url', /URL has no host/],
    ['https://https://t.me/stfmms/api', undefined, /URL host: host name has no top-level domain/],
    ['https://moufflcmgz/api', undefined, /URL host: host name has no top-level domain/],
    [`http://${'a'.repeat(64)}.com/`, undefined, /URL host: host name label/],
    ['http://[2001:db8::1/x', undefined, /unclosed "\[" in URL host/],
    ['http://[2001:db8::1]x/', undefined, /unexpected text after the IPv6 host/],
    ['mailto:someone@evil.com', 'url', /not a URL with a network location/],
    ['javascript:alert(1)', 'url', /not a URL with a network location/],
  ]);
});

describe('splitUrl and urlHost', () => {
  it('splits a URL into its parts', () => {
    assert.deepEqual(splitUrl('HTTPS://u:p@Evil.Com:8443/a?b#c'), {
      ok: true,
      value: { scheme: 'https', userinfo: 'u:p', host: 'evil.com', hostType: 'domain', port: '8443', rest: '/a?b#c' },
    });
    const v6 = splitUrl('http://[2001:db8::1]/');
    assert.ok(v6.ok && v6.value.hostType === 'ipv6' && v6.value.host === '2001:db8::1' && v6.value.port === '');
  });

  it('gives the host of a URL, without brackets or port', () => {
    assert.equal(urlHost('http://[2001:db8::1]:8080/a'), '2001:db8::1');
    assert.equal(urlHost('https://a.b.evil.co.uk:444/x'), 'a.b.evil.co.uk');
    assert.equal(urlHost('not a url'), '');
  });

  it('applies knownSuffix to the host, for URLs found in prose', () => {
    assert.equal(normalise('http://report.pdf/x', undefined, { knownSuffix: true }).ok, false);
    assert.equal(normalise('http://report.pdf/x').ok, true);
  });
});

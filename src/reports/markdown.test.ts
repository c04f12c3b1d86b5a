import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSafeUrl, sanitiseMarkdown } from './markdown.ts';

const clean = (text: string): string => sanitiseMarkdown(text).markdown;

/** No unescaped `<` followed by a tag name outside code: what a renderer would turn into an element. */
const hasRawTag = (markdown: string): boolean => /(^|[^\\])<\/?[a-z]/i.test(markdown.replace(/`[^`]*`/g, ''));

describe('sanitiseMarkdown', () => {
  it('escapes script tags and event-handler attributes so they render as text', () => {
    const result = sanitiseMarkdown('Hello <script>alert(1)</script> and <img src=x onerror="alert(2)"> done');
    assert.equal(hasRawTag(result.markdown), false);
    assert.match(result.markdown, /\\<script>alert\(1\)\\<\/script>/);
    assert.match(result.markdown, /\\<img src=x onerror/);
    assert.deepEqual(result.neutralised, ['html <script', 'html </script', 'html <img']);
  });

  it('blocks javascript:, data: and vbscript: links however they are disguised', () => {
    const hostile = [
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert(1))',
      '[x]( java&#09;script:alert(1) )',
      '[x](&#106;avascript:alert(1))',
      '[x](&#x6A;avascript&colon;alert(1))',
      '[x](<javascript:alert(1)>)',
      '![i](data:text/html;base64,PHNjcmlwdD4=)',
      '[x](vbscript:msgbox)',
      '[x](%6Aavascript:alert(1))',
    ];
    for (const line of hostile) {
      const result = sanitiseMarkdown(line);
      assert.doesNotMatch(result.markdown.toLowerCase(), /script:|data:|&#/, line);
      assert.match(result.markdown, /\(#blocked\s*\)/, line);
      assert.equal(result.neutralised.length, 1, line);
    }
    assert.equal(clean('[ref]: javascript:alert(1) "t"'), '[ref]: #blocked "t"');
  });

  it('keeps safe links, code and ordinary text as they were', () => {
    const safe = '# Report\n\nSee [the blog](https://example.org/a_(b)) and [mail](mailto:soc@example.org) or [here](#c2).\n\nUse `<b>` and:\n\n```html\n<script>kept as code</script>\n```\n\n    <i>indented code</i>\n\n3 < 4 & 5 > 2';
    const result = sanitiseMarkdown(safe);
    assert.equal(result.markdown, safe);
    assert.deepEqual(result.neutralised, []);
  });

  it('is idempotent', () => {
    const text = '<script>x</script> [a](javascript:b) &amp; \\<b>';
    assert.equal(clean(clean(text)), clean(text));
  });

  it('judges URLs by scheme', () => {
    assert.equal(isSafeUrl('https://x.example'), true);
    assert.equal(isSafeUrl('/relative/path'), true);
    assert.equal(isSafeUrl('file:///etc/passwd'), false);
    assert.equal(isSafeUrl('  JAVASCRIPT:x'), false);
  });
});

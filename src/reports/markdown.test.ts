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
      assert.match(result.markdown, /\(\s*#blocked\s*\)/, line);
      assert.equal(result.neutralised.length, 1, line);
    }
    assert.equal(clean('[ref]: javascript:alert(1) "t"'), '[ref]: #blocked "t"');
  });

  it('keeps safe links, fenced code and ordinary text as they were', () => {
    const safe = '# Report\n\nSee [the blog](https://example.org/a_(b)) and [mail](mailto:soc@example.org) or [here](#c2).\n\n```html\n<script>kept as code</script>\n```\n\n~~~\n<b>also</b>\n~~~\n\n3 < 4 & 5 > 2';
    const result = sanitiseMarkdown(safe);
    assert.equal(result.markdown, safe);
    assert.deepEqual(result.neutralised, []);
  });

  it('escapes inline and indented code too, where a renderer may see HTML instead', () => {
    assert.equal(clean('Use `<b>` here'), 'Use `\\<b>` here');
    // an escaped backtick does not open a code span, so what follows is HTML to a renderer
    assert.equal(hasRawTag(clean('\\`<script>alert(1)</script>`')), false);
    // inside a list item, an indented line after a blank one is not code
    assert.equal(hasRawTag(clean('- item\n\n    <script>alert(1)</script>')), false);
    // a fence inside a list ends with the item: the line after is prose
    assert.equal(clean('- item\n  ```\n<script>alert(1)</script>\n```'), '- item\n  ```\n\\<script>alert(1)\\</script>\n```');
    // backticks in the info string: not a fence at all
    assert.equal(hasRawTag(clean('``` a`b\n<script>alert(1)</script>')), false);
  });

  it('blocks links a line-by-line or one-level-of-parentheses reading would miss', () => {
    for (const hostile of [
      '[x](javascript:f((1)))',
      '[x](\njavascript:alert(1))',
      '> [ref]: javascript:alert(1)\n\n[click][ref]',
      '- [ref]:\n  javascript:alert(1)',
      '[x](<java script:alert(1)>)',
    ]) {
      const result = sanitiseMarkdown(hostile);
      assert.doesNotMatch(result.markdown.replace(/\s+/g, ''), /javascript:/i, hostile);
      assert.equal(result.neutralised.length, 1, hostile);
    }
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

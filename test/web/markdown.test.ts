import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseInline, parseMarkdown, safeHref, type MdNode } from '../../web/src/markdown.ts';

/** Every element of a tree, depth first. */
function* walk(nodes: MdNode[]): Generator<Exclude<MdNode, string>> {
  for (const node of nodes) {
    if (typeof node === 'string') continue;
    yield node;
    yield* walk(node.children);
  }
}

const text = (nodes: MdNode[]): string => nodes.map((node) => (typeof node === 'string' ? node : text(node.children))).join('');

describe('report Markdown', () => {
  it('reads headings (from h3 down), paragraphs, emphasis, code, lists, quotes and rules', () => {
    const tree = parseMarkdown('# Pikabot\n\nThe *loader* is **back**, see `cfg.bin`.\nSecond line.\n\n- one\n- two\n  continued\n\n3. third\n4. fourth\n\n> quoted *text*\n> more\n\n---\n###### deep');
    assert.deepEqual(tree[0], { tag: 'h3', children: ['Pikabot'] });
    assert.deepEqual(tree[1], { tag: 'p', children: ['The ', { tag: 'em', children: ['loader'] }, ' is ', { tag: 'strong', children: ['back'] }, ', see ', { tag: 'code', children: ['cfg.bin'] }, '.\nSecond line.'] });
    assert.deepEqual(tree[2], { tag: 'ul', children: [{ tag: 'li', children: ['one'] }, { tag: 'li', children: ['two\ncontinued'] }] });
    assert.deepEqual(tree[3], { tag: 'ol', attrs: { start: '3' }, children: [{ tag: 'li', children: ['third'] }, { tag: 'li', children: ['fourth'] }] });
    assert.deepEqual(tree[4], { tag: 'blockquote', children: [{ tag: 'p', children: ['quoted ', { tag: 'em', children: ['text'] }, '\nmore'] }] });
    assert.deepEqual(tree[5], { tag: 'hr', children: [] });
    assert.deepEqual(tree[6], { tag: 'h6', children: ['deep'] });
  });

  it('keeps fenced code exactly as written, HTML and Markdown alike', () => {
    const tree = parseMarkdown('```js\n<script>alert(1)</script>\n# not a heading\n```\nafter');
    assert.deepEqual(tree, [
      { tag: 'pre', children: [{ tag: 'code', attrs: { 'data-lang': 'js' }, children: ['<script>alert(1)</script>\n# not a heading'] }] },
      { tag: 'p', children: ['after'] },
    ]);
    assert.deepEqual(parseMarkdown('~~~\nopen to the end'), [{ tag: 'pre', children: [{ tag: 'code', children: ['open to the end'] }] }]);
  });

  it('leaves raw HTML as text: only known tags are ever produced', () => {
    const tree = parseMarkdown('<script>alert(1)</script>\n\n\\<img src=x onerror=alert(1)>\n\n<b onclick="x()">bold?</b>');
    const tags = new Set([...walk(tree)].map((node) => node.tag));
    assert.deepEqual([...tags], ['p']);
    assert.equal(text(tree), '<script>alert(1)</script><img src=x onerror=alert(1)><b onclick="x()">bold?</b>');
  });

  it('links http, https, mailto and relative targets, and drops every other one, however disguised', () => {
    assert.deepEqual(parseInline('[site](https://example.org/a_(b) "t")'), [{ tag: 'a', attrs: { href: 'https://example.org/a_(b)', rel: 'noopener noreferrer nofollow' }, children: ['site'] }]);
    assert.deepEqual(parseInline('<mailto:soc@example.org>'), [{ tag: 'a', attrs: { href: 'mailto:soc@example.org', rel: 'noopener noreferrer nofollow' }, children: ['mailto:soc@example.org'] }]);
    for (const target of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', ' javascript:alert(1)', 'javascript&#58;alert(1)', 'javascript&colon;alert(1)', 'javascript%3aalert(1)', 'data:text/html,<script>', 'vbscript:x', '#blocked', 'java\u200bscript:x', '\\\\evil/share']) {
      assert.equal(safeHref(target), undefined, target);
    }
    for (const target of ['http://a.example/', 'HTTPS://a.example', 'mailto:a@b.example', '/api/v1/reports/1', 'notes.md', '../up', '#section', '?q=1']) assert.equal(safeHref(target), target, target);
    const blocked = parseInline('[click](javascript:alert(1)) and ![img](data:image/png;base64,AAAA)');
    assert.equal([...walk(blocked)].some((node) => node.tag === 'a'), false);
    assert.equal(text(blocked), 'click and img');
  });

  it('never turns an image into something the browser loads', () => {
    const tree = parseInline('![chart](https://tracker.example/pixel.png)');
    assert.deepEqual(tree, [{ tag: 'a', attrs: { href: 'https://tracker.example/pixel.png', rel: 'noopener noreferrer nofollow' }, children: ['chart'] }]);
  });

  it('reads escapes, unclosed markers and snake_case as text', () => {
    assert.deepEqual(parseInline('\\*not em\\* and 2 * 3 * 4, snake_case_name, `open'), ['*not em* and 2 * 3 * 4, snake_case_name, `open']);
    assert.deepEqual(parseInline('**bold with `code**` inside**'), [{ tag: 'strong', children: ['bold with ', { tag: 'code', children: ['code**'] }, ' inside'] }]);
    assert.deepEqual(parseInline('[a [nested] text](/x)'), [{ tag: 'a', attrs: { href: '/x', rel: 'noopener noreferrer nofollow' }, children: ['a [nested] text'] }]);
  });

  it('bounds nesting, so deep quotes and long inputs stay cheap', () => {
    const deep = parseMarkdown('>'.repeat(5000) + ' x');
    let levels = 0;
    for (const node of walk(deep)) if (node.tag === 'blockquote') levels++;
    assert.ok(levels <= 9, `${levels} levels`);
    const started = process.hrtime.bigint();
    parseMarkdown('*a '.repeat(20_000) + '[x](' + '('.repeat(20_000));
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 5000, 'parses hostile input in time');
  });
});

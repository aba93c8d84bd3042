import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import type { WindowLike } from 'dompurify';
import { createMarkdownRenderer } from '../src/lib/markdown/render.js';

const { window } = new JSDOM('<!doctype html><body></body>');
const render = createMarkdownRenderer(window as unknown as WindowLike);

/** Parses rendered HTML so assertions look at the DOM, not at string shapes. */
function dom(html: string): DocumentFragment {
  const t = window.document.createElement('template');
  t.innerHTML = html;
  return t.content;
}

function assertInert(html: string): void {
  const frag = dom(html);
  for (const el of frag.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      assert.ok(!/^on/i.test(attr.name), `event handler ${attr.name} survived in ${html}`);
      assert.ok(
        !/^\s*(javascript|vbscript|data:text\/html)/i.test(attr.value),
        `${attr.name}=${attr.value}`,
      );
    }
  }
  for (const tag of ['script', 'iframe', 'object', 'embed', 'form', 'input', 'button', 'style']) {
    assert.equal(frag.querySelector(tag), null, `<${tag}> survived in ${html}`);
  }
}

const HOSTILE = [
  '<img src=x onerror="alert(1)">',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="&#106;avascript:alert(1)">x</a>',
  '<script>alert(1)</script>',
  '<svg><script>alert(1)</script></svg>',
  '<svg onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<form action="https://evil"><input name=password><button>Log in</button></form>',
  '<div style="position:fixed;inset:0">overlay</div>',
  '![x](javascript:alert(1))',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<a href="data:text/html,<script>alert(1)</script>">x</a>',
];

describe('web markdown renderer', () => {
  for (const input of HOSTILE) {
    it(`renders hostile input inert: ${input.slice(0, 50)}`, () => {
      assertInert(render(input));
    });
  }

  it('shows raw HTML as text instead of rendering it', () => {
    const frag = dom(
      render('Look: <img src=x onerror="alert(1)"> and <b>bold</b>\n\n<div>block</div>'),
    );
    assert.equal(frag.querySelector('img, b, div'), null);
    assert.match(frag.textContent ?? '', /<img src=x onerror="alert\(1\)"> and <b>bold<\/b>/);
    assert.match(frag.textContent ?? '', /<div>block<\/div>/);
  });

  it('keeps ordinary Markdown: emphasis, lists, safe links opening in a new tab', () => {
    const frag = dom(render('**bold** and [docs](https://example.com)\n\n- a\n- b'));
    assert.equal(frag.querySelector('strong')?.textContent, 'bold');
    const a = frag.querySelector('a')!;
    assert.equal(a.getAttribute('href'), 'https://example.com');
    assert.equal(a.getAttribute('target'), '_blank');
    assert.equal(a.getAttribute('rel'), 'noopener noreferrer nofollow');
    assert.equal(frag.querySelectorAll('li').length, 2);
  });

  it('highlights known languages and escapes code it cannot highlight', () => {
    const ts = dom(render('```ts\nconst x: number = 1;\n```'));
    assert.equal(ts.querySelector('.code-lang')?.textContent, 'ts');
    assert.ok(ts.querySelector('code .hljs-keyword'), 'keyword span present');
    assert.equal(ts.querySelector('code')?.textContent, 'const x: number = 1;');
    const unknown = dom(render('```brainfuck\n<img src=x onerror=alert(1)>\n```'));
    assert.equal(unknown.querySelector('img'), null);
    assert.equal(unknown.querySelector('code')?.textContent, '<img src=x onerror=alert(1)>');
  });
});

/**
 * Markdown → safe HTML for assistant replies: marked (GFM) renders, highlight.js colours code
 * blocks in a few common languages, and DOMPurify removes anything executable afterwards. The
 * sanitizer runs last, on the final HTML, so no renderer bug can smuggle markup past it.
 * Raw HTML in a reply is shown as text, not rendered: models rarely mean it as markup, and
 * it never reaches an HTML parser (even DOMPurify's inert one makes the browser report CSP
 * violations for inline handlers such as `onerror`).
 */
import DOMPurify, { type WindowLike } from 'dompurify';
import { Marked, type Tokens } from 'marked';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';

const LANGUAGES = { bash, css, javascript, json, python, sql, typescript, xml };
for (const [name, def] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, def);
hljs.registerAliases(['sh', 'shell', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['js', 'jsx', 'mjs'], { languageName: 'javascript' });
hljs.registerAliases(['ts', 'tsx'], { languageName: 'typescript' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });
hljs.registerAliases(['py'], { languageName: 'python' });

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** HTML for one fenced code block: highlighted when the language is known, escaped otherwise. */
export function renderCodeBlock(code: string, lang: string | undefined): string {
  const name = (lang ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const known = name !== '' && hljs.getLanguage(name) !== undefined;
  const body = known
    ? hljs.highlight(code, { language: name, ignoreIllegals: true }).value
    : escapeHtml(code);
  const label = name ? `<span class="code-lang">${escapeHtml(name)}</span>` : '';
  return `<div class="code-block">${label}<pre><code class="hljs">${body}</code></pre></div>`;
}

// Interactive and styling elements a reply never needs; the copy buttons are added by the UI
// through DOM APIs after sanitizing, so a reply cannot fake controls.
const FORBID_TAGS = ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe'];
const FORBID_ATTR = ['style', 'id', 'name'];

/** Converts Markdown to sanitized HTML. */
export type MarkdownRenderer = (source: string) => string;

/**
 * Builds a renderer bound to a DOM window (the page's in the browser, a jsdom window in tests).
 * Links open in a new tab without access to this page.
 */
export function createMarkdownRenderer(win: WindowLike): MarkdownRenderer {
  const purify = DOMPurify(win);
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
  const marked = new Marked({
    gfm: true,
    breaks: true,
    renderer: {
      code(token: Tokens.Code) {
        return renderCodeBlock(token.text, token.lang);
      },
      html(token: Tokens.HTML | Tokens.Tag) {
        return escapeHtml(token.text);
      },
    },
  });
  return (source) => {
    const html = marked.parse(source, { async: false });
    return purify.sanitize(html, {
      FORBID_TAGS,
      FORBID_ATTR,
      ADD_ATTR: ['target'],
      ALLOW_DATA_ATTR: false,
    });
  };
}

/**
 * A small XML well-formedness check for the SVG files: every tag closes in order, attributes are quoted,
 * and there is one root element. Returns the text content of every element named `text`.
 */
export function checkXml(xml: string): { root: string; texts: string[] } {
  const stack: string[] = [];
  const texts: string[] = [];
  let root = '';
  let i = 0;
  let roots = 0;
  let inText = false;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      if (xml.slice(i).trim() !== '') throw new Error('text after the root element');
      break;
    }
    const between = xml.slice(i, lt);
    if (stack.length === 0 && between.trim() !== '') throw new Error(`text outside the root: ${between.slice(0, 40)}`);
    if (inText) texts[texts.length - 1] += between;
    if (xml.startsWith('<?', lt)) {
      i = xml.indexOf('?>', lt) + 2;
      continue;
    }
    if (xml.startsWith('<!--', lt)) {
      i = xml.indexOf('-->', lt) + 3;
      continue;
    }
    const gt = xml.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const tag = xml.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
      if (name === 'text') inText = false;
    } else {
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const m = /^([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*$/.exec(body);
      if (!m) throw new Error(`malformed tag <${tag.slice(0, 60)}>`);
      if (stack.length === 0) {
        roots++;
        root = m[1];
      }
      if (!selfClosing) {
        stack.push(m[1]);
        if (m[1] === 'text') {
          inText = true;
          texts.push('');
        }
      }
    }
    i = gt + 1;
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1]}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return { root, texts: texts.map(unescape) };
}

function unescape(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

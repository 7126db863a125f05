// The Mermaid oracle (see mermaid.ts): reads a JSON array of diagram texts on stdin and prints,
// for each, what Mermaid's own parser makes of it, or its error. Labels are given as a browser
// shows them: Mermaid's entity codes decoded, `<br>` as a line break, HTML read by a DOM (jsdom).
// An ES module in a process of its own, as Mermaid ships only ES modules and needs a DOM.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

/** Mermaid keeps `#quot;` and `#34;` as private markers until it renders: decode them as it does, then as HTML. */
function shown(text) {
  const html = String(text ?? '')
    .replace(/ﬂ°°(\d+)¶ß/g, '&#$1;')
    .replace(/ﬂ°(\w+)¶ß/g, '&$1;');
  return html.split(/<br\s*\/?>/i).map((part) => {
    const el = document.createElement('span');
    el.innerHTML = part;
    return el.textContent;
  });
}

const texts = JSON.parse(await new Promise((resolve) => {
  let input = '';
  process.stdin.on('data', (d) => (input += d));
  process.stdin.on('end', () => resolve(input));
}));
const results = [];
for (const text of texts) {
  try {
    await mermaid.parse(text);
    const { db, type } = await mermaid.mermaidAPI.getDiagramFromText(text);
    results.push({
      type,
      vertices: [...db.getVertices().values()].map((v) => ({ id: v.id, shape: v.type, lines: shown(v.text), classes: v.classes })),
      edges: db.getEdges().map((e) => ({ from: e.start, to: e.end, lines: shown(e.text), stroke: e.stroke })),
      subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, lines: shown(s.title), nodes: s.nodes })),
    });
  } catch (e) {
    results.push({ error: String(e.message ?? e) });
  }
}
process.stdout.write(JSON.stringify(results));

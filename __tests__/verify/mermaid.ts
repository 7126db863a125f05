import { spawnSync } from 'child_process';
import * as path from 'path';
import { count } from './counts';

/**
 * What Mermaid (the `mermaid` package, the renderer code hosts run; a dev dependency) makes of a
 * flowchart: its nodes, edges and subgraphs with their labels as a browser shows them, or the
 * parse error. Runs mermaid-parse.mjs in a Node process of its own (Mermaid is ES modules only
 * and needs a DOM: jsdom).
 */
export interface ParsedFlowchart {
  readonly type?: string;
  readonly error?: string;
  readonly vertices: { id: string; shape: string; lines: string[]; classes: string[] }[];
  readonly edges: { from: string; to: string; lines: string[]; stroke: string }[];
  readonly subgraphs: { id: string; lines: string[]; nodes: string[] }[];
}

/** Parses every diagram in one Mermaid process. */
export function parseMermaid(texts: readonly string[]): ParsedFlowchart[] {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'mermaid-parse.mjs')], {
    input: JSON.stringify(texts),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`the Mermaid oracle failed (exit ${r.status}): ${r.stderr}`);
  const results = JSON.parse(r.stdout) as ParsedFlowchart[];
  count('diagrams parsed by mermaid', results.filter((p) => !p.error).length);
  return results;
}

/** The ```mermaid block of a markdown file. */
export function mermaidBlock(markdown: string): string {
  const blocks = [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)];
  if (blocks.length !== 1) throw new Error(`expected one mermaid block, found ${blocks.length}`);
  return blocks[0][1];
}

/** The doctor's report: a checklist per source for people, or JSON for CI. */
import { SourceReport } from './model';

export interface Summary {
  readonly sources: number;
  readonly checks: number;
  readonly failed: number;
  readonly failedSources: number;
}

export function summarize(reports: readonly SourceReport[]): Summary {
  const failed = reports.flatMap((r) => r.checks.filter((c) => !c.ok));
  return {
    sources: reports.length,
    checks: reports.reduce((n, r) => n + r.checks.length, 0),
    failed: failed.length,
    failedSources: reports.filter((r) => r.checks.some((c) => !c.ok)).length,
  };
}

/** The checklist text: per source a heading, then one line per check, ✓ or ✗, the fix under each ✗. */
export function renderText(reports: readonly SourceReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    out.push(`${r.stack} / ${r.source} (${r.type}, account ${r.accountId}, ${r.region})`);
    for (const c of r.checks) {
      out.push(`  ${c.ok ? '✓' : '✗'} ${c.name}${c.detail ? `: ${c.detail}` : ''}`);
      if (!c.ok && c.fix) out.push(`      fix: ${c.fix}`);
    }
    out.push('');
  }
  const s = summarize(reports);
  out.push(
    s.failed === 0
      ? `All ${s.checks} checks of ${s.sources} source(s) passed.`
      : `${s.failed} of ${s.checks} checks failed, in ${s.failedSources} of ${s.sources} source(s).`,
  );
  return `${out.join('\n')}\n`;
}

/** The JSON report: `{ "ok", "summary", "sources": [{ stack, source, type, accountId, region, checks: [{ name, ok, detail?, fix? }] }] }`. */
export function renderJson(reports: readonly SourceReport[]): string {
  const summary = summarize(reports);
  return `${JSON.stringify({ ok: summary.failed === 0, summary, sources: reports }, null, 2)}\n`;
}

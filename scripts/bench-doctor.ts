/**
 * The doctor case of `npm run bench`, in a child process:
 *
 *   node dist/scripts/bench-doctor.js [SOURCES_PER_ACCOUNT=10] [ACCOUNTS=10] [CONCURRENCY=8]
 *
 * `doctor` over the scale case's config (10 account entries of 10 sources of mixed types, each
 * entry with an assumeRoleArn) against the loopback AWS server (scripts/aws-loopback.ts), every
 * prerequisite in place. Prints `{ "seconds", "sources", "checks", "calls", "maxInFlight", "exit" }`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseConfig } from '../lib/config/config';
import { runDoctor } from '../lib/doctor/cli';
import { AwsLoopback, worldOf } from './aws-loopback';
import { scaleConfig } from './scale';

async function bench(): Promise<void> {
  const accounts = Number(process.argv[3] ?? 10);
  const concurrency = process.argv[4] ?? '8';
  const raw = scaleConfig(accounts);
  for (const a of raw.accounts)
    (a as { assumeRoleArn?: string }).assumeRoleArn = `arn:aws:iam::${a.accountId}:role/clickpipes-doctor`;
  const server = new AwsLoopback(worldOf(parseConfig(raw, 'bench')));
  const endpoint = await server.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-bench-doctor-'));
  fs.writeFileSync(path.join(dir, 'clickpipes.config.json'), JSON.stringify(raw));
  let out = '';
  const start = process.hrtime.bigint();
  const exit = await runDoctor(
    ['--json', '--concurrency', concurrency],
    { env: {}, cwd: dir, stdout: (t) => (out += t), stderr: () => undefined, progress: false },
    { aws: { endpoint, credentials: { accessKeyId: 'AKIA000000000000BENCH', secretAccessKey: 'bench-secret' } } },
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  const report = JSON.parse(out) as { summary: { sources: number; checks: number; failed: number } };
  process.stdout.write(
    `${JSON.stringify({ seconds, sources: report.summary.sources, checks: report.summary.checks, failed: report.summary.failed, calls: server.calls.length, maxInFlight: server.maxInFlight, exit })}\n`,
  );
}

void bench();

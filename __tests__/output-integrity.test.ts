/**
 * The README's guarantees on the output folder, each run as the real process: a run killed at any
 * point leaves the old output or the new one whole (the next run restores it first), one writer
 * at a time, leftovers cleaned, nothing removed that the app did not write.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EXAMPLE_CONFIG, recoverOutput } from '../lib';
import { MAIN, killed, runApp, stoppedOrExited, tempFolders } from './helpers';

const tmp = tempFolders('cpa-out-');

/** Config A: the example (stacks prod, analytics). */
const CONFIG_A = EXAMPLE_CONFIG;
/** Config B: prod renamed production, analytics gone, staging new with one source less. */
const CONFIG_B = {
  ...EXAMPLE_CONFIG,
  accounts: [
    { ...EXAMPLE_CONFIG.accounts[0], name: 'production' },
    { ...EXAMPLE_CONFIG.accounts[1], name: 'staging', sources: EXAMPLE_CONFIG.accounts[1].sources!.slice(1) },
  ],
};

/** Every entry below `dir` (hidden ones and empty folders too), relative path → content ('/' for a folder). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      out[path.relative(dir, p)] = e.isDirectory() ? '/' : fs.readFileSync(p, 'utf8');
      if (e.isDirectory()) walk(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** A project folder with `config` as clickpipes.config.json. */
function project(config: unknown): string {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'clickpipes.config.json'), JSON.stringify(config));
  return dir;
}

const useConfig = (dir: string, config: unknown) =>
  fs.writeFileSync(path.join(dir, 'clickpipes.config.json'), JSON.stringify(config));

/** Files of the user's and Terraform's in the output of config A, which must survive everything. */
function addUserFiles(outdir: string): void {
  fs.mkdirSync(path.join(outdir, 'stacks', 'prod', '.terraform', 'providers'), { recursive: true });
  fs.writeFileSync(path.join(outdir, 'stacks', 'prod', '.terraform', 'providers', 'x'), 'provider');
  fs.writeFileSync(path.join(outdir, 'stacks', 'prod', '.terraform.lock.hcl'), '# lock');
  fs.writeFileSync(path.join(outdir, 'stacks', 'analytics', 'terraform.tfstate'), '{"serial": 7}');
  fs.writeFileSync(path.join(outdir, 'stacks', 'analytics', 'clickpipes', 'notes.md'), 'mine');
  fs.writeFileSync(path.join(outdir, 'stacks', 'README.md'), 'hand-written');
}

/** Config A synthesized once, with the user's files added, and its output before and after config B. */
let base: { dir: string; old: Record<string, string>; new: Record<string, string> };
beforeAll(() => {
  const dir = project(CONFIG_A);
  expect(runApp(dir, {}, ['--quiet']).status).toBe(0);
  addUserFiles(path.join(dir, 'cdktf.out'));
  const other = tmp();
  fs.cpSync(dir, other, { recursive: true });
  useConfig(other, CONFIG_B);
  expect(runApp(other, {}, ['--quiet']).status).toBe(0);
  base = { dir, old: snapshot(path.join(dir, 'cdktf.out')), new: snapshot(path.join(other, 'cdktf.out')) };
});

/** A copy of the folder of config A's output; its output before and after config B. */
function scene(): { dir: string; outdir: string; old: Record<string, string>; new: Record<string, string> } {
  const dir = tmp();
  fs.cpSync(base.dir, dir, { recursive: true });
  return { dir, outdir: path.join(dir, 'cdktf.out'), old: base.old, new: base.new };
}

/** Starts the app; resolves when it has stopped itself at its stop point, or with its exit code when it finished first. */
function startApp(
  cwd: string,
  env: Record<string, string>,
): { child: ChildProcess; stopped: Promise<'stopped' | number> } {
  const child = spawn(process.execPath, [MAIN, '--quiet'], { cwd, env: { ...process.env, ...env }, stdio: 'ignore' });
  return { child, stopped: stoppedOrExited(child) };
}

describe('a run killed at any point (test-only stop points, then kill -9)', () => {
  // Before the journal counts, the old output comes back; once it is deleted, the new one stays.
  const points = ['locked', 'journal', 'move:1', 'move:2', 'move:7', 'move:30', 'commit'];
  test.each(points)('killed at %s: the next run restores one whole output, then writes the new one', async (point) => {
    const s = scene();
    useConfig(s.dir, CONFIG_B);
    const { child, stopped } = startApp(s.dir, { CLICKPIPES_TEST_STOP_AT: point });
    const outcome = await stopped;
    if (outcome !== 'stopped') {
      // Fewer moves than the point: the run finished, whole.
      expect(outcome).toBe(0);
      expect(snapshot(s.outdir)).toEqual(s.new);
      return;
    }
    await killed(child);
    // What the next run does first, before anything else: restore.
    recoverOutput(fs.realpathSync(s.outdir));
    const lockLeft = { ...snapshot(s.outdir) };
    delete lockLeft['.clickpipes.lock'];
    expect(lockLeft).toEqual(point === 'commit' ? s.new : s.old);
    // The next run: exit 0, the new output whole, nothing left over.
    const next = runApp(s.dir, {}, []);
    expect(next.status).toBe(0);
    expect(snapshot(s.outdir)).toEqual(s.new);
  });

  test('a real kill -9 at spread-out moments, eight times: always one whole output', async () => {
    const s = scene();
    // How long a run of config B takes here, to spread the kills over it.
    useConfig(s.dir, CONFIG_B);
    const t0 = Date.now();
    expect(runApp(s.dir, {}, ['--quiet']).status).toBe(0);
    const duration = Date.now() - t0;
    for (let i = 0; i < 8; i++) {
      // Back to config A's output, then kill a run of config B at i/8 of its length.
      fs.rmSync(s.outdir, { recursive: true });
      fs.mkdirSync(s.outdir);
      for (const [file, content] of Object.entries(s.old)) {
        if (content === '/') fs.mkdirSync(path.join(s.outdir, file), { recursive: true });
        else fs.writeFileSync(path.join(s.outdir, file), content);
      }
      const child = spawn(process.execPath, [MAIN, '--quiet'], { cwd: s.dir, stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, Math.round((duration * (i + 0.5)) / 8)));
      await killed(child);
      recoverOutput(fs.realpathSync(s.outdir));
      const after = snapshot(s.outdir);
      delete after['.clickpipes.lock'];
      expect([s.old, s.new]).toContainEqual(after);
    }
    // Nine runs of the app: a safety limit for a busy machine, not a speed check.
  }, 300_000);
});

describe('one writer at a time', () => {
  test('a second run waits for the first, or refuses after CLICKPIPES_LOCK_TIMEOUT, naming the lock and the process', async () => {
    const s = scene();
    useConfig(s.dir, CONFIG_B);
    const first = startApp(s.dir, { CLICKPIPES_TEST_STOP_AT: 'locked' });
    expect(await first.stopped).toBe('stopped');
    const refused = runApp(s.dir, { CLICKPIPES_LOCK_TIMEOUT: '0' }, ['--quiet']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      `Error: cdktf.out/.clickpipes.lock: another run (process ${first.child.pid} on ${require('os').hostname()}) is writing cdktf.out; ` +
        'wait for it to finish and run again (or raise CLICKPIPES_LOCK_TIMEOUT, now 0 s). Nothing was written.\n',
    );
    expect(snapshot(s.outdir)).toEqual({ ...s.old, '.clickpipes.lock': expect.any(String) });
    // A waiting run goes on once the first has finished: the last one's output, whole.
    fs.writeFileSync(path.join(s.dir, 'a.json'), JSON.stringify(CONFIG_A));
    const second = spawn(process.execPath, [MAIN], {
      cwd: s.dir,
      env: { ...process.env, CLICKPIPES_CONFIG: 'a.json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    second.stderr!.on('data', (d) => (stderr += d));
    // Resume the first once the second says it waits.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => stderr && (clearInterval(poll), resolve()), 20);
    });
    first.child.kill('SIGCONT');
    const codes = await Promise.all([
      new Promise((r) => first.child.on('exit', r)),
      new Promise((r) => second.on('exit', r)),
    ]);
    expect(codes).toEqual([0, 0]);
    expect(stderr).toBe(`Waiting for process ${first.child.pid}, which is writing cdktf.out…\n`);
    const after = snapshot(s.outdir);
    // Config A again, over config B's output: B's stacks were written by the app, so they go.
    expect(
      Object.keys(after)
        .filter((f) => /^stacks\/[^/]+$/.test(f))
        .sort(),
    ).toEqual(['stacks/README.md', 'stacks/analytics', 'stacks/prod']);
  });

  test("a killed run's lock is taken over, with a line that says so", async () => {
    const s = scene();
    const first = startApp(s.dir, { CLICKPIPES_TEST_STOP_AT: 'locked' });
    expect(await first.stopped).toBe('stopped');
    await killed(first.child);
    const next = runApp(s.dir, { CLICKPIPES_LOCK_TIMEOUT: '0' }, ['--quiet']);
    expect(next).toEqual({
      status: 0,
      stdout: '',
      stderr: `Removed the lock of an interrupted run (process ${first.child.pid}).\n`,
    });
    expect(snapshot(s.outdir)).toEqual(s.old);
  });
});

describe('leftovers and what the app did not write', () => {
  test('staging folders of killed runs (and of earlier versions, beside the folder) are removed by the next run', () => {
    const s = scene();
    fs.mkdirSync(path.join(s.outdir, '.clickpipes-staging-abc123', 'new'), { recursive: true });
    fs.writeFileSync(path.join(s.outdir, '.clickpipes.lock.999999999'), '{}');
    fs.mkdirSync(path.join(s.dir, '.cdktf.out.new-xyz'));
    fs.mkdirSync(path.join(s.dir, '.cdktf.out.export-xyz'));
    expect(runApp(s.dir, {}, ['--quiet']).status).toBe(0);
    expect(snapshot(s.outdir)).toEqual(s.old);
    expect(fs.readdirSync(s.dir).sort()).toEqual(['cdktf.out', 'clickpipes.config.json']);
  });

  test('a record edited to name files outside its stack folder removes none of them', () => {
    const s = scene();
    fs.writeFileSync(path.join(s.dir, 'precious.txt'), 'keep');
    const recordFile = path.join(s.outdir, 'clickpipes-output.json');
    const record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
    record.stacks.prod.push('../../../precious.txt', '/etc/hostname');
    record.stacks['../..'] = ['precious.txt'];
    fs.writeFileSync(recordFile, JSON.stringify(record));
    useConfig(s.dir, CONFIG_B);
    expect(runApp(s.dir, {}, ['--quiet']).status).toBe(0);
    expect(fs.readFileSync(path.join(s.dir, 'precious.txt'), 'utf8')).toBe('keep');
    expect(fs.existsSync('/etc/hostname')).toBe(true);
  });

  test("a removed stack's state and notes stay; a folder of Terraform's files only goes; another tool's stacks are left alone", () => {
    const s = scene();
    fs.mkdirSync(path.join(s.outdir, 'stacks', 'network'));
    fs.writeFileSync(path.join(s.outdir, 'stacks', 'network', 'cdk.tf.json'), '{"other": "project"}');
    useConfig(s.dir, CONFIG_B);
    const r = runApp(s.dir, {}, ['--quiet']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      [
        'stacks/analytics is no longer in the config; kept its files that this app did not write: clickpipes/notes.md, terraform.tfstate',
        'stacks/network is not a stack of this config and this app did not write it; left as it is.',
        '',
      ].join('\n'),
    );
    const after = snapshot(s.outdir);
    expect(after['stacks/analytics/terraform.tfstate']).toBe('{"serial": 7}');
    expect(after['stacks/analytics/clickpipes/notes.md']).toBe('mine');
    expect(after['stacks/analytics/cdk.tf.json']).toBeUndefined();
    expect(after['stacks/network/cdk.tf.json']).toBe('{"other": "project"}');
    expect(after['stacks/README.md']).toBe('hand-written');
    expect(Object.keys(after).filter((f) => f.startsWith('stacks/prod/') || f === 'stacks/prod')).toEqual([]);
  });
});

describe('faults: one line naming the path and the fix, exit 1, the output as it was', () => {
  const asRoot = process.getuid?.() === 0;
  /** Runs the app as a user without write access where `chmod` says so (root ignores modes, so as nobody). */
  function runUnprivileged(dir: string, args: string[], env: Record<string, string> = {}) {
    const command = asRoot ? ['runuser', '-u', 'nobody', '--', process.execPath] : [process.execPath];
    // nobody needs to reach the folder and the app.
    for (let d = dir; d !== '/'; d = path.dirname(d)) fs.chmodSync(d, fs.statSync(d).mode | 0o055);
    const r = spawnSync(command[0], [...command.slice(1), MAIN, ...args], {
      cwd: dir,
      env: { ...process.env, HOME: dir, ...env },
      encoding: 'utf8',
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const readOnly = (p: string) => fs.chmodSync(p, 0o555);

  test('the output folder read-only', () => {
    const s = scene();
    spawnSync('chmod', ['-R', 'a+rX', s.dir]);
    readOnly(s.outdir);
    const r = runUnprivileged(s.dir, ['--quiet']);
    expect(r).toEqual({
      status: 1,
      stdout: '',
      stderr: expect.stringMatching(
        /^Error: cdktf\.out: permission denied \(EACCES\); give this user access to it, or write elsewhere \(CDKTF_OUTDIR, --out\)\. cdktf\.out is as the last good run left it\.\n$/,
      ),
    });
    expect(snapshot(s.outdir)).toEqual(s.old);
  });

  test('one stack folder not writable: no stack new and others old, one line', () => {
    const s = scene();
    useConfig(s.dir, {
      ...CONFIG_A,
      accounts: [CONFIG_A.accounts[0], { ...CONFIG_A.accounts[1], region: 'eu-west-1' }],
    });
    spawnSync('chmod', ['-R', 'a+rwX', s.dir]);
    readOnly(path.join(s.outdir, 'stacks', 'analytics'));
    const r = runUnprivileged(s.dir, ['--quiet']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: cdktf\.out\/stacks\/analytics\/\S+: permission denied \(EACCES\); give this user access to it, or write elsewhere \(CDKTF_OUTDIR, --out\)\. cdktf\.out is as the last good run left it\.\n$/,
    );
    expect(snapshot(s.outdir)).toEqual(s.old);
  });

  test('the parent of a new output folder read-only', () => {
    const dir = project(CONFIG_A);
    spawnSync('chmod', ['-R', 'a+rX', dir]);
    readOnly(dir);
    const r = runUnprivileged(dir, ['--quiet']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Error: cdktf\.out: permission denied \(EACCES\); give this user access/);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });

  test('CDKTF_OUTDIR a file, `stacks` a file, a stack file a folder', () => {
    const s = scene();
    fs.writeFileSync(path.join(s.dir, 'out-file'), 'x');
    expect(runApp(s.dir, { CDKTF_OUTDIR: 'out-file' }, ['--quiet'])).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'Error: out-file: a file stands where the output folder should be; move it away, or write elsewhere (CDKTF_OUTDIR, --out).\n',
    });
    const other = project(CONFIG_A);
    fs.mkdirSync(path.join(other, 'cdktf.out'));
    fs.writeFileSync(path.join(other, 'cdktf.out', 'stacks'), 'x');
    expect(runApp(other, {}, ['--quiet'])).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'Error: cdktf.out/stacks: a file stands where the app writes a folder; move it away and run again. Nothing was written.\n',
    });
    fs.rmSync(path.join(s.outdir, 'stacks', 'prod', 'cdk.tf.json'));
    fs.mkdirSync(path.join(s.outdir, 'stacks', 'prod', 'cdk.tf.json'));
    const before = snapshot(s.outdir);
    const r = runApp(s.dir, {}, ['--quiet']);
    expect(r.stderr).toBe(
      'Error: cdktf.out/stacks/prod/cdk.tf.json: a folder stands where the app writes a file; move it away and run again. Nothing was written.\n',
    );
    expect(snapshot(s.outdir)).toEqual(before);
  });

  /** A small tmpfs of `size` at a new folder, or the reason there can be none here. */
  function tmpfs(size: string): { dir: string } | { reason: string } {
    const dir = tmp('cpa-tmpfs-');
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
    if (r.status !== 0) return { reason: `cannot mount a tmpfs here: ${r.stderr.trim()}` };
    mounts.push(dir);
    return { dir };
  }
  const mounts: string[] = [];
  afterAll(() => mounts.forEach((m) => spawnSync('umount', ['-l', m])));

  test('a full disk (ENOSPC): one line, and the output as it was', () => {
    const fs_ = tmpfs('96k');
    if ('reason' in fs_) {
      if (process.env.CI === 'true') throw new Error(fs_.reason);
      return console.warn(`skipped: ${fs_.reason}`);
    }
    const dir = project(CONFIG_A);
    fs.symlinkSync(fs_.dir, path.join(dir, 'cdktf.out'));
    // Fill the disk but for a little, so that the lock goes in and the synth does not.
    fs.writeFileSync(path.join(fs_.dir, 'filler'), Buffer.alloc(88 * 1024));
    const before = snapshot(fs_.dir);
    const r = runApp(dir, {}, ['--quiet']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: cdktf\.out: no space left on the device \(ENOSPC\); free some space and run again\. cdktf\.out is as the last good run left it\.\n$/,
    );
    expect(snapshot(fs_.dir)).toEqual(before);
  });

  test('cdktf.out a symlink to another file system, and a mount point: synth works, every time', () => {
    for (const link of [true, false]) {
      const fs_ = tmpfs('16m');
      if ('reason' in fs_) {
        if (process.env.CI === 'true') throw new Error(fs_.reason);
        return console.warn(`skipped: ${fs_.reason}`);
      }
      const dir = project(CONFIG_A);
      const outdir = path.join(dir, 'cdktf.out');
      if (link) fs.symlinkSync(fs_.dir, outdir);
      else {
        fs.mkdirSync(outdir);
        expect(spawnSync('mount', ['--bind', fs_.dir, outdir]).status).toBe(0);
        mounts.push(outdir);
      }
      for (const config of [CONFIG_A, CONFIG_B, CONFIG_A]) {
        useConfig(dir, config);
        expect(runApp(dir, {}, ['--quiet'])).toEqual({ status: 0, stdout: '', stderr: '' });
      }
      expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['analytics', 'prod']);
    }
  });
});

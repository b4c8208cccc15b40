import { spawnSync } from 'node:child_process';
import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node';

/**
 * A test run that stops making progress must fail fast and say where, instead of sitting until CI's
 * own time limit. Every test and hook has a timeout, but vitest's worker protocol has steps that do
 * not (loading a file, the worker's "file finished" message): a CI run once hung for 90 minutes with
 * one file never reporting. This reporter remembers the last thing each running file did; when a file
 * has been silent for longer than any of our timeouts allow, it prints that file, its last step and
 * the process tree, and ends the run with exit code 75 (EX_TEMPFAIL), which `.ci/run` recognises.
 */
const STALL_MS = Number(process.env.TEST_STALL_SECONDS ?? 420) * 1000;
const CHECK_EVERY_MS = 15_000;
export const STALLED_EXIT_CODE = 75;

interface Progress {
  file: string;
  step: string;
  at: number;
}

export default class StallReporter implements Reporter {
  private readonly running = new Map<string, Progress>();
  private timer: NodeJS.Timeout | undefined;

  onTestRunStart(): void {
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  onTestRunEnd(): void {
    clearInterval(this.timer);
  }

  onTestModuleQueued(module: TestModule): void {
    this.mark(module, 'queued (waiting for a worker, then loading)');
  }

  onTestModuleCollected(module: TestModule): void {
    this.mark(module, 'collected');
  }

  onTestModuleStart(module: TestModule): void {
    this.mark(module, 'started');
  }

  onTestSuiteReady(suite: TestSuite): void {
    this.mark(suite.module, `suite "${suite.fullName}" starting (beforeAll)`);
  }

  onTestSuiteResult(suite: TestSuite): void {
    this.mark(suite.module, `suite "${suite.fullName}" done (afterAll ran)`);
  }

  onTestCaseReady(test: TestCase): void {
    this.mark(test.module, `test "${test.fullName}" running`);
  }

  onTestCaseResult(test: TestCase): void {
    this.mark(test.module, `test "${test.fullName}" ${test.result().state}`);
  }

  onTestModuleEnd(module: TestModule): void {
    this.running.delete(module.moduleId);
  }

  private mark(module: TestModule, step: string): void {
    this.running.set(module.moduleId, { file: module.relativeModuleId, step, at: Date.now() });
  }

  private check(): void {
    // A queued file legitimately waits for a free worker as long as the others take.
    const active = [...this.running.values()].filter((p) => !p.step.startsWith('queued'));
    const watched = active.length === 0 ? [...this.running.values()] : active;
    const stalled = watched.filter((p) => Date.now() - p.at > STALL_MS);
    if (stalled.length === 0) return;
    const lines = stalled.map((p) => `  ${p.file}: silent for ${Math.round((Date.now() - p.at) / 1000)} s after: ${p.step}`);
    process.stderr.write(
      `\nTEST RUN STALLED: no progress for ${STALL_MS / 1000} s (TEST_STALL_SECONDS).\n${lines.join('\n')}\n\nprocesses of this run:\n${processTree(process.pid)}\n`,
    );
    process.exit(STALLED_EXIT_CODE);
  }
}

/** `ps` lines of pid and its descendants, so the report shows what the stuck worker was waiting on. */
function processTree(root: number): string {
  const ps = spawnSync('ps', ['-eo', 'pid=,ppid=,stat=,etime=,pcpu=,args='], { encoding: 'utf8' }).stdout ?? '';
  const rows = ps
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => ({ pid: Number(line.split(/\s+/)[0]), ppid: Number(line.split(/\s+/)[1]), line }));
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) {
      if (!inTree.has(row.pid) && inTree.has(row.ppid)) {
        inTree.add(row.pid);
        grew = true;
      }
    }
  }
  return rows
    .filter((row) => inTree.has(row.pid))
    .map((row) => `  ${row.line.slice(0, 240)}`)
    .join('\n');
}

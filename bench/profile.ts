import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Reads a V8 .cpuprofile (node --cpu-prof, or the inspector profile the bench takes around one run)
 * and prints where the time went: top functions by self time, self time by package / area, and the
 * inclusive time of our own functions (src/); or two profiles compared function by function.
 * Frames in the built bundle (dist/, scripts/build.ts) are named by their original file and line
 * through the bundle's source maps, so packages and our modules stay apart.
 * Also a CLI: `npx tsx bench/profile.ts <file> [top]`, or `<subject> <requests> <anchor> <requests>`.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(program)']);

/** The profile with its nodes by id and each node's parent. */
function readProfile(file: string) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  toOriginalPositions(profile.nodes);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  return { profile, byId, parent };
}

/** Rewrites frames of bundled files that have a source map to the original file and line. */
function toOriginalPositions(nodes: ProfileNode[]): void {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (url: string): SourceMap | undefined => {
    if (!maps.has(url)) {
      const file = `${fileURLToPath(url)}.map`;
      maps.set(url, fs.existsSync(file) ? new SourceMap(JSON.parse(fs.readFileSync(file, 'utf8'))) : undefined);
    }
    return maps.get(url);
  };
  for (const node of nodes) {
    const frame = node.callFrame;
    if (!frame.url.startsWith('file://') || !frame.url.includes('/dist/')) continue;
    const entry = mapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
    if (!entry || !('originalSource' in entry)) continue;
    // esbuild writes sources relative to the map's own directory.
    frame.url = pathToFileURL(path.resolve(path.dirname(fileURLToPath(frame.url)), entry.originalSource)).href;
    frame.lineNumber = entry.originalLine;
    frame.columnNumber = entry.originalColumn;
  }
}

/** `requests`: how many requests the profiled run answered, to print the busy time per request. */
export function summarizeProfile(file: string, top = 15, requests?: number): string[] {
  const { profile, byId, parent } = readProfile(file);

  const self = new Map<string, number>();
  const area = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000; // µs -> ms
    const node = byId.get(id)!;
    if (IDLE.has(node.callFrame.functionName)) {
      idle += delta;
      return;
    }
    if (underInspector(id)) return; // the in-process profiler's own start/stop, not the server's work
    busy += delta;
    add(self, node.callFrame.url ? label(node) : `${label(node)}  <- ${callerOf(id)}`, delta);
    add(area, areaOf(node), delta);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      if (!isOurs(frame.callFrame.url)) continue;
      const key = label(frame);
      if (!seen.has(key)) add(inclusive, key, delta), seen.add(key);
    }
  });

  function underInspector(id: number): boolean {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (byId.get(at)!.callFrame.url === 'node:inspector') return true;
    return false;
  }
  /** Natives (writev, Hash, initiv...) say little alone: name the nearest JavaScript caller. */
  function callerOf(id: number): string {
    for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      if (frame.callFrame.url) return label(frame);
    }
    return '(no JS caller)';
  }
  const pct = (v: number) => `${((100 * v) / busy).toFixed(1).padStart(5)}%`;
  const list = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${pct(v)} ${v.toFixed(0).padStart(7)} ms  ${k}`);
  return [
    `${path.basename(file)}: ${busy.toFixed(0)} ms busy, ${idle.toFixed(0)} ms idle (${((100 * busy) / (busy + idle)).toFixed(0)}% busy)` +
      (requests ? `; ${requests} requests answered, ${((1000 * busy) / requests).toFixed(0)} µs busy per request` : ''),
    `Top ${top} functions by self time (% of busy time):`,
    ...list(self, top),
    'Self time by area:',
    ...list(area, 12),
    `Our code (src/), inclusive time:`,
    ...list(inclusive, top),
  ];
}

/** A profile and how many requests the profiled run answered. */
export interface ProfiledRun {
  file: string;
  requests: number;
}

/**
 * Two profiles of the same server side by side (path 2: `oauthCredentials` and `{ __typename }`),
 * function by function: self and inclusive µs per request of each, ordered by the difference. What
 * the subject spends above its anchor, and where.
 */
export function compareProfiles(subject: ProfiledRun, anchor: ProfiledRun, top = 30): string[] {
  const s = timesPerRequest(subject);
  const a = timesPerRequest(anchor);
  const rows = (kind: 'self' | 'inclusive') => {
    const keys = new Set([...s[kind].keys(), ...a[kind].keys()]);
    const diff = (k: string) => (s[kind].get(k) ?? 0) - (a[kind].get(k) ?? 0);
    return [...keys]
      .sort((x, y) => diff(y) - diff(x))
      .slice(0, top)
      .map((k) => `  ${fmt(s[kind].get(k) ?? 0)} ${fmt(a[kind].get(k) ?? 0)} ${fmt(diff(k), true)}  ${k}`);
  };
  const total = (m: Map<string, number>) => [...m.values()].reduce((x, y) => x + y, 0);
  return [
    `${path.basename(subject.file)} against ${path.basename(anchor.file)}: busy µs per request ${total(s.self).toFixed(1)} against ${total(a.self).toFixed(1)}`,
    'Self time, µs per request (subject, anchor, difference):',
    ...rows('self'),
    'Inclusive time, µs per request (subject, anchor, difference):',
    ...rows('inclusive'),
  ];
}

function timesPerRequest({ file, requests }: ProfiledRun): { self: Map<string, number>; inclusive: Map<string, number> } {
  const { profile, byId, parent } = readProfile(file);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const micros = (profile.timeDeltas[i] ?? 0) / requests;
    const node = byId.get(id)!;
    if (IDLE.has(node.callFrame.functionName)) return;
    add(self, label(node), micros);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = label(byId.get(at)!);
      if (!seen.has(key)) add(inclusive, key, micros), seen.add(key);
    }
  });
  return { self, inclusive };
}

const fmt = (v: number, signed = false) => `${signed && v >= 0 ? '+' : ''}${v.toFixed(2)}`.padStart(8);

function add(m: Map<string, number>, key: string, v: number) {
  m.set(key, (m.get(key) ?? 0) + v);
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  if (!url) return functionName || '(anonymous)';
  return `${functionName || '(anonymous)'}  ${shortUrl(url)}:${lineNumber + 1}`;
}

function shortUrl(url: string): string {
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('/node_modules/');
  if (nm >= 0) return clean.slice(nm + '/node_modules/'.length);
  const ours = clean.lastIndexOf('/src/');
  return ours >= 0 ? clean.slice(ours + 1) : clean;
}

const isOurs = (url: string) => url.includes('/src/') && !url.includes('/node_modules/');

function areaOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/(src\/[^/]+)\//.exec(url);
  return m ? `ours: ${m[1]}` : url;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.length === 4) {
    const [subject, subjectRequests, anchor, anchorRequests] = args as [string, string, string, string];
    const runs = [{ file: subject, requests: Number(subjectRequests) }, { file: anchor, requests: Number(anchorRequests) }] as const;
    process.stdout.write(`${compareProfiles(...runs).join('\n')}\n`);
  } else if (args.length >= 1 && args.length <= 2) {
    process.stdout.write(`${summarizeProfile(args[0]!, Number(args[1] ?? 25)).join('\n')}\n`);
  } else {
    process.stderr.write(
      'usage: npx tsx bench/profile.ts <file.cpuprofile> [top]\n' +
        '       npx tsx bench/profile.ts <subject.cpuprofile> <requests> <anchor.cpuprofile> <requests>\n',
    );
    process.exit(2);
  }
}

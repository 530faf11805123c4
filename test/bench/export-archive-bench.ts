/**
 * How much memory reading a big export takes: a ZIP of ~2 GB of media entries (stored, as Meta's media are) with a
 * few small JSON entries, some after the media (past the 2 GiB offset), opened with `openExport` and its JSON
 * entries read. The reading runs in a child process so its peak RSS (process.resourceUsage().maxRSS) is its own,
 * not the generator's. Prints one JSON object; deletes the archive at the end.
 *
 * Run: `npm run bench:exports` or `npx tsx test/bench/export-archive-bench.ts [--size-mb 2048] [--entry-mb 64]`
 * (not part of `npm test`).
 */
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, statfs } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { openExport } from '../../shared/sources/exports/archive.ts';

// yazl ships no types: the little of it used here.
interface YazlZip {
  readonly outputStream: Readable;
  addBuffer(buffer: Buffer, name: string, options?: { compress?: boolean }): void;
  end(): void;
}
const yazl = createRequire(import.meta.url)('yazl') as { ZipFile: new () => YazlZip };

const MB = 1024 * 1024;
const WRAPPER = 'instagram-bench.user-2026-11-02-AbCdEf';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`${name} needs a positive number`);
    process.exit(2);
  }
  return value;
}

/** Small JSON entries shaped like an Instagram export's lists. */
function jsonEntries(): Array<[string, string]> {
  const followers = (part: number): string =>
    JSON.stringify(
      Array.from({ length: 2000 }, (_, i) => ({
        title: '',
        media_list_data: [],
        string_list_data: [{ href: `https://www.instagram.com/user_${part}_${i}`, value: `user_${part}_${i}`, timestamp: 1_700_000_000 + i }],
      })),
    );
  return [
    ['connections/followers_and_following/followers_1.json', followers(1)],
    ['connections/followers_and_following/followers_2.json', followers(2)],
    [
      'connections/followers_and_following/following.json',
      JSON.stringify({ relationships_following: Array.from({ length: 1500 }, (_, i) => ({ title: `user_1_${i}`, string_list_data: [{ href: `https://www.instagram.com/_u/user_1_${i}`, timestamp: 1_690_000_000 + i }] })) }),
    ],
    ['your_instagram_activity/likes/liked_posts.json', JSON.stringify({ likes_media_likes: [] })],
  ];
}

async function generate(file: string, sizeMb: number, entryMb: number): Promise<{ mediaEntries: number; jsonEntries: number }> {
  const zip = new yazl.ZipFile();
  const json = jsonEntries();
  // Half the JSON before the media, half after (read past the 2 GiB offset).
  const head = json.slice(0, 2);
  const tail = json.slice(2);
  for (const [name, text] of head) zip.addBuffer(Buffer.from(text), `${WRAPPER}/${name}`, { compress: true });
  const chunk = Buffer.allocUnsafe(entryMb * MB);
  randomFillSync(chunk);
  const mediaEntries = Math.max(1, Math.round(sizeMb / entryMb));
  for (let i = 0; i < mediaEntries; i++) {
    zip.addBuffer(chunk, `${WRAPPER}/media/posts/2026${String((i % 12) + 1).padStart(2, '0')}/video_${i}.mp4`, { compress: false });
  }
  for (const [name, text] of tail) zip.addBuffer(Buffer.from(text), `${WRAPPER}/${name}`, { compress: true });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
  return { mediaEntries, jsonEntries: json.length };
}

/** The child: open, read every JSON entry, report its own peak memory. */
async function measure(file: string): Promise<void> {
  const baselineMaxRssMb = process.resourceUsage().maxRSS / 1024;
  const t0 = performance.now();
  const files = await openExport(file);
  const openMs = performance.now() - t0;
  let bytesRead = 0;
  let jsonRead = 0;
  const t1 = performance.now();
  try {
    for (const path of files.paths()) {
      if (!path.endsWith('.json')) continue;
      const text = await files.readText(path);
      JSON.parse(text);
      bytesRead += Buffer.byteLength(text);
      jsonRead++;
    }
  } finally {
    await files.close();
  }
  const readMs = performance.now() - t1;
  const result = {
    entries: files.paths().length,
    wrapper: files.wrapper ?? null,
    jsonRead,
    jsonBytesRead: bytesRead,
    openMs: Math.round(openMs),
    readMs: Math.round(readMs),
    baselineMaxRssMb: Math.round(baselineMaxRssMb),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(JSON.stringify(result));
}

async function main(): Promise<void> {
  const measureAt = process.argv.indexOf('--measure');
  if (measureAt !== -1) {
    await measure(process.argv[measureAt + 1] as string);
    return;
  }
  const sizeMb = flag('--size-mb', 2048);
  const entryMb = Math.min(flag('--entry-mb', 64), 1023);
  const dir = await mkdtemp(join(tmpdir(), 'followback-export-bench-'));
  const file = join(dir, 'instagram-bench.zip');
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const onSignal = (): void => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const fs = await statfs(dir);
    const freeMb = (fs.bavail * fs.bsize) / MB;
    if (freeMb < sizeMb * 1.1 + 256) throw new Error(`not enough disk space in ${dir}: ${Math.round(freeMb)} MB free, ${sizeMb} MB needed`);

    const g0 = performance.now();
    const generated = await generate(file, sizeMb, entryMb);
    const generateMs = performance.now() - g0;
    const archiveBytes = (await stat(file)).size;

    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--measure', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    if (code !== 0) throw new Error(`the measuring process exited with ${code}`);
    const measured = JSON.parse(out) as Record<string, unknown>;
    console.log(
      JSON.stringify(
        {
          archiveMb: Math.round(archiveBytes / MB),
          mediaEntries: generated.mediaEntries,
          mediaEntryMb: entryMb,
          generateMs: Math.round(generateMs),
          ...measured,
          node: process.version,
        },
        null,
        2,
      ),
    );
  } finally {
    await cleanup();
  }
}

await main();

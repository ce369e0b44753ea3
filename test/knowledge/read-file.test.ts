import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, realpath, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { readKnowledgeFile, type FileReadResult } from "../../src/knowledge/read-file.ts";

const VALID = fileURLToPath(new URL("../fixtures/knowledge/valid/", import.meta.url));

const temps: string[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), "kizuna-read-file-")));
  temps.push(dir);
  return dir;
}

/** Another process that points `link` at `a`, then `b`, then `a`… as fast as it can (rename is atomic). */
function swapping(link: string, a: string, b: string): ChildProcess {
  const script = `const fs = require("node:fs");
const [link, a, b] = process.argv.slice(1);
process.send("ready");
for (let i = 0; ; i++) { fs.symlinkSync(i % 2 ? a : b, link + ".next"); fs.renameSync(link + ".next", link); }`;
  const child = spawn(process.execPath, ["-e", script, link, a, b], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  children.push(child);
  return child;
}

/** Reads `path` again and again for `ms` while a swapper runs; every result. */
async function readWhileSwapping(child: ChildProcess, path: string, root: string, ms: number) {
  await new Promise((resolve) => child.once("message", resolve));
  const results: FileReadResult[] = [];
  const until = Date.now() + ms;
  while (Date.now() < until) results.push(await readKnowledgeFile(path, root, "knowledge/chile-peru.yaml"));
  return results;
}

describe("readKnowledgeFile — a link swapped while it is read (check, then read)", () => {
  it("GIVEN a link flipping between a file inside and one outside THEN the outside file is never read", async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await cp(join(VALID, "chile-peru.yaml"), join(root, "inside.txt"));
    // The outside file is valid knowledge too, with a fact of its own: reading it would load it.
    await writeFile(
      join(outside, "secret.yaml"),
      (await import("node:fs")).readFileSync(join(VALID, "chile-peru.yaml"), "utf8").replace("cp-pisco-dispute", "cp-secret"),
    );
    const link = join(root, "chile-peru.yaml");
    await symlink(join(root, "inside.txt"), link);
    const results = await readWhileSwapping(
      swapping(link, join(root, "inside.txt"), join(outside, "secret.yaml")),
      link,
      root,
      2500,
    );
    const loaded = results.flatMap((r) => r.file?.data.facts.map((f) => f.id) ?? []);
    expect(loaded).toContain("cp-pisco-dispute");
    expect(loaded).not.toContain("cp-secret");
    expect(results.filter((r) => r.problems.length > 0).map((r) => r.problems[0]!.message)).toSatisfy((messages: string[]) =>
      messages.every((m) => /outside the knowledge folder|does not exist|disappeared|changed while/.test(m)),
    );
  });

  it("GIVEN a link flipping between a small file and a 40 MB one THEN the big one's bytes are never read", async () => {
    const root = await tempDir();
    await cp(join(VALID, "chile-peru.yaml"), join(root, "small.txt"));
    await writeFile(join(root, "big.txt"), "");
    await truncate(join(root, "big.txt"), 40 * 1024 * 1024); // sparse: 40 MB of NUL bytes, none written
    const link = join(root, "chile-peru.yaml");
    await symlink(join(root, "small.txt"), link);
    const results = await readWhileSwapping(swapping(link, join(root, "small.txt"), join(root, "big.txt")), link, root, 2500);
    const messages = results.flatMap((r) => r.problems.map((p) => p.message));
    expect(messages).toContain("is 40.0 MB; a knowledge file may be at most 5 MB");
    // Reading the big file's bytes is what "a NUL byte" would mean.
    expect(messages.filter((m) => m.includes("NUL"))).toEqual([]);
  });
});

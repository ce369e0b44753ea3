import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { snapshot } from "../../src/cluster/mirror.ts";

const VALID = fileURLToPath(new URL("../fixtures/knowledge/valid/", import.meta.url));

const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "kizuna-mirror-"));
  temps.push(dir);
  return dir;
}

describe("snapshot — the files a process publishes (KNOWLEDGE_DIR with Redis)", () => {
  it("GIVEN the root, the home folder or a system folder THEN it is refused at once, nothing walked", async () => {
    for (const [dir, why] of [
      ["/", "is the root of the file system, not a knowledge folder; refused"],
      [homedir(), "is the home folder, not a knowledge folder; refused"],
      ["/usr", "is a system folder, not a knowledge folder; refused"],
    ] as const) {
      const started = performance.now();
      expect(await snapshot(dir)).toEqual({ files: [], problems: [{ file: dir, message: why }] });
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it("GIVEN links to a file outside, to nothing and to each other THEN each is refused with the loader's words", async () => {
    const dir = await tempDir();
    const outside = await tempDir();
    await cp(VALID, dir, { recursive: true });
    await cp(join(VALID, "chile-peru.yaml"), join(outside, "secret.yaml"));
    await symlink(join(outside, "secret.yaml"), join(dir, "outside.yaml"));
    await symlink(join(dir, "gone.yaml"), join(dir, "dangling.yaml"));
    await symlink(join(dir, "loop-b.yaml"), join(dir, "loop-a.yaml"));
    await symlink(join(dir, "loop-a.yaml"), join(dir, "loop-b.yaml"));
    const taken = await snapshot(dir);
    expect(taken.files.map((f) => f.path)).toEqual(["brazil-japan.yaml", "chile-peru.yaml"]);
    expect(taken.problems).toEqual([
      { file: "knowledge/dangling.yaml", message: "is a symbolic link to a file that does not exist" },
      {
        file: "knowledge/loop-a.yaml",
        message: "is a symbolic link loop (a link that leads back to itself)",
      },
      {
        file: "knowledge/loop-b.yaml",
        message: "is a symbolic link loop (a link that leads back to itself)",
      },
      {
        file: "knowledge/outside.yaml",
        message: "is a symbolic link to a file outside the knowledge folder; refused",
      },
    ]);
  });
});

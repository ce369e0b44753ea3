import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { childEnv } from "./support/child-env.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const dataDir = mkdtempSync(join(tmpdir(), "kizuna-start-data-"));
dirs.push(dataDir);

// `npm start` as a newcomer runs it; env is explicit so a developer's .env cannot leak in.
function start(env: Record<string, string>, input = "") {
  return spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
    input,
    encoding: "utf8",
    timeout: 60_000,
    // Never the repository's data/: a folder of the test's own.
    env: childEnv({ DISCORD_TOKEN: "", DATABASE_URL: "", DATA_DIR: dataDir, ...env }),
  });
}

describe("npm start", () => {
  it("GIVEN no token THEN the local console answers and exits 0 at end of input", () => {
    const run = start({}, "When did Japan reopen its embassy in Kabul after the Taliban took power?\n");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/local console/);
    expect(run.stdout).toMatch(/September 2022 — Japan reopened its embassy in Kabul/);
  });

  it("GIVEN a fresh DATA_DIR THEN the console creates the database, records what it could not answer, and /gaps lists it", () => {
    const data = mkdtempSync(join(tmpdir(), "kizuna-start-data-"));
    dirs.push(data);
    const run = start(
      { DATA_DIR: join(data, "new") },
      "Who won the 2010 World Cup?\nwho won the world cup in 2010\nWhen were diplomatic relations established?\n/gaps\n",
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/2× “who won the world cup in 2010” — 2 wordings · 2010 · last /);
    expect(run.stdout).toMatch(/Recording unanswered questions, kept 90 days/);
    expect(existsSync(join(data, "new", "kizuna.sqlite"))).toBe(true);
  });

  it("GIVEN bad config THEN one line per bad key, the secret never echoed, exit 78", () => {
    const token = "not a token with spaces SECRETVALUE";
    const run = start({ DISCORD_TOKEN: token, DISCORD_GUILD_ID: "abc", COOLDOWN_ANSWERS: "-1" });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/^Invalid configuration:/);
    expect(run.stderr).toMatch(/ {2}DISCORD_TOKEN: does not look like a bot token/);
    expect(run.stderr).toMatch(/ {2}DISCORD_GUILD_ID: must be a Discord id/);
    expect(run.stderr).toMatch(/ {2}COOLDOWN_ANSWERS: must be 0 or more/);
    expect(run.stdout + run.stderr).not.toContain("SECRETVALUE");
  });

  it("GIVEN invalid knowledge THEN it refuses to start, naming every problem, exit 65", () => {
    const dir = mkdtempSync(join(tmpdir(), "kizuna-start-"));
    dirs.push(dir);
    cpSync("knowledge", dir, { recursive: true });
    writeFileSync(join(dir, "broken.yaml"), "relation: [unclosed\n");
    const run = start({ KNOWLEDGE_DIR: dir });
    expect(run.status).toBe(65);
    expect(run.stderr).toMatch(/Kizuna will not start: 1 problem in the knowledge files:/);
    expect(run.stderr).toMatch(/broken\.yaml:\d+: YAML:/);
  });
});

/**
 * `npm run gaps` as other tools run it: a process, its stdout and exit status, over a real
 * SQLite file and a PostgreSQL database of the test's own, filled through the storage layer.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseTarget } from "../../../src/feedback/database.ts";
import { writeRecords, type AnswerRecord, type VoteRecord } from "../../../src/feedback/records.ts";
import { answerRecord, voteRecord } from "../../support/feedback.ts";
import { createTestDatabase, type TestDatabase } from "../../support/postgres.ts";

const DAY = 86_400_000;
const GUILD = "111111111111111111";
let dir: string;
let postgres: TestDatabase;

/** The tool, as `npm run --silent gaps -- …` runs it (through npm when `viaNpm`: the exact interface). */
function gaps(args: string[], env: Record<string, string>, viaNpm = false) {
  const [command, prefix] = viaNpm
    ? ["npm", ["run", "--silent", "gaps", "--"]]
    : [process.execPath, ["--import", "tsx", "src/adapters/cli/gaps.ts"]];
  return spawnSync(command, [...prefix, ...args], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, DATA_DIR: "", DATABASE_URL: "", FEEDBACK_SECRET: "", ...env },
  });
}

let n = 0;
/** Each question from a person of its own. */
const answer = (question: string, fields: Partial<AnswerRecord> = {}) =>
  answerRecord({ question, guildId: GUILD, userId: `user${++n}`, ...fields });

async function fill(target: DatabaseTarget): Promise<void> {
  const open = await openDatabase(target);
  const liked = answer("When were relations established?", {
    answered: true,
    outcome: "fact",
    factIds: ["af-jp-1931-relations-established"],
    logged: false,
    groupKey: null,
  });
  const vote = (fields: Partial<VoteRecord>) =>
    voteRecord(liked.id, { guildId: GUILD, userId: "voter", ...fields });
  await writeRecords(
    open.db,
    [
      answer("Who won the 2010 World Cup?"),
      answer("who won the world cup in 2010"),
      answer("who won the world cup in 2010", { at: Date.now() - 2 * DAY }),
      answer("Who won the 2010 World Cup?", { at: Date.now() - 60 * DAY }),
      answer("relations between japan and brazil", {
        groupKey: "|BR,JP|",
        countries: ["BR", "JP"],
        period: null,
        guildId: null,
      }),
      liked,
      vote({ comment: "It was 1930" }),
      vote({ userId: "another", value: 1 }),
    ],
    "a secret for the CLI tests",
  );
  await open.close();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kizuna-gaps-cli-"));
  postgres = await createTestDatabase();
  await fill({ kind: "sqlite", file: join(dir, "kizuna.sqlite") });
  await fill({ kind: "postgres", url: postgres.url });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await postgres?.drop();
});

const EXPECTED = {
  unanswered: [
    {
      question: "who won the world cup in 2010",
      count: 3,
      lastAsked: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      askers: 3,
      wordings: 2,
      countries: [],
      period: "2010",
    },
    {
      question: "relations between japan and brazil",
      count: 1,
      lastAsked: expect.any(String),
      askers: 1,
      wordings: 1,
      countries: ["BR", "JP"],
      period: null,
    },
  ],
  disliked: [{ factId: "af-jp-1931-relations-established", down: 1, up: 1, comments: ["It was 1930"] }],
};

describe("npm run --silent gaps -- --json", () => {
  it.each([
    ["the SQLite file in DATA_DIR", () => ({ DATA_DIR: dir })],
    ["PostgreSQL at DATABASE_URL", () => ({ DATABASE_URL: postgres.url })],
  ])("GIVEN %s THEN it prints one JSON object: paraphrases together, most asked first", (_, env) => {
    const run = gaps(["--json"], env(), true);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout.endsWith("}\n")).toBe(true);
    const report = JSON.parse(run.stdout);
    expect(report).toEqual(EXPECTED);
    expect(Object.keys(report.unanswered[0])).toEqual([
      "question",
      "count",
      "lastAsked",
      "askers",
      "wordings",
      "countries",
      "period",
    ]);
    expect(Object.keys(report.disliked[0])).toEqual(["factId", "down", "up", "comments"]);
  });

  it("GIVEN --days and --guild THEN only that window and that server", { timeout: 60_000 }, () => {
    const older = JSON.parse(gaps(["--json", "--days", "90"], { DATA_DIR: dir }).stdout);
    expect(older.unanswered[0]).toMatchObject({ count: 4 });
    const server = JSON.parse(gaps(["--json", "--guild", GUILD], { DATA_DIR: dir }).stdout);
    expect(server.unanswered.map((g: { question: string }) => g.question)).toEqual([
      "who won the world cup in 2010",
    ]);
    const dms = JSON.parse(gaps(["--json", "--guild", "dm"], { DATA_DIR: dir }).stdout);
    expect(dms).toEqual({ unanswered: [EXPECTED.unanswered[1]], disliked: [] });
  });

  it("GIVEN no --json THEN the same report as text", () => {
    const run = gaps(["--days", "30"], { DATA_DIR: dir });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Gaps — the last 30 days \(all servers\)\n/);
    expect(run.stdout).toMatch(
      / {3}3× {2}who won the world cup in 2010 {2}\(3 people, 2 wordings, 2010, last /,
    );
    expect(run.stdout).toMatch(/af-jp-1931-relations-established {2}👎 1 {2}👍 1\n {6}› It was 1930/);
  });

  it("GIVEN nothing recorded yet THEN an empty report, and no database is created for it", () => {
    const empty = join(dir, "nothing-here");
    const run = gaps(["--json"], { DATA_DIR: empty });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ unanswered: [], disliked: [] });
    expect(existsSync(empty)).toBe(false);
  });

  it("GIVEN bad flags or an unreachable database THEN a message on stderr and a non-zero exit", () => {
    for (const args of [["--days", "0"], ["--guild", "abc"], ["--nope"]]) {
      const run = gaps(args, { DATA_DIR: dir });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/Usage: npm run gaps/);
      expect(run.stdout).toBe("");
    }
    const down = gaps(["--json"], { DATABASE_URL: "postgres://kizuna:secretpw@127.0.0.1:1/x" });
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/^Cannot open the feedback database postgres:\/\/127\.0\.0\.1:1\/x: /);
    expect(down.stderr).not.toContain("secretpw");
  }, 120_000);
});

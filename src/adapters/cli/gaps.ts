/**
 * `npm run gaps -- [--days 30] [--json] [--guild ID] [--limit 100]`: the /gaps report for the
 * bot's operator, over every server unless --guild names one ("dm": direct messages). With
 * --json it prints one JSON object (an interface other tools depend on; see README):
 * {"unanswered":[{"question","count","lastAsked",…}],"disliked":[{"factId","down","up","comments":[…]}]}
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../../config.ts";
import { loadDotenv } from "../../env.ts";
import type { GapsReport } from "../../feedback/report.ts";

const USAGE = "Usage: npm run gaps -- [--days 30] [--json] [--guild ID|dm] [--limit 100]\n";

process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

function wholeNumber(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return n;
}

class UsageError extends Error {}

/** The report as text, for a terminal. */
function gapsText(report: GapsReport, days: number, scope: string): string {
  const lines = [`Gaps — the last ${days} day${days === 1 ? "" : "s"} (${scope})`];
  if (report.unanswered.length === 0 && report.disliked.length === 0) lines.push("Nothing to show.");
  if (report.unanswered.length) lines.push("", "Asked, not answered:");
  for (const g of report.unanswered) {
    const understood = [g.countries.join("–"), g.period].filter(Boolean).join(", ");
    const about = [
      `${g.askers} ${g.askers === 1 ? "person" : "people"}`,
      `${g.wordings} wording${g.wordings === 1 ? "" : "s"}`,
      understood,
      `last ${g.lastAsked.slice(0, 16).replace("T", " ")}`,
    ].filter(Boolean);
    lines.push(`  ${String(g.count).padStart(4)}×  ${g.question}  (${about.join(", ")})`);
  }
  if (report.disliked.length) lines.push("", "Facts with the most 👎:");
  for (const f of report.disliked) {
    lines.push(`  ${f.factId}  👎 ${f.down}  👍 ${f.up}`);
    for (const c of f.comments) lines.push(`      › ${c}`);
  }
  return lines.join("\n");
}

async function main(): Promise<number> {
  let days: number;
  let limit: number;
  let json: boolean;
  let guild: string | null | undefined;
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2).filter((a) => a !== "--"),
      options: {
        days: { type: "string" },
        json: { type: "boolean", default: false },
        guild: { type: "string" },
        limit: { type: "string" },
      },
      strict: true,
    });
    days = wholeNumber("days", values.days, 30, 3650);
    limit = wholeNumber("limit", values.limit, 100, 10_000);
    json = values.json ?? false;
    guild = values.guild === undefined ? undefined : values.guild === "dm" ? null : values.guild;
    if (typeof guild === "string" && !/^\d{17,20}$/.test(guild))
      throw new UsageError("--guild must be a server id (17–20 digits) or dm");
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }

  // The database drivers load only once the flags are known good: a usage error is instant.
  const { databaseTarget, describeTarget, openDatabase } = await import("../../feedback/database.ts");
  const { gapsReport } = await import("../../feedback/report.ts");
  loadDotenv();
  let target;
  try {
    target = databaseTarget(loadConfig());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee .env.example for every key.\n`);
    return 1;
  }
  const scope = guild === undefined ? "all servers" : guild === null ? "direct messages" : `server ${guild}`;
  let report: GapsReport = { unanswered: [], disliked: [] };
  // Nothing recorded yet: an empty report, without creating a database to say so.
  if (target.kind === "postgres" || existsSync(target.file)) {
    let open;
    try {
      open = await openDatabase(target, {
        onCorrupt: ({ movedTo, reason }) =>
          process.stderr.write(`The feedback database was damaged (${reason}); moved it to ${movedTo}.\n`),
      });
    } catch (error) {
      process.stderr.write(
        `Cannot open the feedback database ${describeTarget(target)}: ${(error as Error).message}\n`,
      );
      return 1;
    }
    try {
      report = await gapsReport(open.db, { days, guildId: guild, limit });
    } finally {
      await open.close();
    }
  }
  process.stdout.write(json ? `${JSON.stringify(report)}\n` : `${gapsText(report, days, scope)}\n`);
  return 0;
}

process.exitCode = await main();

/**
 * The gaps report (`/gaps`, `npm run gaps`): the questions asked most that the bot could not
 * answer, paraphrases counted together, and the facts with the most 👎 and what people said.
 * Grouping and counting happen in the database (one GROUP BY per part), so the report's cost
 * follows the number of groups shown, not the months of questions behind them.
 */
import type { FeedbackDb } from "./schema.ts";

export interface UnansweredGroup {
  /** The wording asked most often in the group (the latest on a tie). */
  readonly question: string;
  /** Times asked, every wording together. */
  readonly count: number;
  /** When it was last asked, ISO 8601. */
  readonly lastAsked: string;
  /** Distinct people who asked (counted by their hashed ids). */
  readonly askers: number;
  /** Different wordings in the group. */
  readonly wordings: number;
  /** What the engine understood: country codes and period. */
  readonly countries: readonly string[];
  readonly period: string | null;
}

export interface DislikedFact {
  readonly factId: string;
  readonly down: number;
  readonly up: number;
  /** What people said was wrong, newest first. */
  readonly comments: readonly string[];
}

/** The report, in the shape `npm run gaps -- --json` prints. */
export interface GapsReport {
  readonly unanswered: readonly UnansweredGroup[];
  readonly disliked: readonly DislikedFact[];
}

export interface ReportOptions {
  readonly days: number;
  /** Only this server's questions and votes (null: direct messages); undefined: everything. */
  readonly guildId?: string | null | undefined;
  /** Groups and facts at most (each). */
  readonly limit?: number;
  readonly now?: number;
}

/** Comments listed per fact at most. */
const MAX_COMMENTS = 20;

export async function gapsReport(db: FeedbackDb, options: ReportOptions): Promise<GapsReport> {
  const since = (options.now ?? Date.now()) - options.days * 86_400_000;
  const limit = options.limit ?? 100;
  const guild = options.guildId;

  const logged = db
    .selectFrom("answers")
    .where("answered", "=", 0)
    .where("logged", "=", 1)
    .where("asked_at", ">=", since)
    .$if(guild !== undefined, (q) =>
      guild === null ? q.where("guild_id", "is", null) : q.where("guild_id", "=", guild!),
    );
  const groups = await logged
    .select((eb) => [
      "group_key",
      eb.fn.countAll<number>().as("asks"),
      eb.fn.count<number>("asker").distinct().as("askers"),
      eb.fn.max("asked_at").as("last"),
    ])
    .groupBy("group_key")
    .orderBy("asks", "desc")
    .orderBy("last", "desc")
    .limit(limit)
    .execute();
  const keys = groups.map((g) => g.group_key).filter((k): k is string => k !== null);
  const wordings =
    keys.length === 0
      ? []
      : await logged
          .where("group_key", "in", keys)
          .select((eb) => [
            "group_key",
            "question",
            eb.fn.countAll<number>().as("asks"),
            eb.fn.max("asked_at").as("last"),
            eb.fn.max("countries").as("countries"),
            eb.fn.max("period").as("period"),
          ])
          .groupBy(["group_key", "question"])
          .execute();
  const byGroup = new Map<string, (typeof wordings)[number][]>();
  for (const w of wordings) {
    const list = byGroup.get(w.group_key ?? "") ?? [];
    list.push(w);
    byGroup.set(w.group_key ?? "", list);
  }
  const unanswered = groups.flatMap((g): UnansweredGroup[] => {
    const list = byGroup.get(g.group_key ?? "") ?? [];
    const best = list.reduce<(typeof list)[number] | undefined>(
      (a, b) =>
        !a ||
        Number(b.asks) > Number(a.asks) ||
        (Number(b.asks) === Number(a.asks) && Number(b.last) > Number(a.last))
          ? b
          : a,
      undefined,
    );
    if (!best) return [];
    return [
      {
        question: best.question,
        count: Number(g.asks),
        lastAsked: new Date(Number(g.last)).toISOString(),
        askers: Number(g.askers),
        wordings: list.length,
        countries: best.countries ? best.countries.split(",") : [],
        period: best.period ?? null,
      },
    ];
  });

  const votes = db
    .selectFrom("votes")
    .innerJoin("answer_facts", "answer_facts.answer_id", "votes.answer_id")
    .where("votes.voted_at", ">=", since)
    .$if(guild !== undefined, (q) =>
      guild === null ? q.where("votes.guild_id", "is", null) : q.where("votes.guild_id", "=", guild!),
    );
  const tallies = await votes
    .select((eb) => {
      const down = eb.fn.sum<number>(eb.case().when("votes.value", "<", 0).then(1).else(0).end());
      const up = eb.fn.sum<number>(eb.case().when("votes.value", ">", 0).then(1).else(0).end());
      return ["answer_facts.fact_id", down.as("down"), up.as("up")];
    })
    .groupBy("answer_facts.fact_id")
    .having((eb) => eb(eb.fn.sum(eb.case().when("votes.value", "<", 0).then(1).else(0).end()), ">", 0))
    .orderBy("down", "desc")
    .orderBy("up", "asc")
    .orderBy("answer_facts.fact_id")
    .limit(limit)
    .execute();
  const ids = tallies.map((t) => t.fact_id);
  const comments =
    ids.length === 0
      ? []
      : await votes
          .where("answer_facts.fact_id", "in", ids)
          .where("votes.value", "<", 0)
          .where("votes.comment", "is not", null)
          .select(["answer_facts.fact_id", "votes.comment"])
          .orderBy("votes.voted_at", "desc")
          .execute();
  const saidOf = new Map<string, string[]>();
  for (const c of comments) {
    const list = saidOf.get(c.fact_id) ?? [];
    if (c.comment && list.length < MAX_COMMENTS) list.push(c.comment);
    saidOf.set(c.fact_id, list);
  }
  const disliked = tallies.map((t) => ({
    factId: t.fact_id,
    down: Number(t.down),
    up: Number(t.up),
    comments: saidOf.get(t.fact_id) ?? [],
  }));
  return { unanswered, disliked };
}

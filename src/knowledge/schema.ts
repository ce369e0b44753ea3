/**
 * The schema of a knowledge file (one relation per YAML file). zod checks shape and types
 * and rejects unknown keys, so a misspelled field is an error instead of silently ignored.
 */
import { z } from "zod";

const id = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]*$/,
    "must be lower-case letters, digits and dashes (e.g. afghanistan-japan-1931)",
  )
  .max(80);
const text = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
const list = z.array(z.string().trim().min(1, "must not be empty").max(120)).default([]);
/** Texts in other languages, by language code: `{ ja: "…" }`. */
const localized = (max: number) =>
  z.record(
    z.string().regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$/, "must be a language code such as ja"),
    text(max),
  );

export const sourceSchema = z.strictObject({
  id,
  title: text(200),
  publisher: text(120),
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  license: text(120),
  retrieved: z.iso.date({ error: "must be a date like 2026-11-28" }),
  copy: z.string().trim().min(1).optional(),
});

// YAML reads `date: 1931` as a number and `date: -1999` as a negative one; both mean EDTF text.
const edtfText = z
  .union([z.string(), z.number().int()], { error: 'must be an EDTF date such as "1931" or "2022-09"' })
  .transform((v) => String(v).trim());

export const factSchema = z.strictObject({
  id,
  date: edtfText.nullable().optional(),
  when: text(60).optional(),
  statement: text(400),
  /** The statement in other languages, in our own words too (at least `ja`). */
  statements: localized(400).optional(),
  people: list,
  places: list,
  tags: z.array(id).default([]),
  keywords: list,
  source: id,
  section: text(120),
  quote: text(2000).optional(),
  /** A candidate fact (from `npm run import`) an admin has not reviewed yet: checked, never served. */
  draft: z.boolean().optional(),
});

export const relationSchema = z.strictObject({
  id,
  title: text(200),
  /** The title in other languages. */
  titles: localized(200).optional(),
  parties: z.array(text(80)).length(2, "must name exactly two countries"),
  aliases: list,
  summary: text(600).optional(),
});

export const fileSchema = z.strictObject({
  relation: relationSchema,
  sources: z.array(sourceSchema).default([]),
  facts: z.array(factSchema).default([]),
});

export type FileInput = z.infer<typeof fileSchema>;
export type FactInput = z.infer<typeof factSchema>;

/** The file's shape with facts left unchecked, so the loader can check each fact on its own. */
export const fileShapeSchema = fileSchema.extend({ facts: z.array(z.unknown()).default([]) });
/** Field names per level, for "did you mean" hints on unknown keys. */
export const KNOWN_KEYS = {
  file: Object.keys(fileSchema.shape),
  relation: Object.keys(relationSchema.shape),
  source: Object.keys(sourceSchema.shape),
  fact: Object.keys(factSchema.shape),
};

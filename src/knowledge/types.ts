/** The validated knowledge: what the loader produces and everything downstream reads. */
import type { HistoricalDate } from "./dates.ts";
import type { Country } from "../text/countries.ts";

export interface Source {
  readonly id: string;
  readonly title: string;
  readonly publisher: string;
  readonly url: string;
  readonly license: string;
  /** ISO date on which the source was read. */
  readonly retrieved: string;
  /** Local copy of the source, relative to the knowledge folder, when we keep one. */
  readonly copy?: string | undefined;
}

/** Texts in other languages, by language code ("ja"). */
export type Localized = Readonly<Record<string, string>>;

export interface Relation {
  readonly id: string;
  readonly title: string;
  readonly titles?: Localized | undefined;
  /** The two countries, in file order; the relation is the same whichever comes first. */
  readonly parties: readonly [Country, Country];
  /** Other names of the relation, native-script titles included. */
  readonly aliases: readonly string[];
  readonly summary?: string | undefined;
  readonly file: string;
}

export interface Fact {
  readonly id: string;
  readonly relationId: string;
  /** Null for facts the source gives no date for (who the ambassador is, a shared title). */
  readonly date: HistoricalDate | null;
  /** How the source words the date ("early 1914"), shown instead of the EDTF label. */
  readonly when?: string | undefined;
  readonly statement: string;
  /** The statement in other languages ("ja"), written by the curator. */
  readonly statements?: Localized | undefined;
  readonly people: readonly string[];
  readonly places: readonly string[];
  readonly tags: readonly string[];
  /** Extra search words a curator adds (synonyms, other spellings); never shown. */
  readonly keywords: readonly string[];
  readonly sourceId: string;
  readonly section: string;
  readonly quote?: string | undefined;
  /** Not reviewed yet (`draft: true`): checked like any fact, but not served. */
  readonly draft?: true | undefined;
  readonly file: string;
  readonly line: number;
}

export interface Knowledge {
  /** Short content hash of all files: changes whenever any file changes. */
  readonly version: string;
  readonly relations: readonly Relation[];
  /** In date order, undated facts last. Drafts are not among them. */
  readonly facts: readonly Fact[];
  /** Facts marked `draft: true`, in file order: validated, listed by check-knowledge, never served. */
  readonly drafts: readonly Fact[];
  readonly sources: readonly Source[];
  readonly files: readonly string[];
}

/** The date of a fact as shown to users, at its own precision ("early 1914", "2000 BCE"). */
export function dateLabel(fact: Fact): string | null {
  return fact.when ?? fact.date?.label ?? null;
}

/**
 * The date of a fact in a language. The curator's own wording ("early 1914") is English;
 * other languages get the date's label at its precision ("1914年").
 */
export function dateLabelIn(fact: Fact, locale: string): string | null {
  if (locale === "ja") return fact.date?.labelJa ?? null;
  return dateLabel(fact);
}

/** The fact's statement in a language: the curator's translation, or the English one. */
export function statementIn(fact: Fact, locale: string): string {
  return fact.statements?.[locale] ?? fact.statement;
}

/** The relation's title in a language, or the English one. */
export function titleIn(relation: Relation, locale: string): string {
  return relation.titles?.[locale] ?? relation.title;
}

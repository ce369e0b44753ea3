/**
 * What `/reload` asks for, whatever runs it: one process reloading its own store, or every
 * process of a deployment loading one published version (src/cluster). The command and its
 * reply know only this.
 */
import type { KnowledgeStore, ReloadResult } from "./knowledge-store.ts";

/** How a reload is getting on, for the deferred reply. */
export type ReloadProgress =
  | { readonly phase: "reading"; readonly filesRead: number; readonly files: number }
  | { readonly phase: "indexing"; readonly factsIndexed: number; readonly facts: number }
  | {
      readonly phase: "publishing";
      readonly version: string;
      /** Processes on the new version so far, of those registered. */
      readonly done: number;
      readonly processes: number;
    };

/** One process's answer to a published version. */
export interface ProcessOutcome {
  /** The process's name in the registry (role@host:pid). */
  readonly id: string;
  readonly state: "ok" | "refused" | "silent";
  /** What it serves now (the new version, or the one it kept). */
  readonly version?: string | undefined;
  /** Why it refused (its first problem), when it did. */
  readonly reason?: string | undefined;
}

/** The deployment's side of a reload. */
export type ClusterOutcome =
  | {
      readonly reached: true;
      readonly version: string;
      readonly processes: readonly ProcessOutcome[];
    }
  | {
      readonly reached: false;
      /** Why the other processes could not be told (Redis unreachable). */
      readonly why: string;
    };

export interface ReloadOutcome {
  /** This process's reload: the validation every published version passes first. */
  readonly result: ReloadResult;
  /** Absent when there is no deployment (one process, no Redis). */
  readonly cluster?: ClusterOutcome | undefined;
}

/** Reloads the knowledge wherever it is served. */
export interface KnowledgeControl {
  reload(progress?: (progress: ReloadProgress) => void): Promise<ReloadOutcome>;
}

/** One process, no deployment: the store's own reload. */
export function localKnowledge(store: KnowledgeStore): KnowledgeControl {
  return { reload: async (progress) => ({ result: await store.reload({ progress }) }) };
}
